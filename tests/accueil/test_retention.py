from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accueil.models import Attachment, IntakeRequest, InternalNote, Message, ParticipantProfile
from accueil.services import add_attachment, apply_retention, send_staff_message, transition_request
from tests.accueil.factories import make_request
from tests.comptes.factories import StaffFactory

pytestmark = pytest.mark.django_db


def closed_request(days_ago, **values):
    intake, token = make_request(**values)
    staff = StaffFactory(role="Accueil")
    add_attachment(intake=intake, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), kind="pdf", by_holder=True)
    send_staff_message(intake=intake, by=staff, body="Bonjour Céline")
    InternalNote.objects.create(request=intake, author=staff, body="note")
    ParticipantProfile.objects.create(request=intake, sex="femme")
    transition_request(intake=intake, target="qualification", by=staff, comment="appelée le 3")
    transition_request(intake=intake, target="cloturee", by=staff, outcome="projet_cree")
    IntakeRequest.objects.filter(pk=intake.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return intake, token


def test_documents_go_after_six_months_and_identity_after_thirty_six(
    client, django_capture_on_commit_callbacks, settings
):
    settings.FSE_LAST_PAYMENT_DATE = date(2019, 6, 30)  # the FSE hold of these records ended on 31/12/2024
    recent, _ = closed_request(30, email="recent@exemple.re")
    documents_only, _ = closed_request(200, email="mid@exemple.re")
    old, old_token = closed_request(1200, email="old@exemple.re")
    stored = Attachment.objects.get(request=old).file
    with django_capture_on_commit_callbacks(execute=True):  # files leave the disk after commit
        assert apply_retention() == {"documents_supprimes": 2, "demandes_anonymisees": 1}
    assert Attachment.objects.filter(request=recent).exists()
    assert not Attachment.objects.filter(request__in=[documents_only, old]).exists()
    assert not stored.storage.exists(stored.name), "the file itself is deleted"
    old.refresh_from_db()
    assert old.first_name == "Anonyme" and old.email.endswith(".invalid") and old.description == ""
    assert old.anonymised_at and old.outcome == "projet_cree", "the figures stay"
    assert not Message.objects.filter(request=old).exists() and not InternalNote.objects.filter(request=old).exists()
    assert ParticipantProfile.objects.filter(request=old).exists()
    assert client.get(reverse("accueil:suivi", args=[old_token])).status_code == 404
    documents_only.refresh_from_db()
    assert documents_only.first_name == "Céline"
    assert apply_retention() == {"documents_supprimes": 0, "demandes_anonymisees": 0}


def test_an_fse_record_keeps_its_identity_until_the_fse_hold_ends(settings):
    old, _ = closed_request(1200, email="old@exemple.re")  # with FSE participant answers
    settings.FSE_LAST_PAYMENT_DATE = None  # not paid yet: the hold runs
    assert apply_retention()["demandes_anonymisees"] == 0
    old.refresh_from_db()
    assert old.first_name == "Céline" and old.anonymised_at is None
    assert not Attachment.objects.filter(request=old).exists(), "its documents go as for any request"
    settings.FSE_LAST_PAYMENT_DATE = date(2019, 6, 30)  # paid in 2019: the hold ended on 31/12/2024
    assert apply_retention()["demandes_anonymisees"] == 1
    old.refresh_from_db()
    assert old.first_name == "Anonyme"


def test_open_requests_are_never_touched():
    intake, _ = make_request()
    IntakeRequest.objects.filter(pk=intake.pk).update(created_at=timezone.now() - timedelta(days=3000))
    assert apply_retention() == {"documents_supprimes": 0, "demandes_anonymisees": 0}
