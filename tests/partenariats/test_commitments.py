"""Commitments: every transition allowed or refused as declared (one log row each), the
admin's buttons for every target, the linked figure (a metric chosen from the registry), and
deliverables — checked by content, stored with their name and size, downloaded through a
permission-checked page."""

import itertools
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lib.workflow import TransitionNotAllowed
from partenariats import services
from partenariats.models import Commitment, CommitmentTransition, Deliverable
from partenariats.workflows import COMMITMENT_WORKFLOW
from tests.comptes.factories import StaffFactory
from tests.partenariats.admin_helpers import (
    change_form,
    docx_bytes,
    messages_of,
    page_text,
    staff_client,
    stored_files,
)
from tests.partenariats.factories import (
    PDF_BYTES,
    make_commitment,
    make_convention,
    make_deliverable,
    make_partner,
    pdf_upload,
)
from tests.test_uploads import real_png

pytestmark = pytest.mark.django_db
Status = Commitment.Status

# The issue's states (à faire, en cours, tenu, en retard, abandonné) and the partner's
# « déclaré tenu » that staff confirm or send back.
OPEN = (Status.TODO, Status.IN_PROGRESS, Status.LATE, Status.REPORTED)
EXPECTED = {
    (Status.TODO, Status.IN_PROGRESS),
    (Status.TODO, Status.DONE),
    (Status.IN_PROGRESS, Status.DONE),
    (Status.LATE, Status.DONE),
    (Status.TODO, Status.LATE),
    (Status.IN_PROGRESS, Status.LATE),
    (Status.LATE, Status.IN_PROGRESS),
    (Status.TODO, Status.REPORTED),
    (Status.IN_PROGRESS, Status.REPORTED),
    (Status.LATE, Status.REPORTED),
    (Status.REPORTED, Status.DONE),
    (Status.REPORTED, Status.IN_PROGRESS),
    *((source, Status.ABANDONED) for source in OPEN),
}
PAIRS = list(itertools.product(Status.values, Status.values))


def change_url(commitment):
    return reverse("admin:partenariats_commitment_change", args=[commitment.pk])


def transition_url(commitment, target):
    return reverse("admin:partenariats_commitment_transition", args=[commitment.pk, target])


def test_the_declared_workflow_is_the_issues():
    assert {(t.source, t.target) for t in COMMITMENT_WORKFLOW.transitions} == EXPECTED


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_each_transition_is_allowed_or_refused_as_declared_with_one_log_row(source, target):
    staff = StaffFactory(role="Partenariats")
    commitment = make_commitment(make_convention(), status=source)
    logged = CommitmentTransition.objects.filter(subject=commitment).count()
    if (source, target) in EXPECTED:
        row = services.move_commitment(commitment, target, by=staff, comment="Vu au comité.")
        commitment.refresh_from_db()
        assert commitment.status == target
        assert CommitmentTransition.objects.filter(subject=commitment).count() == logged + 1
        assert (row.from_state, row.to_state, row.by, row.comment) == (source, target, staff, "Vu au comité.")
    else:
        with pytest.raises(TransitionNotAllowed):
            services.move_commitment(commitment, target, by=staff)
        commitment.refresh_from_db()
        assert commitment.status == source
        assert CommitmentTransition.objects.filter(subject=commitment).count() == logged


# --- The admin: buttons ----------------------------------------------------------------------


@pytest.mark.parametrize("source", [Status.TODO, Status.REPORTED, Status.LATE])
def test_the_change_page_offers_every_allowed_target_as_a_button_and_each_works(source):
    client = staff_client()
    commitment = make_commitment(make_convention(), status=source)
    html = client.get(change_url(commitment)).content.decode()
    offered = set(re.findall(r'formaction="[^"]*/etat/([a-z_]+)/"', html))
    assert offered == {target for (s, target) in EXPECTED if s == source}
    for target in offered:
        fresh = make_commitment(make_convention(), status=source)
        response = client.post(transition_url(fresh, target), {"comment": "Après relance."})
        assert response.status_code == 302
        fresh.refresh_from_db()
        assert fresh.status == target
        assert fresh.transitions.last().comment == "Après relance."


def test_a_closed_commitment_has_no_button_and_a_refused_move_says_so():
    client = staff_client()
    commitment = make_commitment(make_convention(), status=Status.DONE)
    assert "/etat/" not in client.get(change_url(commitment)).content.decode()
    response = client.post(transition_url(commitment, Status.IN_PROGRESS), {"comment": ""})
    assert messages_of(response)[0].startswith("Transition refusée")
    commitment.refresh_from_db()
    assert commitment.status == Status.DONE


def test_direction_reads_a_commitment_and_its_deliverables_without_moving_or_uploading():
    commitment = make_commitment(make_convention(), status=Status.TODO)
    deliverable = make_deliverable(commitment)
    client = staff_client("Direction")
    response = client.get(change_url(commitment))
    html = response.content.decode()
    assert "/etat/" not in html and 'name="_save"' not in html and "Déposer un livrable" not in html
    assert deliverable.original_name in html and "/media/" not in html
    assert client.post(transition_url(commitment, Status.IN_PROGRESS), {"comment": ""}).status_code == 403


# --- The admin: the linked figure --------------------------------------------------------------


@pytest.fixture
def commitment_page():
    client = staff_client()
    partner = make_partner(name="Chambre de métiers")
    convention = make_convention(partner)
    commitment = make_commitment(convention, party=partner, title="Orienter des porteurs")
    return client, commitment, change_form(client, change_url(commitment), "commitment_form")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"metric": "accueil.inconnue"}, "« accueil.inconnue » n'est pas un chiffre calculé par le portail"),
        ({"metric": "accueil.demandes"}, "n'est pas un chiffre calculé par le portail"),  # a territory's figure
        ({"target": "30"}, "Une cible se rapporte à un chiffre suivi"),
        ({"metric": "accueil.orientations_envoyees", "party": ""}, "choisissez la partie engagée"),
        ({"target": "-3"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"due_date": "demain"}, "Saisissez une date valide."),
        ({"title": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_input_on_a_commitment_gives_a_french_message_and_changes_nothing(commitment_page, values, message):
    client, commitment, form = commitment_page
    response = client.post(change_url(commitment), {**form, **values})
    assert response.status_code == 200
    assert message in page_text(response)
    commitment.refresh_from_db()
    assert (commitment.metric, commitment.target, commitment.title) == ("", None, "Orienter des porteurs")


def test_a_party_outside_the_convention_is_refused(commitment_page):
    client, commitment, form = commitment_page
    stranger = make_partner(name="Une autre chambre")
    response = client.post(change_url(commitment), {**form, "party": str(stranger.pk)})
    assert response.status_code == 200
    assert f"« Une autre chambre » n'est pas partie à la convention {commitment.convention.reference}." in page_text(
        response
    )


def test_the_metric_select_offers_the_organisation_figures_and_the_page_shows_its_value(commitment_page):
    client, commitment, form = commitment_page
    html = client.get(change_url(commitment)).content.decode()
    assert 'value="accueil.orientations_envoyees"' in html
    assert 'value="accueil.demandes"' not in html and 'value="annuaire.structures_ess"' not in html
    response = client.post(change_url(commitment), {**form, "metric": "accueil.orientations_envoyees", "target": "12"})
    assert response.status_code == 302, page_text(response)
    commitment.refresh_from_db()
    assert (commitment.metric, commitment.target) == ("accueil.orientations_envoyees", 12)
    assert "Orientations envoyées vers la structure : 0 orientations sur une cible de 12 (0 %)" in page_text(
        client.get(change_url(commitment))
    )


# --- Deliverables: the service -----------------------------------------------------------------


def test_a_deliverable_keeps_its_original_name_and_size_under_a_random_stored_name():
    staff = StaffFactory(role="Partenariats")
    commitment = make_commitment(make_convention())
    upload = pdf_upload("C:\\Users\\marie\\Bilan 2026 — CMA.pdf")
    deliverable = services.add_deliverable(commitment=commitment, title="  Bilan 2026 ", upload=upload, by=staff)
    assert (deliverable.title, deliverable.original_name, deliverable.size) == (
        "Bilan 2026",
        "Bilan 2026 — CMA.pdf",
        len(PDF_BYTES),
    )
    assert deliverable.uploaded_by == staff and deliverable.by_partner is False
    assert deliverable.file.name.startswith("partenariats/livrables/") and "Bilan" not in deliverable.file.name
    assert deliverable.file.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content"),
    [("compte-rendu.docx", docx_bytes()), ("photo.png", real_png()), ("rapport.pdf", PDF_BYTES)],
)
def test_documents_and_images_are_accepted_by_their_content(name, content):
    commitment = make_commitment(make_convention(status="en_vigueur"))
    deliverable = services.add_deliverable(
        commitment=commitment, title="", upload=SimpleUploadedFile(name, content), by=None, by_partner=True
    )
    assert deliverable.title == name and deliverable.by_partner is True


def test_a_spreadsheet_deliverable_is_kept_with_the_extension_of_what_it_is():
    from lib.spreadsheet import xlsx_bytes

    commitment = make_commitment(make_convention())
    content = xlsx_bytes([["Indicateur", "Valeur"], ["Orientations vers la CMA", 12]])
    deliverable = services.add_deliverable(
        commitment=commitment, title="", upload=SimpleUploadedFile("bilan chiffré.pdf", content), by=None
    )
    assert deliverable.original_name == "bilan chiffré.xlsx" and deliverable.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", b"MZ\x90\x00 un programme, pas un PDF", "« rapport.pdf » n'est pas un document accepté"),
        ("tableau.xlsx", b"PK\x03\x04 pas un document", "n'est pas un document accepté"),
        ("vide.pdf", b"", "n'est pas un document accepté"),
    ],
)
def test_a_refused_deliverable_gives_a_french_message_and_writes_nothing(name, content, message):
    commitment = make_commitment(make_convention())
    with pytest.raises(ValidationError) as refused:
        services.add_deliverable(
            commitment=commitment, title="Bilan", upload=SimpleUploadedFile(name, content), by=None
        )
    assert message in refused.value.messages[0]
    assert not Deliverable.objects.exists() and stored_files("livrables") == []


def test_a_deliverable_too_big_is_refused(monkeypatch):
    monkeypatch.setattr(services, "DELIVERABLE_MAX_BYTES", 1024 * 1024)
    commitment = make_commitment(make_convention())
    big = SimpleUploadedFile("gros.pdf", PDF_BYTES + b" " * (1024 * 1024))
    with pytest.raises(ValidationError, match="dépasse 1 Mo"):
        services.add_deliverable(commitment=commitment, title="Bilan", upload=big, by=None)
    assert not Deliverable.objects.exists()


# --- Deliverables: the admin -------------------------------------------------------------------


def upload_form(client, commitment):
    """The page's form, and the prefix of its « Déposer un livrable » rows (the second
    formset of deliverables: the first lists those uploaded)."""
    form = change_form(client, change_url(commitment), "commitment_form")
    assert "deliverables-TOTAL_FORMS" in form and "deliverables-2-TOTAL_FORMS" in form
    return form, "deliverables-2"


def test_staff_upload_a_deliverable_on_the_commitments_page_through_the_service():
    client = staff_client()
    commitment = make_commitment(make_convention())
    form, prefix = upload_form(client, commitment)
    response = client.post(
        change_url(commitment),
        {**form, f"{prefix}-0-title": "Bilan d'étape", f"{prefix}-0-file": pdf_upload("bilan étape.pdf")},
    )
    assert response.status_code == 302, page_text(response)
    deliverable = Deliverable.objects.get()
    assert (deliverable.title, deliverable.original_name, deliverable.size) == (
        "Bilan d'étape",
        "bilan étape.pdf",
        len(PDF_BYTES),
    )
    assert deliverable.uploaded_by.groups.filter(name="Partenariats").exists() and not deliverable.by_partner
    html = client.get(change_url(commitment)).content.decode()
    assert reverse("admin:partenariats_commitment_deliverable", args=[commitment.pk, deliverable.pk]) in html
    assert "/media/" not in html


def test_a_fake_pdf_uploaded_on_the_commitments_page_is_refused_in_french_and_nothing_is_written():
    client = staff_client()
    commitment = make_commitment(make_convention())
    form, prefix = upload_form(client, commitment)
    fake = SimpleUploadedFile("rapport.pdf", b"<html>pas un PDF</html>", content_type="application/pdf")
    response = client.post(change_url(commitment), {**form, f"{prefix}-0-title": "Rapport", f"{prefix}-0-file": fake})
    assert response.status_code == 200
    accepted = "(PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG ou WebP)"
    assert f"« rapport.pdf » n'est pas un document accepté {accepted}" in page_text(response)
    assert not Deliverable.objects.exists() and stored_files("livrables") == []


def test_a_deliverable_is_downloaded_through_a_checked_page_only():
    commitment = make_commitment(make_convention())
    deliverable = make_deliverable(commitment, upload=pdf_upload("bilan final.pdf"))
    url = reverse("admin:partenariats_commitment_deliverable", args=[commitment.pk, deliverable.pk])
    for role in ("Partenariats", "Direction"):
        response = staff_client(role).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Disposition"].startswith("attachment;") and "bilan" in response["Content-Disposition"]
    for role in ("Accueil", "Communication", None):
        assert staff_client(role).get(url).status_code == 403, role
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("admin:login") in anonymous.url
    # Another commitment's address does not open it.
    other = make_commitment(make_convention())
    wrong = reverse("admin:partenariats_commitment_deliverable", args=[other.pk, deliverable.pk])
    assert staff_client().get(wrong).status_code == 403


def test_staff_delete_a_deliverable_and_its_file_goes_with_it(django_capture_on_commit_callbacks):
    client = staff_client()
    commitment = make_commitment(make_convention())
    deliverable = make_deliverable(commitment)
    assert len(stored_files("livrables")) == 1
    form = change_form(client, change_url(commitment), "commitment_form")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(commitment), {**form, "deliverables-0-DELETE": "on"})
    assert response.status_code == 302, page_text(response)
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()
    assert stored_files("livrables") == []


def test_the_commitment_page_and_list_do_a_constant_number_of_queries():
    client = staff_client()
    partner = make_partner()
    commitment = make_commitment(make_convention(partner), party=partner, metric="accueil.orientations_envoyees")
    changelist = reverse("admin:partenariats_commitment_changelist")

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    def add(n):
        for _ in range(n):
            make_deliverable(commitment, by=StaffFactory())
            services.move_commitment(
                commitment, Status.LATE if commitment.status != Status.LATE else Status.IN_PROGRESS
            )
            make_commitment(make_convention(make_partner()), party=None)

    add(1)
    few = (queries(change_url(commitment)), queries(changelist))
    add(5)
    assert (queries(change_url(commitment)), queries(changelist)) == few
