"""Trainings, sessions and registrations for the catalogue's tests (states as the
registration workflow leaves them: a registration is created « inscrite » or « en
attente »; later states go through REGISTRATION_WORKFLOW)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from formation.models import (
    Attendance,
    Audience,
    HalfDay,
    Modality,
    Registration,
    RegistrationTransition,
    Session,
    SurveyResponse,
    Theme,
    Trainer,
    Training,
)
from formation.workflows import REGISTRATION_WORKFLOW
from referentiels.models import Territory, TerritoryKind


def commune(code="97411"):
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    first_name = "Marie-Josée"
    last_name = factory.Sequence(lambda n: f"Hoarau{n}")
    organisation_name = "CRESS La Réunion"


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    title = factory.Sequence(lambda n: f"Formation numéro {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    theme = Theme.GOVERNANCE
    audiences = factory.LazyFunction(lambda: [Audience.VOLUNTEERS.value])
    summary = "Une journée pour comprendre."
    objectives = "Comprendre les instances\nPréparer une assemblée générale"
    programme = "<h3>Matin</h3><p>Les instances.</p>"
    duration_hours = Decimal("7")
    modality = Modality.ONSITE
    price = Decimal("0")
    status = Training.Status.PUBLISHED


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    training = factory.SubFactory(TrainingFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    commune = factory.LazyFunction(commune)
    address = "12 rue de Paris"
    trainer = factory.SubFactory(TrainerFactory)
    capacity = 10


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    first_name = "Nathalie"
    last_name = factory.Sequence(lambda n: f"Payet{n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.re")
    consent_text = "J'accepte."
    consent_at = factory.LazyFunction(timezone.now)
    status = Registration.Status.REGISTERED
    waiting_since = factory.LazyAttribute(lambda o: timezone.now() if o.status == Registration.Status.WAITING else None)


def move(registration, *states):
    """Take a registration through the workflow, one declared transition at a time."""
    for state in states:
        REGISTRATION_WORKFLOW.apply(registration, state, log_model=RegistrationTransition)
    return registration


def attended(session, *, people: int, present_everywhere: int, hot: list[int] = (), cold_applied: list[bool] = ()):
    """A past session's trainees with their attendance on its two half-days: the first
    `present_everywhere` present at both, the others at the morning only; survey answers
    from the first ones."""
    day = timezone.localdate(session.starts_at)
    half_days = [
        HalfDay.objects.create(session=session, date=day, period=HalfDay.Period.MORNING),
        HalfDay.objects.create(session=session, date=day, period=HalfDay.Period.AFTERNOON),
    ]
    registrations = []
    for index in range(people):
        registration = RegistrationFactory(session=session)
        Attendance.objects.create(registration=registration, half_day=half_days[0], present=True)
        Attendance.objects.create(registration=registration, half_day=half_days[1], present=index < present_everywhere)
        move(registration, Registration.Status.PRESENT)
        registrations.append(registration)
    for registration, satisfaction in zip(registrations, hot, strict=False):
        SurveyResponse.objects.create(
            registration=registration, kind=SurveyResponse.Kind.HOT, satisfaction=satisfaction, objectives_met=4
        )
    for registration, applied in zip(registrations, cold_applied, strict=False):
        SurveyResponse.objects.create(
            registration=registration, kind=SurveyResponse.Kind.COLD, satisfaction=4, objectives_met=4,
            applied_at_work=applied,
        )  # fmt: skip
    return registrations
