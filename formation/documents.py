"""The documents of a session: the attendance sheet and the end-of-training certificates.

- The attendance sheet (feuille d'émargement) is printed from the admin for a session:
  one page per day, one line per expected person with a signature box per half-day, and
  the trainer's signature box for each half-day (`attendance_sheet_pdf`).
- The certificate (attestation de fin de formation) says what article L6353-1 of the Code
  du travail asks: the objectives, the nature and the duration of the action, and the
  results of the assessment of what was learnt. It is issued only to a person marked
  « présente », under a number that never changes (`certificate_number`). Staff ask for
  certificates (`request_certificates`, the admin's bulk action); a worker builds each PDF
  and emails a private link (`issue_certificate`, from `formation.tasks_documents`), from
  which the person downloads it again for FORMATION_CERTIFICATE_LINK_DAYS.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from formation.attendance import attendance_grid
from formation.models import AssessmentResult, Attendance, HalfDay, Registration, Session
from lib.dates import french_date
from lib.pdf import html_to_pdf
from lib.workflow import WorkflowError
from messagerie.links import LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.services import queue_email

logger = logging.getLogger(__name__)

CERTIFICATE_LINK = "formation.attestation"
CERTIFICATE_EMAIL = "formation/attestation"
ORGANISATION = "CRESS La Réunion — Chambre régionale de l'économie sociale et solidaire de La Réunion"
# The nature of the action, in the words of article L6313-1 of the Code du travail.
NATURE = "Action de formation (article L6313-1, 1° du Code du travail)"


class CertificateRefused(WorkflowError):
    """No certificate for this person; the message says why, in French."""


def _hour(value) -> str:
    local = timezone.localtime(value)
    return f"{local.hour} h {local.minute:02d}"


def _hours(value: Decimal) -> str:
    """« 7 h », « 3,5 h »."""
    value = value.normalize()
    return f"{formats.number_format(value, use_l10n=True)} h"


def session_place(session: Session) -> str:
    if session.address or session.commune_id:
        return ", ".join(part for part in (session.address, session.commune.name if session.commune else "") if part)
    if session.online_url:
        return "À distance (classe virtuelle)"
    return "Lieu communiqué avec la convocation"


def session_dates(session: Session) -> str:
    start, end = timezone.localdate(session.starts_at), timezone.localdate(session.ends_at)
    if start == end:
        return f"le {french_date(start)}"
    return f"du {french_date(start)} au {french_date(end)}"


def session_hours(session: Session) -> str:
    return f"{_hour(session.starts_at)} – {_hour(session.ends_at)}"


# --- Attendance sheet -----------------------------------------------------------------------


@dataclass
class SheetDay:
    date: object
    half_days: list[HalfDay]


def _sheet_session(session_id: int) -> Session:
    return Session.objects.select_related("training", "trainer", "commune").get(pk=session_id)


def attendance_sheet_html(session: Session) -> str:
    grid = attendance_grid(session)
    days: dict = {}
    for half_day in grid.half_days:
        days.setdefault(half_day.date, []).append(half_day)
    return render_to_string(
        "formation/documents/feuille_emargement.html",
        {
            "session": session,
            "training": session.training,
            "organisation": ORGANISATION,
            "declaration_number": settings.FORMATION_DECLARATION_NUMBER,
            "dates": session_dates(session),
            "hours": session_hours(session),
            "place": session_place(session),
            "duration": _hours(session.training.duration_hours),
            "days": [SheetDay(date=french_date(day), half_days=half_days) for day, half_days in days.items()],
            "registrations": grid.registrations,
        },
    )


def attendance_sheet_pdf(session: Session) -> bytes:
    """The attendance sheet of a session, ready to print (A4 landscape)."""
    session = _sheet_session(session.pk)
    pdf, _pages = html_to_pdf(attendance_sheet_html(session), css=render_to_string("formation/documents/document.css"))
    return pdf


def attendance_sheet_filename(session: Session) -> str:
    day = timezone.localdate(session.starts_at).isoformat()
    return f"feuille-emargement-{session.training.slug}-{day}.pdf"


# --- Certificates -------------------------------------------------------------------------


def certificate_number(registration: Registration) -> str:
    """« AF-2026-000123 »: the year the session starts and the registration's own number,
    so that it never changes and never collides."""
    return f"AF-{timezone.localdate(registration.session.starts_at).year}-{registration.pk:06d}"


def check_certificate(registration: Registration) -> None:
    """Raise CertificateRefused (a French message) unless a certificate can be issued."""
    if registration.status != Registration.Status.PRESENT:
        raise CertificateRefused(
            f"Pas d'attestation pour {registration.full_name} : elle n'est pas marquée présente à la session "
            f"(état : {registration.get_status_display().lower()}). Relevez d'abord les présences."
        )
    if not registration.assessment_result:
        raise CertificateRefused(
            f"Pas d'attestation pour {registration.full_name} : le résultat de l'évaluation des acquis n'est "
            "pas renseigné (page des présences de la session)."
        )


@dataclass
class CertificateContent:
    registration: Registration
    number: str
    hours_attended: str
    half_days_attended: int
    half_days_total: int


def certificate_content(registration: Registration, number: str) -> CertificateContent:
    total = registration.session.half_days.count()
    attended = Attendance.objects.filter(registration=registration, present=True).count()
    duration = registration.session.training.duration_hours
    hours = (duration * attended / total).quantize(Decimal("0.5"), rounding=ROUND_HALF_UP) if total else duration
    return CertificateContent(
        registration=registration,
        number=number,
        hours_attended=_hours(hours),
        half_days_attended=attended,
        half_days_total=total,
    )


def certificate_html(content: CertificateContent) -> str:
    registration = content.registration
    session = registration.session
    training = session.training
    return render_to_string(
        "formation/documents/attestation.html",
        {
            "content": content,
            "registration": registration,
            "session": session,
            "training": training,
            "organisation": ORGANISATION,
            "declaration_number": settings.FORMATION_DECLARATION_NUMBER,
            "nature": NATURE,
            "dates": session_dates(session),
            "place": session_place(session),
            "duration": _hours(training.duration_hours),
            "result": AssessmentResult(registration.assessment_result).label,
            "issued_on": french_date(registration.certificate_issued_at or timezone.now()),
        },
    )


def certificate_pdf(registration: Registration) -> bytes:
    """The certificate of a person marked present; CertificateRefused otherwise."""
    check_certificate(registration)
    number = registration.certificate_number or certificate_number(registration)
    pdf, _pages = html_to_pdf(
        certificate_html(certificate_content(registration, number)),
        css=render_to_string("formation/documents/document.css"),
    )
    return pdf


@dataclass
class CertificateRequest:
    queued: list[Registration]
    refused: list[str]  # one French message per person refused


def request_certificates(*, registrations) -> CertificateRequest:
    """Have a worker issue and email the certificate of each person who may have one; the
    others are refused, each with the reason."""
    result = CertificateRequest(queued=[], refused=[])
    for registration in registrations:
        try:
            check_certificate(registration)
        except CertificateRefused as error:
            result.refused.append(str(error))
        else:
            result.queued.append(registration)
    ids = [registration.pk for registration in result.queued]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return result


def _enqueue(registration_ids: list[int]) -> None:
    from formation.tasks_documents import issue_certificate_task

    for registration_id in registration_ids:
        try:
            issue_certificate_task.delay(registration_id)
        except Exception:  # broker unreachable: staff run the action again (it is idempotent)
            logger.warning("Attestation %s non lancée : file de tâches injoignable.", registration_id, exc_info=True)


def issue_certificate(*, registration_id: int) -> Registration | None:
    """The worker's part: number the certificate (once), build its PDF, keep it, and email
    the person a private link to it (once: the outbox's dedup key). Run twice, it builds
    the same document again under the same number and sends nothing more. Returns None
    when the person may not (or no longer) have one."""
    registration = Registration.objects.select_related("session__training", "session__commune").get(pk=registration_id)
    try:
        check_certificate(registration)
    except CertificateRefused:
        logger.info("Attestation %s refusée : %s", registration_id, registration.get_status_display())
        return None
    number = registration.certificate_number or certificate_number(registration)
    issued_at = registration.certificate_issued_at or timezone.now()
    registration.certificate_issued_at = issued_at
    pdf = certificate_pdf(registration)
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration_id)
        if locked.status != Registration.Status.PRESENT:  # corrected while the PDF was being built
            return None
        old_name = locked.certificate_file.name
        locked.certificate_file.save(f"attestation-{number}.pdf", ContentFile(pdf), save=False)
        locked.certificate_number = number
        locked.certificate_issued_at = issued_at
        locked.save(update_fields=["certificate_file", "certificate_number", "certificate_issued_at"])
        if old_name and old_name != locked.certificate_file.name:
            storage = locked.certificate_file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        queue_email(
            to=locked.email,
            template=CERTIFICATE_EMAIL,
            context={
                "first_name": locked.first_name,
                "training": registration.session.training.title,
                "dates": session_dates(registration.session),
                "number": number,
                "url": private_link(CERTIFICATE_LINK, registration=locked.pk),
                "days": settings.FORMATION_CERTIFICATE_LINK_DAYS,
            },
            dedup_key=f"formation-attestation-{locked.pk}",
        )
    return locked


def build_certificate_link(*, registration: int) -> str:
    """Link builder (messagerie.links): minted when the email leaves."""
    if not Registration.objects.filter(pk=registration, certificate_number__isnull=False).exists():
        raise LinkUnavailable("cette attestation n'existe plus.")
    expires_at = timezone.now() + timedelta(days=settings.FORMATION_CERTIFICATE_LINK_DAYS)
    token = issue_token(purpose=CERTIFICATE_LINK, object_id=registration, expires_at=expires_at)
    return settings.SITE_URL + reverse("formation:attestation", args=[token])


def has_certificate(registration: Registration) -> bool:
    """An issued certificate that can be downloaded."""
    return bool(
        registration.status == Registration.Status.PRESENT
        and registration.certificate_number
        and registration.certificate_file
    )


def registration_from_token(token: str) -> Registration | None:
    """The registration whose issued certificate a live link opens, or None."""
    registration_id = resolve_token(purpose=CERTIFICATE_LINK, token=token)
    if registration_id is None:
        return None
    return (
        Registration.objects.select_related("session__training")
        .filter(pk=registration_id, status=Registration.Status.PRESENT, certificate_number__isnull=False)
        .exclude(certificate_file="")
        .first()
    )
