"""RGPD: what the portal keeps of a trainee, and for how long.

The registration form's consent says the data is kept three years after the training
(FORMATION_REGISTRATION_ANONYMISE_MONTHS, 36 by default): beat's daily
`anonymise_past_registrations` then blanks the person (name, email, phone, job, needs,
survey comments, the group's contact), deletes the certificate's PDF (its number stays, with
the attendance and states, for the quality figures) and ends every private link.

A complaint keeps its author's name FORMATION_COMPLAINT_ANONYMISE_MONTHS after it was handled
(36 by default, a Qualiopi certification cycle): beat's daily `anonymise_handled_complaints`
then blanks it, in the text too; the complaint and its answer stay for the quality audits.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from formation.documents import CERTIFICATE_LINK
from formation.models import Complaint, Registration, RegistrationGroup, SurveyResponse
from formation.registrations import REGISTRATION_LINK
from formation.schedule import CONVOCATION_LINK, SURVEY_LINK
from messagerie.links import expire_tokens

LINKS = (REGISTRATION_LINK, CONVOCATION_LINK, SURVEY_LINK, CERTIFICATE_LINK)
ERASED_TEXT = "[effacé]"


def anonymise_past_registrations(*, now=None) -> int:
    """Anonymise the registrations of sessions ended more than the retention period ago.
    Returns how many were anonymised; run again, it finds nothing more."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(settings.FORMATION_REGISTRATION_ANONYMISE_MONTHS * 30.44))
    expired = Registration.objects.filter(session__ends_at__lt=cutoff, anonymised_at__isnull=True)
    count = 0
    for registration in expired.only("pk", "certificate_file").iterator():
        with transaction.atomic():
            if registration.certificate_file:
                registration.certificate_file.delete(save=False)
            anonymise_registration(registration_id=registration.pk, now=now)
        count += 1
    anonymise_groups(RegistrationGroup.objects.filter(session__ends_at__lt=cutoff))
    return count


def anonymise_registration(*, registration_id: int, now) -> None:
    """Blank the person of one registration and end its links; its state, attendance,
    certificate number and survey marks stay for the figures. The caller removes the
    certificate's file (the retention job at once, an erasure after commit)."""
    Registration.objects.filter(pk=registration_id).update(
        first_name="Anonyme",
        last_name="",
        email=f"anonyme-{registration_id}@anonyme.invalid",
        phone="",
        job_title="",
        needs_adaptation="",
        certificate_file="",
        anonymised_at=now,
    )
    SurveyResponse.objects.filter(registration_id=registration_id).update(comment="")
    for purpose in LINKS:
        expire_tokens(purpose=purpose, object_id=registration_id, at=now)


def anonymise_groups(groups) -> int:
    """Blank the address of whoever registered these groups. Returns how many changed."""
    return groups.exclude(contact_email__endswith=".invalid").update(contact_email="anonyme@anonyme.invalid")


def scrub_text(text: str, needles: set[str]) -> str:
    """`text` with each needle (a name, an address), as a whole word, replaced by « [effacé] »."""
    for needle in sorted((needle for needle in needles if needle), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", ERASED_TEXT, text, flags=re.IGNORECASE)
    return text


def anonymise_complaint(complaint: Complaint, *, names: set[str] = frozenset()) -> None:
    """Blank the author of a complaint and their name (and `names`) in its text; the
    complaint and its handling stay for the quality audits."""
    needles = set(names) | {complaint.author}
    Complaint.objects.filter(pk=complaint.pk).update(
        author="",
        description=scrub_text(complaint.description, needles),
        handling=scrub_text(complaint.handling, needles),
    )


def anonymise_handled_complaints(*, now=None) -> int:
    """Blank the authors of the complaints handled more than FORMATION_COMPLAINT_ANONYMISE_MONTHS
    ago (beat, daily). Returns how many; run again, it finds nothing more."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(settings.FORMATION_COMPLAINT_ANONYMISE_MONTHS * 30.44))
    expired = Complaint.objects.filter(status=Complaint.Status.HANDLED, handled_at__lt=cutoff).exclude(author="")
    count = 0
    for complaint in expired.iterator():
        anonymise_complaint(complaint)
        count += 1
    return count
