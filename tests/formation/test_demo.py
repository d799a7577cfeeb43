"""The demo catalogue of `seed_demo`: about ten trainings, past sessions with attendance and
survey answers, upcoming sessions of which one is full with a waiting list; twice the same."""

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from formation.demo import seed_trainings
from formation.models import (
    Attendance,
    HrMessage,
    HrRequest,
    Registration,
    RegistrationTransition,
    Session,
    SurveyResponse,
    Training,
)
from formation.selectors import upcoming_sessions

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Training,
            Session,
            Registration,
            Attendance,
            SurveyResponse,
            RegistrationTransition,
            HrRequest,
            HrMessage,
        )
    } | {"certificate files": Registration.objects.exclude(certificate_file="").count()}


def test_the_demo_catalogue_is_complete_and_idempotent(client):
    first = seed_trainings()
    assert first["trainings"] >= 10
    before = counts()
    seed_trainings()
    assert counts() == before, "running seed_demo twice leaves one copy of everything"

    # Certificates: every person present has a number and an assessment; the latest have their PDF.
    present = Registration.objects.filter(status=Registration.Status.PRESENT)
    assert present.exists() and not present.filter(Q(certificate_number=None) | Q(assessment_result="")).exists()
    assert first["certificates"] == before["certificate files"] > 0
    with present.exclude(certificate_file="").first().certificate_file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    # HR requests of employers: a new one, one in conversation, one closed, each state logged.
    assert set(HrRequest.objects.values_list("status", flat=True)) == {"nouvelle", "en_cours", "close"}
    assert HrMessage.objects.exists()
    assert not HrRequest.objects.exclude(status="nouvelle").filter(transitions=None).exists()

    published = Training.objects.filter(status=Training.Status.PUBLISHED)
    assert 9 <= published.count() <= 12
    # Some lead to métiers: the job board's « métiers de l'ESS » pages list them (lib.trainings).
    accounting = published.get(slug="comptabilite-associative")
    assert set(accounting.rome_fiches.values_list("code", flat=True)) == {"M1203", "M1607"}
    page = client.get("/emplois/metiers/gestion-comptabilite-associatives/").content.decode()
    assert accounting.title in page
    assert Training.objects.filter(status=Training.Status.DRAFT).exists()
    now = timezone.now()
    assert Session.objects.filter(ends_at__lt=now).count() >= 8
    assert Attendance.objects.filter(present=False).exists() and Attendance.objects.filter(present=True).exists()
    assert SurveyResponse.objects.filter(kind="chaud").count() >= 30
    assert SurveyResponse.objects.filter(kind="froid").exists()

    sessions = list(upcoming_sessions())
    assert len(sessions) >= 10
    (full,) = [session for session in sessions if session.places_left <= 0]
    assert full.places_left == 0 and full.waiting >= 2
    waiting = list(full.registrations.filter(status=Registration.Status.WAITING).order_by("waiting_since"))
    assert all(r.waiting_since for r in waiting)

    # States follow the workflow: what is past its first state has its log.
    moved = Registration.objects.exclude(status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING])
    assert moved.exists()
    assert not moved.annotate(logs=Count("transitions")).filter(logs=0).exists()
    assert not Registration.objects.filter(
        Q(status__in=[Registration.Status.PRESENT, Registration.Status.ABSENT]), session__ends_at__gt=now
    ).exists()
    # Only people marked present answered a survey.
    assert not SurveyResponse.objects.exclude(registration__status=Registration.Status.PRESENT).exists()

    html = client.get(reverse("formation:formation", args=["gouvernance-associative"])).content.decode()
    assert "/ 5" in html and "des stagiaires ont suivi toute la formation" in html
    assert "Rejoindre la liste d'attente" in html
    catalogue = client.get(reverse("formation:index")).content.decode()
    assert catalogue.count('class="card h-100 training-card"') == published.count()
