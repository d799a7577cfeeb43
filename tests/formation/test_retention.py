"""RGPD: a trainee's registration is anonymised three years after its session (beat), as
the registration form's consent says; the quality figures keep what they count."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from formation import registrations, retention
from formation.models import Complaint, Registration, RegistrationGroup, Session, SurveyResponse
from messagerie.links import resolve_token
from tests.formation.factories_registration import make_session, person

pytestmark = pytest.mark.django_db


def test_registrations_are_anonymised_three_years_after_their_session(settings):
    settings.FORMATION_REGISTRATION_ANONYMISE_MONTHS = 36
    old, recent = make_session(capacity=5), make_session(capacity=5)
    past = registrations.register_person(session=old, person=person(1, phone="0692000001"), consent_text="ok")
    kept = registrations.register_person(session=recent, person=person(2), consent_text="ok")
    token = registrations.build_registration_link(registration=past.pk).rstrip("/").rsplit("/", 1)[-1]
    assert resolve_token(purpose=registrations.REGISTRATION_LINK, token=token) == past.pk
    # The session took place more than three years ago; the person was there and answered.
    ended = timezone.now() - timedelta(days=3 * 365 + 30)
    Session.objects.filter(pk=old.pk).update(starts_at=ended - timedelta(hours=7), ends_at=ended)
    Registration.objects.filter(pk=past.pk).update(
        status=Registration.Status.PRESENT, certificate_number="AF-2023-000001", assessment_result="atteints"
    )
    past.refresh_from_db()
    past.certificate_file.save("attestation.pdf", ContentFile(b"%PDF-1.4 attestation"))
    storage, name = past.certificate_file.storage, past.certificate_file.name
    SurveyResponse.objects.create(
        registration=past, kind="chaud", satisfaction=5, objectives_met=4, comment="Merci Marie, de la part de Jo"
    )
    RegistrationGroup.objects.create(session=old, organisation_name="Ti Kaz", contact_email="chef@tikaz.re")

    assert retention.anonymise_past_registrations() == 1
    past.refresh_from_db(), kept.refresh_from_db()
    assert (past.first_name, past.last_name, past.phone) == ("Anonyme", "", "")
    assert past.email.endswith("@anonyme.invalid") and past.anonymised_at is not None
    assert not past.certificate_file and not storage.exists(name)
    # What the quality figures count stays: the state, the number, the answer's marks.
    assert past.status == Registration.Status.PRESENT and past.certificate_number == "AF-2023-000001"
    answer = SurveyResponse.objects.get(registration=past)
    assert (answer.satisfaction, answer.comment) == (5, "")
    assert RegistrationGroup.objects.get(session=old).contact_email == "anonyme@anonyme.invalid"
    assert resolve_token(purpose=registrations.REGISTRATION_LINK, token=token) is None
    assert kept.first_name != "Anonyme" and kept.anonymised_at is None
    assert retention.anonymise_past_registrations() == 0  # once


def test_the_author_of_a_complaint_is_blanked_three_years_after_its_handling(settings):
    settings.FORMATION_COMPLAINT_ANONYMISE_MONTHS = 36
    training = make_session().training
    long_ago = timezone.now() - timedelta(days=3 * 365 + 30)

    def complaint(author, handled_at, status=Complaint.Status.HANDLED):
        return Complaint.objects.create(
            training=training,
            author=author,
            description=f"{author} n'a pas reçu le support.",
            handling=f"Support renvoyé à {author}." if handled_at else "",
            status=status,
            handled_at=handled_at,
        )

    old = complaint("Ysaline Grondin-Testa", long_ago)
    recent = complaint("Maëlys Boyer-Kala", timezone.now() - timedelta(days=30))
    still_open = complaint("Noé Técher", None, status=Complaint.Status.OPEN)
    Complaint.objects.filter(pk=still_open.pk).update(received_at=long_ago)

    assert retention.anonymise_handled_complaints() == 1
    old.refresh_from_db()
    assert (old.author, old.description, old.handling) == (
        "",
        "[effacé] n'a pas reçu le support.",
        "Support renvoyé à [effacé].",
    )
    assert old.status == Complaint.Status.HANDLED and old.handled_at is not None
    assert Complaint.objects.get(pk=recent.pk).author == "Maëlys Boyer-Kala"
    assert Complaint.objects.get(pk=still_open.pk).author == "Noé Técher"
    assert retention.anonymise_handled_complaints() == 0  # once
