"""Nobody deletes an intake request: a superuser erases it (right to erasure, RGPD),
which removes the files and the personal data, keeps an audit row and the figures."""

import os
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accueil.models import (
    Attachment,
    IntakeRequest,
    InternalNote,
    Message,
    Orientation,
    OrientationTransition,
    ParticipantProfile,
    RequestErasure,
    RequestTransition,
)
from accueil.orientation import orient
from accueil.selectors import Period, fse_report
from accueil.services import (
    IntakeError,
    add_attachment,
    erase_request,
    send_staff_message,
    transition_request,
)
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db


def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def full_request(email="celine@exemple.re"):
    """A request with everything personal a request can hold."""
    intake, token = make_request(email=email, phone="0262 00 00 00")
    staff = StaffFactory(role="Accueil")
    add_attachment(intake=intake, upload=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 x"), kind="pdf", by_holder=True)
    send_staff_message(intake=intake, by=staff, body="Bonjour Céline, rappelez-moi au 0692.")
    InternalNote.objects.create(request=intake, author=staff, body="Céline Dijoux, très motivée.")
    ParticipantProfile.objects.create(request=intake, sex="femme", age_band="25_54", disadvantaged=True)
    transition_request(intake=intake, target="qualification", by=staff, comment="Appelée, Mme Dijoux absente.")
    partner = OrganisationFactory(name="Couveuse Sud", is_support_structure=True, email="couveuse@exemple.re")
    (orientation,) = orient(intake=intake, organisations=[partner], by=staff)
    Orientation.objects.filter(pk=orientation.pk).update(partner_message="Mme Dijoux reçue le 3 mars.")
    OrientationTransition.objects.filter(subject=orientation).update(comment="Mme Dijoux nous a appelés.")
    intake.refresh_from_db()
    return intake, token


def delete_url(intake):
    return reverse("admin:accueil_intakerequest_delete", args=[intake.pk])


def erase_url(intake):
    return reverse("admin:accueil_intakerequest_erase", args=[intake.pk])


@pytest.mark.parametrize("role", ["Accueil", "Direction"])
def test_staff_cannot_delete_requests_one_by_one_or_all(client, role):
    login_as(client, StaffFactory(role=role))
    first, _ = make_request(email="a@exemple.re")
    second, _ = make_request(email="b@exemple.re")
    assert client.get(delete_url(first)).status_code == 403
    assert client.post(delete_url(first), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:accueil_intakerequest_changelist")
    page = client.get(changelist).content.decode()
    assert 'value="delete_selected"' not in page
    bulk = {"action": "delete_selected", "select_across": "1", "index": "0", "_selected_action": [first.pk]}
    client.post(changelist, bulk)
    client.post(changelist, {**bulk, "post": "yes"})  # the confirmation page's answer
    assert IntakeRequest.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert client.get(erase_url(first)).status_code == 403
    assert client.post(erase_url(first), {"reason": "Demande reçue"}).status_code == 403
    first.refresh_from_db()
    assert first.anonymised_at is None and first.first_name == "Céline"
    with pytest.raises(IntakeError):
        erase_request(intake=first, by=StaffFactory(role=role), reason="Demande reçue")


def test_the_accueil_role_cannot_delete_an_orientation(client):
    intake, _ = make_request()
    transition_request(intake=intake, target="qualification")
    partner = OrganisationFactory(is_support_structure=True, email="partenaire@exemple.re")
    (orientation,) = orient(intake=intake, organisations=[partner], by=None)
    login_as(client, StaffFactory(role="Accueil"))
    url = reverse("admin:accueil_orientation_delete", args=[orientation.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Orientation.objects.filter(pk=orientation.pk).exists()


def test_a_superusers_delete_leads_to_the_erasure_page_and_the_list_has_no_bulk_delete(client):
    intake, _ = make_request()
    login_as(client, superuser())
    response = client.get(delete_url(intake))
    assert response.status_code == 302 and response["Location"] == erase_url(intake)
    page = client.get(reverse("admin:accueil_intakerequest_changelist")).content.decode()
    assert 'value="delete_selected"' not in page
    assert (
        "Effacer les données de la personne"
        in client.get(reverse("admin:accueil_intakerequest_change", args=[intake.pk])).content.decode()
    )


def test_a_superuser_erases_a_request_the_files_go_the_audit_row_and_the_figures_stay(
    client, django_capture_on_commit_callbacks, settings
):
    settings.FSE_LAST_PAYMENT_DATE = date(2019, 6, 30)  # the FSE hold ended on 31/12/2024
    intake, token = full_request()
    other, _ = full_request(email="autre@exemple.re")
    stored = Attachment.objects.get(request=intake).file
    path = stored.path
    figures = fse_report(Period())
    admin = superuser()
    login_as(client, admin)

    page = client.get(erase_url(intake))
    assert page.status_code == 200 and intake.reference in page.content.decode()
    # Without a reason nothing happens.
    refused = client.post(erase_url(intake), {"reason": "  "})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in refused.content.decode()
    assert Attachment.objects.filter(request=intake).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(intake), {"reason": "Demande d'effacement reçue par courriel le 3 mars."})
        assert response.status_code == 302
        assert os.path.exists(path), "the file goes only once the erasure is committed"
    assert not os.path.exists(path), "the file itself is deleted from the disk"

    intake.refresh_from_db()
    assert intake.anonymised_at is not None
    assert (intake.first_name, intake.last_name, intake.phone) == ("Anonyme", "", "")
    assert intake.email.endswith("@anonyme.invalid") and "Céline" not in intake.description
    assert intake.status == "retiree", "an open request leaves the staff's queue"
    assert not Attachment.objects.filter(request=intake).exists()
    assert not Message.objects.filter(request=intake).exists()
    assert not InternalNote.objects.filter(request=intake).exists()
    assert not RequestTransition.objects.filter(subject=intake, comment__contains="Dijoux").exists()
    assert not Orientation.objects.filter(request=intake, partner_message__contains="Dijoux").exists()
    assert not OrientationTransition.objects.filter(subject__request=intake, comment__contains="Dijoux").exists()
    assert client.get(reverse("accueil:suivi", args=[token])).status_code == 404

    erasure = RequestErasure.objects.get()
    assert (erasure.reference, erasure.request, erasure.erased_by) == (intake.reference, intake, admin)
    assert erasure.reason == "Demande d'effacement reçue par courriel le 3 mars." and erasure.documents_deleted == 1

    # The figures count the request as before: it stays, anonymised, with its FSE answers.
    assert IntakeRequest.objects.count() == 2
    assert ParticipantProfile.objects.filter(request=intake, sex="femme", disadvantaged=True).exists()
    assert fse_report(Period()) == figures
    # The other request is untouched.
    other.refresh_from_db()
    assert other.first_name == "Céline" and Attachment.objects.filter(request=other).exists()


def test_an_fse_record_keeps_its_identity_while_the_fse_hold_runs(client, django_capture_on_commit_callbacks, settings):
    settings.FSE_LAST_PAYMENT_DATE = None  # the last payment is still to come: the hold runs
    intake, token = full_request()
    login_as(client, superuser())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(intake), {"reason": "Demande reçue par courriel le 3 mars."})
    assert response.status_code == 302
    intake.refresh_from_db()
    # What the FSE duty keeps: the participant's identity and answers.
    assert intake.anonymised_at is None and (intake.first_name, intake.email) == ("Céline", "celine@exemple.re")
    assert ParticipantProfile.objects.filter(request=intake, sex="femme").exists()
    # What surrounds it goes, and the private links end.
    assert not Attachment.objects.filter(request=intake).exists()
    assert not Message.objects.filter(request=intake).exists()
    assert not InternalNote.objects.filter(request=intake).exists()
    assert not RequestTransition.objects.filter(subject=intake, comment__contains="Dijoux").exists()
    assert client.get(reverse("accueil:suivi", args=[token])).status_code == 404
    assert RequestErasure.objects.get().request == intake
    assert intake.status == "retiree"


def test_an_erased_request_cannot_be_erased_again(client):
    intake, _ = make_request()
    admin = superuser()
    erase_request(intake=intake, by=admin, reason="Demande reçue le 3 mars.")
    login_as(client, admin)
    response = client.post(erase_url(intake), {"reason": "Encore"})
    assert response.status_code == 200 and "déjà anonymisée" in response.content.decode()
    assert RequestErasure.objects.count() == 1


def test_the_erasure_log_is_read_only_even_for_a_superuser(client):
    intake, _ = make_request()
    admin = superuser()
    erasure = erase_request(intake=intake, by=admin, reason="Demande reçue le 3 mars.")
    login_as(client, admin)
    assert client.get(reverse("admin:accueil_requesterasure_changelist")).status_code == 200
    delete = reverse("admin:accueil_requesterasure_delete", args=[erasure.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(reverse("admin:accueil_requesterasure_change", args=[erasure.pk]), {"reason": "réécrit"})
    erasure.refresh_from_db()
    assert erasure.reason == "Demande reçue le 3 mars."
