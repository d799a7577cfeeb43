"""Conventions: every transition allowed or refused as declared (one log row each), the
reason to terminate, and the staff's admin page — workflow buttons, filters, the signed PDF
checked by content and downloaded through a permission-checked page, the linked figures."""

import itertools
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accueil.orientation import orient
from accueil.services import transition_request
from lib.workflow import TransitionNotAllowed, WorkflowError
from partenariats import services
from partenariats.models import Convention, ConventionTransition
from partenariats.workflows import CONVENTION_WORKFLOW
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.partenariats.admin_helpers import (
    change_form,
    docx_bytes,
    messages_of,
    page_text,
    staff_client,
    stored_files,
)
from tests.partenariats.factories import PDF_BYTES, make_commitment, make_convention, make_partner, pdf_upload

pytestmark = pytest.mark.django_db
Status = Convention.Status

# The issue's life of a convention: projet → en signature → en vigueur → à renouveler →
# échue / résiliée; back to the draft while signing, back in force after an amendment.
EXPECTED = {
    (Status.DRAFT, Status.SIGNING),
    (Status.SIGNING, Status.DRAFT),
    (Status.SIGNING, Status.ACTIVE),
    (Status.ACTIVE, Status.TO_RENEW),
    (Status.TO_RENEW, Status.ACTIVE),
    (Status.ACTIVE, Status.EXPIRED),
    (Status.TO_RENEW, Status.EXPIRED),
    (Status.ACTIVE, Status.TERMINATED),
    (Status.TO_RENEW, Status.TERMINATED),
}
PAIRS = list(itertools.product(Status.values, Status.values))


def change_url(convention):
    return reverse("admin:partenariats_convention_change", args=[convention.pk])


def transition_url(convention, target):
    return reverse("admin:partenariats_convention_transition", args=[convention.pk, target])


def test_the_declared_workflow_is_the_issues():
    assert {(t.source, t.target) for t in CONVENTION_WORKFLOW.transitions} == EXPECTED


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_each_transition_is_allowed_or_refused_as_declared_with_one_log_row(source, target):
    staff = StaffFactory(role="Partenariats")
    convention = make_convention(status=source)
    logged = ConventionTransition.objects.filter(subject=convention).count()
    if (source, target) in EXPECTED:
        row = services.move_convention(convention, target, by=staff, comment="Décidé en comité.")
        convention.refresh_from_db()
        assert convention.status == target
        assert ConventionTransition.objects.filter(subject=convention).count() == logged + 1
        assert (row.from_state, row.to_state, row.by, row.comment) == (source, target, staff, "Décidé en comité.")
    else:
        with pytest.raises(TransitionNotAllowed):
            services.move_convention(convention, target, by=staff, comment="Décidé en comité.")
        convention.refresh_from_db()
        assert convention.status == source
        assert ConventionTransition.objects.filter(subject=convention).count() == logged


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_terminating_without_a_reason_is_refused_in_french(reason):
    convention = make_convention(status=Status.ACTIVE)
    with pytest.raises(WorkflowError, match=r"Indiquez le motif de la résiliation\."):
        services.move_convention(convention, Status.TERMINATED, comment=reason)
    convention.refresh_from_db()
    assert convention.status == Status.ACTIVE and convention.termination_reason == ""
    assert not ConventionTransition.objects.filter(subject=convention, to_state=Status.TERMINATED).exists()

    services.move_convention(convention, Status.TERMINATED, comment="  Le partenaire a cessé son activité. ")
    convention.refresh_from_db()
    assert convention.status == Status.TERMINATED
    assert convention.termination_reason == "Le partenaire a cessé son activité."


# --- The admin: workflow buttons -----------------------------------------------------------


def test_the_change_page_offers_the_allowed_transitions_and_adding_an_amendment():
    client = staff_client()
    convention = make_convention(status=Status.ACTIVE)
    response = client.get(change_url(convention))
    html, text = response.content.decode(), page_text(response)
    for label in ("Marquer à renouveler", "Constater l'échéance", "Résilier"):
        assert label in text
    assert "Enregistrer la signature" not in text
    assert 'name="comment"' in html and "obligatoire pour résilier" in html
    assert reverse("admin:partenariats_convention_amendment_add", args=[convention.pk]) in html


def test_the_terminate_button_without_a_reason_shows_the_services_message_and_changes_nothing():
    client = staff_client()
    convention = make_convention(status=Status.TO_RENEW)
    response = client.post(transition_url(convention, Status.TERMINATED), {"comment": " "})
    assert response.status_code == 302 and response.url == change_url(convention)
    assert messages_of(response) == ["Indiquez le motif de la résiliation."]
    convention.refresh_from_db()
    assert convention.status == Status.TO_RENEW

    client.cookies.pop("messages", None)
    response = client.post(transition_url(convention, Status.TERMINATED), {"comment": "Fusion du partenaire."})
    convention.refresh_from_db()
    assert convention.status == Status.TERMINATED and convention.termination_reason == "Fusion du partenaire."
    assert messages_of(response) == [f"C'est fait : la convention {convention.reference} est « Résiliée »."]
    assert "Motif de résiliation : Fusion du partenaire." in page_text(client.get(change_url(convention)))


def test_a_transition_not_declared_is_refused_with_a_message_not_an_error_page():
    client = staff_client()
    convention = make_convention(status=Status.DRAFT)
    for target in (Status.EXPIRED, "etat-inexistant"):
        response = client.post(transition_url(convention, target), {"comment": ""})
        assert response.status_code == 302
        assert messages_of(response)[0].startswith("Transition refusée")
    convention.refresh_from_db()
    assert convention.status == Status.DRAFT
    assert client.get(transition_url(convention, Status.SIGNING)).status_code == 403  # a GET changes nothing


def test_direction_reads_a_convention_without_buttons_and_cannot_move_it():
    client = staff_client("Direction")
    convention = make_convention(status=Status.ACTIVE)
    html = client.get(change_url(convention)).content.decode()
    assert "Résilier" not in html and "Ajouter un avenant" not in html and 'name="_save"' not in html
    response = client.post(transition_url(convention, Status.TO_RENEW), {"comment": ""})
    assert response.status_code == 403
    convention.refresh_from_db()
    assert convention.status == Status.ACTIVE


# --- The admin: forms ----------------------------------------------------------------------


def add_data(partner, **values):
    today = timezone.localdate()
    data = {
        "reference": "CONV-2026-100",
        "title": "Accompagner les artisans de l'ESS",
        "object": "Orienter les porteurs vers la chambre.",
        "parties": [partner.pk],
        "owner": "",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=365)).isoformat(),
        "amount": "",
        "funder": "",
        "is_public": "on",
        "renewed_by": "",
        **{f"{prefix}-{key}": value for prefix in ("commitments", "amendments", "transitions")
           for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()},
    }  # fmt: skip
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"end_date": timezone.localdate().isoformat()}, "La fin de la convention doit être postérieure à son début."),
        ({"start_date": "31/02/2026"}, "Saisissez une date valide."),
        ({"reference": ""}, "Ce champ est obligatoire."),
        ({"parties": []}, "Ce champ est obligatoire."),
        ({"amount": "-5"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"amount": "beaucoup"}, "Saisissez un nombre."),
    ],
)
def test_bad_input_on_the_add_form_gives_a_french_message_and_creates_nothing(values, message):
    client = staff_client()
    partner = make_partner()
    response = client.post(reverse("admin:partenariats_convention_add"), add_data(partner, **values))
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Convention.objects.exists()


def test_a_convention_is_created_with_its_commitments_and_a_party_outside_it_is_refused():
    client = staff_client()
    partner, stranger = make_partner(name="Chambre de métiers"), make_partner(name="Autre chambre")
    rows = {
        "commitments-TOTAL_FORMS": "2",
        "commitments-0-title": "Orienter 30 porteurs",
        "commitments-0-party": str(partner.pk),
        "commitments-0-due_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "commitments-0-metric": "accueil.orientations_envoyees",
        "commitments-0-target": "30",
        "commitments-1-title": "Tenir un atelier",
        "commitments-1-party": str(stranger.pk),
        "commitments-1-due_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    response = client.post(reverse("admin:partenariats_convention_add"), add_data(partner, **rows))
    assert response.status_code == 200
    assert "« Autre chambre » n'est pas partie à cette convention" in page_text(response)
    assert not Convention.objects.exists()

    rows["commitments-1-party"] = ""  # the CRESS's own commitment
    response = client.post(reverse("admin:partenariats_convention_add"), add_data(partner, **rows))
    assert response.status_code == 302, page_text(response)
    convention = Convention.objects.get()
    assert convention.status == Status.DRAFT
    assert sorted(convention.commitments.values_list("title", "party", "metric", "target")) == [
        ("Orienter 30 porteurs", partner.pk, "accueil.orientations_envoyees", 30),
        ("Tenir un atelier", None, "", None),
    ]


# --- The signed PDF ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("convention.pdf", b"Ceci n'est pas un PDF", "n'est pas un document accepté"),
        ("convention.pdf", docx_bytes(), "n'est pas un PDF : enregistrez la convention"),
    ],
)
def test_a_signed_file_that_is_not_a_pdf_is_refused_and_nothing_is_written(name, content, message):
    client = staff_client()
    convention = make_convention()
    values = change_form(client, change_url(convention), "convention_form")
    response = client.post(change_url(convention), {**values, "signed_file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in page_text(response)
    convention.refresh_from_db()
    assert not convention.signed_file and stored_files("conventions") == []


def test_the_signed_pdf_is_stored_under_a_random_name_and_downloaded_through_a_checked_page():
    client = staff_client()
    convention = make_convention(status=Status.ACTIVE)
    values = change_form(client, change_url(convention), "convention_form")
    response = client.post(change_url(convention), {**values, "signed_file": pdf_upload("Convention CMA signée.pdf")})
    assert response.status_code == 302, page_text(response)
    convention.refresh_from_db()
    assert convention.signed_file.name.startswith("partenariats/conventions/")
    assert "CMA" not in convention.signed_file.name and len(stored_files("conventions")) == 1

    download = reverse("admin:partenariats_convention_signed_file", args=[convention.pk])
    html = client.get(change_url(convention)).content.decode()
    assert download in html and "/media/" not in html
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")

    direction = staff_client("Direction")
    assert direction.get(download).status_code == 200
    assert "/media/" not in direction.get(change_url(convention)).content.decode()
    assert staff_client("Accueil").get(download).status_code == 403  # sees partners, not conventions
    anonymous = Client().get(download)
    assert anonymous.status_code == 302 and reverse("admin:login") in anonymous.url


def test_asking_for_a_signed_file_that_is_not_there_says_so():
    client = staff_client()
    convention = make_convention()
    response = client.get(reverse("admin:partenariats_convention_signed_file", args=[convention.pk]))
    assert response.status_code == 302 and response.url == change_url(convention)
    assert messages_of(response) == ["Aucun fichier n'est enregistré ici pour le moment."]
    assert client.get(reverse("admin:partenariats_convention_signed_file", args=[987654])).status_code == 404


# --- The list ------------------------------------------------------------------------------


def test_the_list_filters_by_state_partner_and_an_end_within_90_days_and_searches_partners():
    client = staff_client()
    today = timezone.localdate()
    cma, cci = make_partner(name="Chambre de métiers"), make_partner(name="CCI Réunion")
    soon = make_convention(cma, status=Status.ACTIVE, start=today - timedelta(days=300), end=today + timedelta(days=60))
    later = make_convention(cci, status=Status.ACTIVE, start=today, end=today + timedelta(days=400))
    ended_soon = make_convention(
        cci, status=Status.TERMINATED, start=today - timedelta(days=300), end=today + timedelta(days=20)
    )
    past = make_convention(cma, status=Status.ACTIVE, start=today - timedelta(days=400), end=today - timedelta(days=3))
    changelist = reverse("admin:partenariats_convention_changelist")

    def listed(query):
        response = client.get(changelist, query)
        assert response.status_code == 200
        return {c.reference for c in response.context["cl"].result_list}

    assert listed({"fin": "90"}) == {soon.reference}
    assert listed({"fin": "30"}) == set()
    assert listed({"fin": "depassee"}) == {past.reference}
    assert listed({"partenaire": cci.pk}) == {later.reference, ended_soon.reference}
    assert listed({"status__exact": Status.TERMINATED}) == {ended_soon.reference}
    assert listed({"q": "métiers"}) == {soon.reference, past.reference}
    assert listed({"partenaire": "pas-un-nombre"}) == {c.reference for c in (soon, later, ended_soon, past)}
    assert "Dans les 90 jours" in page_text(client.get(changelist))


def queries(client, url) -> int:
    client.get(url)  # the first request of a login writes its session
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_list_does_a_constant_number_of_queries():
    client = staff_client()
    changelist = reverse("admin:partenariats_convention_changelist")
    for _ in range(2):
        make_convention(make_partner(), make_partner())
    few = queries(client, changelist)
    for _ in range(6):
        make_convention(make_partner(), make_partner())
    assert queries(client, changelist) == few


# --- Linked figures on the change page -----------------------------------------------------


def orientations_to(organisation, n):
    for i in range(n):
        intake, _token = make_request(email=f"porteur{organisation.pk}-{i}@exemple.re")
        transition_request(intake=intake, target="qualification")
        orient(intake=intake, organisations=[organisation], by=None)


def test_the_change_page_shows_each_commitments_figure_next_to_its_target():
    client = staff_client()
    cma = make_partner(organisation=OrganisationFactory(name="Chambre de métiers", email="cma@exemple.re"))
    convention = make_convention(cma, status=Status.ACTIVE)
    make_commitment(convention, party=cma, metric="accueil.orientations_envoyees", target=10, title="Orienter")
    make_commitment(convention, title="Animer un atelier")
    make_commitment(convention, party=cma, metric="retire.cle", title="Suivre un chiffre disparu")
    orientations_to(cma.organisation, 2)
    orientations_to(OrganisationFactory(email="autre@exemple.re"), 1)  # another structure's

    text = page_text(client.get(change_url(convention)))
    assert "Orientations envoyées vers la structure : 2 orientations sur une cible de 10 (20 %)" in text
    assert "« retire.cle » : chiffre indisponible" in text


def test_the_change_page_queries_do_not_grow_with_commitments_following_the_same_figure():
    client = staff_client()
    partner = make_partner()
    convention = make_convention(partner, status=Status.ACTIVE)
    url = change_url(convention)

    def add(n):
        for _ in range(n):
            make_commitment(convention, party=partner, metric="accueil.orientations_envoyees", target=5)
            make_commitment(convention, title="Sans chiffre", owner=StaffFactory())
            make_partner()  # one more in the parties' and commitments' selects

    add(1)
    services.move_convention(convention, Status.TO_RENEW)  # a log row
    few = queries(client, url)
    add(5)
    services.move_convention(convention, Status.ACTIVE)
    assert queries(client, url) == few


def test_a_page_computes_a_bounded_number_of_figures(monkeypatch):
    from partenariats import figures

    monkeypatch.setattr(figures, "FIGURES_PER_PAGE", 2)
    client = staff_client()
    partners = [make_partner() for _ in range(4)]
    convention = make_convention(*partners, status=Status.ACTIVE)
    for partner in partners:
        make_commitment(convention, party=partner, metric="accueil.orientations_envoyees", target=5)
    text = page_text(client.get(change_url(convention)))
    assert text.count("Orientations envoyées vers la structure : 0") == 2
    assert text.count("non calculé sur cette page (trop de chiffres suivis)") == 2
