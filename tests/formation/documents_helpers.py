"""Sessions of the past with their people, for the tests of the staff side (attendance,
documents, exports). States are given directly: these are fixtures, not the app's writes."""

import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from pypdf import PdfReader

from formation.attendance import sync_half_days
from formation.models import Registration, Session, Trainer, Training
from referentiels.models import Territory, TerritoryKind

OBJECTIVES = "Connaître les obligations d'un employeur associatif\nÉtablir un contrat de travail conforme"


def make_training(**values) -> Training:
    data = {
        "title": "Devenir employeur associatif",
        "slug": f"employeur-{Training.objects.count() + 1}",
        "theme": "employeur",
        "audiences": ["dirigeants"],
        "summary": "Les obligations de l'employeur, pas à pas.",
        "objectives": OBJECTIVES,
        "programme": "<p>Le contrat, la paie, la médecine du travail.</p>",
        "duration_hours": Decimal("14"),
        "modality": "presentiel",
        "assessment": "Quiz de fin de formation et cas pratique.",
        "status": Training.Status.PUBLISHED,
    }
    return Training.objects.create(**(data | values))


def local(day, hour, minute=0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_session(*, training=None, days_ago=10, length_days=2, capacity=12, **values) -> Session:
    """A session of `length_days` days, 9 h – 17 h, that started `days_ago` days ago, with its half-days."""
    start_day = timezone.localdate() - timedelta(days=days_ago)
    while start_day.weekday() >= 5 or (start_day + timedelta(days=length_days - 1)).weekday() >= 5:
        start_day -= timedelta(days=1)
    trainer = Trainer.objects.create(first_name="Josie", last_name="Payet", email="josie@exemple.re")
    data = {
        "training": training or make_training(),
        "starts_at": local(start_day, 9),
        "ends_at": local(start_day + timedelta(days=length_days - 1), 17),
        "commune": Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411"),
        "address": "13 rue de la Compagnie",
        "trainer": trainer,
        "capacity": capacity,
    }
    session = Session.objects.create(**(data | values))
    sync_half_days(session=session)
    return session


def make_registration(
    session, *, first_name="Marie", last_name="Hoarau", status=Registration.Status.CONFIRMED, **values
):
    data = {
        "session": session,
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{first_name}.{last_name}@exemple.re".lower(),
        "organisation_name": "Association Ti Kaz",
        "job_title": "Coordinatrice",
        "consent_text": "J'accepte que mes données servent à mon inscription.",
        "consent_at": timezone.now(),
        "status": status,
    }
    if status == Registration.Status.WAITING:
        data["waiting_since"] = timezone.now()
    if status == Registration.Status.OFFERED:
        data["waiting_since"] = timezone.now()
        data["offer_expires_at"] = timezone.now() + timedelta(hours=48)
    return Registration.objects.create(**(data | values))


def pdf_text(data: bytes) -> str:
    """The text of every page, every run of spaces (line breaks included) as one space."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))
