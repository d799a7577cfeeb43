"""Trainings, sessions and registrations for the registration tests (freg)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from formation.models import Registration, Session, Training
from tests.annuaire.factories import commune

_numbers = itertools.count(1)


def make_training(**values) -> Training:
    number = next(_numbers)
    return Training.objects.create(
        **{
            "title": f"Gouvernance associative {number}",
            "slug": f"gouvernance-associative-{number}",
            "theme": "gouvernance",
            "audiences": ["benevoles"],
            "summary": "Les bases de la vie associative.",
            "objectives": "Connaître les statuts\nAnimer une assemblée générale",
            "programme": "<p>Matin : statuts. Après-midi : instances.</p>",
            "duration_hours": 7,
            "modality": "presentiel",
            "status": Training.Status.PUBLISHED,
            **values,
        }
    )


def make_session(*, capacity=10, days=20, training=None, **values) -> Session:
    starts = (timezone.now() + timedelta(days=days)).replace(hour=5, minute=0, second=0, microsecond=0)
    return Session.objects.create(
        **{
            "training": training or make_training(),
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=8),
            "commune": commune(),
            "address": "2 rue de la Solidarité",
            "capacity": capacity,
            **values,
        }
    )


def person(number: int = 1, **values) -> dict:
    return {"first_name": "Céline", "last_name": f"Payet {number}", "email": f"personne{number}@exemple.re", **values}


def fill(session: Session, count: int, *, start: int = 1000) -> list[Registration]:
    """`count` registrations through the service (places first, then the waiting list)."""
    from formation.registrations import register_person

    return [register_person(session=session, person=person(start + index), consent_text="ok") for index in range(count)]
