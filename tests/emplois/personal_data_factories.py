"""Everything the job board can hold about one person (for the personal-data tests): an
application with its CV, letter and log, an offer whose contact they are, a job alert and
what it was sent, a skills record with an experience and its PDF summary.

The person's account is not made here (comptes' part): when one exists with that address,
the offer is « déposée par » it.
"""

import hashlib
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from emplois.models import (
    Application,
    ApplicationTransition,
    ApplyMode,
    JobAlert,
    JobAlertDelivery,
)
from emplois.models_skills import SkillsExperience, SkillsRecord
from emplois.workflows import APPLICATION_WORKFLOW
from lib.tokens import new_token
from tests.annuaire.factories import OrganisationFactory
from tests.emplois.factories import make_offer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def phone_of(email: str) -> str:
    """A phone number of this person's own (a needle of the erasure's checks)."""
    digits = int(hashlib.sha256(email.encode()).hexdigest(), 16) % 10**6
    return f"0692 {digits // 10000:02d} {digits // 100 % 100:02d} {digits % 100:02d}"


def file_bytes(email: str, what: str) -> bytes:
    return PDF + f"% {what} de {email}\n".encode()


def make_person(email: str, first_name: str, last_name: str) -> None:
    full_name = f"{first_name} {last_name}"
    now = timezone.now()
    # As a candidate: an application to another organisation's offer, moved to « entretien ».
    offer = make_offer("Chargé·e d'accueil", organisation=OrganisationFactory(is_ess_actor=True))
    application = Application(
        offer=offer,
        reference=f"CAND-RGPD-{secrets.token_hex(3).upper()}",
        name=full_name,
        email=email,
        phone=phone_of(email),
        message=f"Bonjour, je suis {full_name}, joignable au {phone_of(email)}.",
        consent_text="J'accepte que mes données soient transmises à l'employeur.",
        consent_at=now,
    )
    application.cv.save("cv.pdf", ContentFile(file_bytes(email, "CV")), save=False)
    application.cv_name = f"CV {full_name}.pdf"
    application.letter.save("lettre.pdf", ContentFile(file_bytes(email, "lettre")), save=False)
    application.letter_name = "lettre-motivation.pdf"
    application.save()
    APPLICATION_WORKFLOW.apply(
        application,
        Application.Status.INTERVIEW,
        log_model=ApplicationTransition,
        comment=f"Bonjour {first_name}, nous vous proposons un entretien mardi à 10 h.",
        changes={"status_changed_at": now},
    )
    # As an employer's contact: an offer that sends its applications to their address.
    account = get_user_model().objects.filter(email__iexact=email).first()
    make_offer(
        "Animateur ou animatrice de réseau",
        organisation=OrganisationFactory(is_ess_actor=True),
        contact_email=email,
        apply_mode=ApplyMode.EMAIL,
        apply_email=email.upper(),
        created_by=account,
    )
    # A job alert, confirmed, that was sent the first offer.
    alert = JobAlert.objects.create(
        email=email,
        query="q=accueil",
        label="Offres : accueil",
        frequency=JobAlert.Frequency.DAILY,
        token_hash=new_token()[1],
        consent_text="J'accepte de recevoir ces offres.",
        consent_at=now,
        confirmed_at=now,
        watermark=now - timedelta(days=1),
    )
    JobAlertDelivery.objects.create(alert=alert, offer=offer)
    # A skills record with one experience and its PDF summary.
    record = SkillsRecord.objects.create(
        email=email,
        name_on_summary=full_name,
        consent_text="J'accepte.",
        consent_at=now,
        last_activity_at=now,
        pdf_requested_at=now,
        pdf_built_at=now,
    )
    record.pdf_file.save(f"synthese-competences-{record.pk}.pdf", ContentFile(file_bytes(email, "synthèse")))
    SkillsExperience.objects.create(
        record=record,
        role="Trésorière bénévole",
        organisation_name="Association des jardins partagés",
        kind=SkillsExperience.Kind.VOLUNTEER,
        starts_on=date(2023, 9, 1),
        ends_on=date(2025, 6, 30),
        hours_per_week=Decimal("4"),
        description=f"{first_name} tenait les comptes de l'association.",
        skills=["1.1", "4.2"],
        association_three_years=SkillsExperience.Answer.YES,
        general_interest=SkillsExperience.Answer.YES,
        volunteer_role=SkillsExperience.VolunteerRole.BOARD,
    )
