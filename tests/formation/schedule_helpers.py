"""Sessions and registrations for the tests of the scheduled emails and surveys, made with
the ORM and REGISTRATION_WORKFLOW (the registration services are tested on their own)."""

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from formation.models import Modality, Registration, RegistrationTransition, Session, Trainer, Training
from formation.workflows import REGISTRATION_WORKFLOW
from referentiels.models import Territory, TerritoryKind

_numbers = count(1)
Status = Registration.Status


def make_training(**values) -> Training:
    number = next(_numbers)
    fields = {
        "title": "Gouvernance associative : le rôle du bureau",
        "slug": f"role-du-bureau-{number}",
        "theme": "gouvernance",
        "audiences": ["benevoles", "dirigeants"],
        "summary": "Comprendre qui décide quoi dans une association.",
        "objectives": "Connaître les rôles du bureau et du conseil\nPréparer une assemblée générale",
        "programme": "<h2>Matin</h2><ul><li>Les statuts</li><li>Le bureau</li></ul><p>Après-midi : l'AG.</p>",
        "duration_hours": Decimal("7.0"),
        "modality": Modality.ONSITE,
        "what_to_bring": "Les statuts de votre association.",
        "status": Training.Status.PUBLISHED,
        **values,
    }
    return Training.objects.create(**fields)


def make_session(*, starts_at: datetime, hours: float = 7.5, training: Training | None = None, **values) -> Session:
    """A session at Saint-Denis with a trainer; `starts_at` aware (Réunion or UTC)."""
    fields = {
        "training": training or make_training(),
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        "commune": Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411"),
        "address": "Maison de l'ESS, 12 rue de Paris",
        "access_notes": "Bus ligne 3, arrêt Jardin de l'État. Salle au premier étage, ascenseur.",
        "trainer": Trainer.objects.create(first_name="Josiane", last_name="Hoarau"),
        "capacity": 12,
        **values,
    }
    return Session.objects.create(**fields)


def local(year, month, day, hour=8, minute=30) -> datetime:
    """An aware datetime in Réunion time."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def make_registration(session: Session, *, status: str = Status.REGISTERED, email: str = "", **values) -> Registration:
    """A registration brought to `status` through the declared workflow (waiting: as created)."""
    number = next(_numbers)
    waiting = status in (Status.WAITING, Status.OFFERED)
    registration = Registration.objects.create(
        session=session,
        first_name=values.pop("first_name", "Céline"),
        last_name=values.pop("last_name", f"Payet {number}"),
        email=email or f"stagiaire{number}@exemple.re",
        consent_text="J'accepte que la CRESS traite mes données pour cette formation.",
        consent_at=timezone.now(),
        status=Status.WAITING if waiting else Status.REGISTERED,
        waiting_since=timezone.now() if waiting else None,
        **values,
    )
    path = {
        Status.REGISTERED: [],
        Status.WAITING: [],
        Status.OFFERED: [Status.OFFERED],
        Status.CONFIRMED: [Status.CONFIRMED],
        Status.CANCELLED: [Status.CANCELLED],
        Status.PRESENT: [Status.PRESENT],
        Status.ABSENT: [Status.ABSENT],
    }[status]
    for target in path:
        changes = {"offer_expires_at": timezone.now() + timedelta(hours=48)} if target == Status.OFFERED else None
        REGISTRATION_WORKFLOW.apply(registration, target, log_model=RegistrationTransition, changes=changes)
    return registration


def mark(registration: Registration, status: str) -> None:
    REGISTRATION_WORKFLOW.apply(registration, status, log_model=RegistrationTransition)


def produce_scheduled_emails() -> None:
    """Each kind of scheduled email once, through the real sweep (tests/messagerie/test_private_links.py)."""
    from formation.models import SurveyResponse
    from formation.schedule import queue_scheduled_emails

    now = timezone.now()
    upcoming = make_session(starts_at=now + timedelta(days=6))
    make_registration(upcoming, email="stagiaire.convoquee@exemple.re")
    make_registration(make_session(starts_at=now - timedelta(hours=8), hours=7), status=Status.PRESENT)
    two_months = make_session(starts_at=now - timedelta(days=61), hours=7)
    make_registration(two_months, status=Status.PRESENT, email="stagiaire.froid@exemple.re")
    answered = make_registration(two_months, status=Status.PRESENT)
    SurveyResponse.objects.create(registration=answered, kind="froid", satisfaction=4, objectives_met=4)
    queue_scheduled_emails()  # the convocation, the hot survey, the cold survey
    queue_scheduled_emails(now=upcoming.starts_at - timedelta(hours=23))  # the reminder
    queue_scheduled_emails(now=now + timedelta(days=14, hours=1))  # the cold survey's reminder
