"""Applications through the portal (issue 19, point 3): a candidate applies to a published
offer with a CV; the employer is told by email with a private link to the application (never
the CV attached), opens it, moves it through APPLICATION_WORKFLOW; the candidate follows it on
a private link of their own, may withdraw, and is told by email of an interview proposed, of a
decision. Applications and their files are deleted APPLICATION_RETENTION_MONTHS after the
offer's closing date.

Private links (messagerie.links): minted when the email leaves, only their hash stored. The
employer's lasts EMPLOYER_LINK_DAYS; the candidate's until their application is deleted.
One transaction per service; emails through the outbox.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from emplois.models import Application, ApplicationTransition, ApplyMode, Offer
from emplois.workflows import APPLICATION_WORKFLOW
from lib.workflow import WorkflowError
from messagerie.links import LinkUnavailable, expire_tokens, issue_token, private_link, resolve_token
from messagerie.models import PrivateLink
from messagerie.services import queue_email

logger = logging.getLogger(__name__)

Status = Application.Status

# What a private token opens (messagerie.links): the employer's page of an application, the
# candidate's page of their own.
EMPLOYER_LINK = "emplois.candidature-employeur"
CANDIDATE_LINK = "emplois.candidature-candidat"

# The documents a candidate may send (checked by content, lib.uploads).
APPLICATION_KINDS = frozenset({"pdf", "odt", "docx"})

CONSENT_TEXT = (
    "J'accepte que la CRESS La Réunion enregistre ma candidature et la transmette à l'employeur de cette offre, "
    "seul destinataire de mon CV et de ma lettre. Ma candidature et mes documents sont supprimés {months} mois "
    "après la date limite de l'offre, ou dès que je la retire depuis ma page personnelle."
)

# What the candidate reads of each state, on their page.
CANDIDATE_STATE = {
    Status.RECEIVED: "Votre candidature est bien arrivée : l'employeur ne l'a pas encore ouverte.",
    Status.SEEN: "L'employeur a ouvert votre candidature.",
    Status.INTERVIEW: "L'employeur vous propose un entretien : son message est ci-dessous.",
    Status.HIRED: "Félicitations : l'employeur a retenu votre candidature. Il vous contactera pour la suite.",
    Status.REJECTED: "L'employeur n'a pas retenu votre candidature pour ce poste.",
}
# The buttons the employer sees (« vue » is set by opening the page).
EMPLOYER_TARGETS = (Status.INTERVIEW, Status.HIRED, Status.REJECTED)
# The email the candidate receives when their application enters a state.
CANDIDATE_EMAILS = {
    Status.INTERVIEW: "emplois/candidature_entretien",
    Status.HIRED: "emplois/candidature_retenue",
    Status.REJECTED: "emplois/candidature_non_retenue",
}


class ApplicationError(WorkflowError):
    """Refused for a reason the person can fix; the message is in French."""


def consent_text() -> str:
    return CONSENT_TEXT.format(months=settings.APPLICATION_RETENTION_MONTHS)


# --- Which offers take applications ---------------------------------------------------------


@dataclass(frozen=True)
class ApplyRoute:
    """How to apply to an offer: here (portal), elsewhere (email, site), or not any more."""

    open: bool  # published and before its closing date
    mode: str  # ApplyMode


def apply_route(offer: Offer, *, today: date | None = None) -> ApplyRoute:
    today = today or timezone.localdate()
    return ApplyRoute(open=offer.is_open and offer.closes_on >= today, mode=offer.apply_mode)


def takes_applications(offer: Offer) -> bool:
    route = apply_route(offer)
    return route.open and route.mode == ApplyMode.PORTAL


# --- Dates ------------------------------------------------------------------------------------


def _retention() -> timedelta:
    return timedelta(days=round(settings.APPLICATION_RETENTION_MONTHS * 30.44))


def purge_date(offer: Offer) -> date:
    """The day an application to this offer is deleted (its files with it)."""
    return offer.closes_on + _retention()


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


# --- Private links -----------------------------------------------------------------------------


def employer_url(token: str) -> str:
    return settings.SITE_URL + reverse("emplois:application-employer", args=[token])


def candidate_url(token: str) -> str:
    return settings.SITE_URL + reverse("emplois:application-candidate", args=[token])


def build_employer_link(*, application: int, supersedes: bool = False) -> str:
    """Link builder: the employer's page of an application, valid EMPLOYER_LINK_DAYS."""
    if not Application.objects.filter(pk=application).exists():
        raise LinkUnavailable("cette candidature a été retirée ou supprimée.")
    expires_at = timezone.now() + timedelta(days=settings.EMPLOYER_LINK_DAYS)
    token = issue_token(purpose=EMPLOYER_LINK, object_id=application, expires_at=expires_at, supersedes=supersedes)
    return employer_url(token)


def build_candidate_link(*, application: int, supersedes: bool = False) -> str:
    """Link builder: the candidate's page of their application, valid until it is deleted."""
    row = Application.objects.filter(pk=application).values_list("offer__closes_on", flat=True).first()
    if row is None:
        raise LinkUnavailable("cette candidature a été retirée ou supprimée.")
    expires_at = _end_of(row + _retention())
    token = issue_token(purpose=CANDIDATE_LINK, object_id=application, expires_at=expires_at, supersedes=supersedes)
    return candidate_url(token)


def _application_page_queryset() -> QuerySet[Application]:
    return Application.objects.select_related("offer", "offer__organisation", "offer__commune")


def find_application_for_employer(token: str) -> Application | None:
    """The application this employer's token opens, or None (unknown, forged, expired)."""
    application_id = resolve_token(purpose=EMPLOYER_LINK, token=token)
    if application_id is None:
        return None
    return _application_page_queryset().filter(pk=application_id).first()


def find_application_for_candidate(token: str) -> Application | None:
    """The application this candidate's token opens, or None."""
    application_id = resolve_token(purpose=CANDIDATE_LINK, token=token)
    if application_id is None:
        return None
    return _application_page_queryset().filter(pk=application_id).first()


def member_applications(user) -> QuerySet[Application]:
    """The applications to the offers of the organisations this user is a member of
    (annuaire.PartnerMembership): the employer's space looks its applications up here."""
    if not user.is_authenticated:
        return Application.objects.none()
    return _application_page_queryset().filter(offer__organisation__memberships__user=user)


# --- Applying ---------------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    """« CAND-2026-00001 »: numbered within the year. Two candidates applying at once wait for
    each other on a transaction-scoped lock (PostgreSQL); the unique constraint guards the rest."""
    prefix = f"CAND-{year}-"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('emplois.application.reference'))")
    last = (
        Application.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _email_view(application: Application) -> dict:
    offer = application.offer
    return {
        "reference": application.reference,
        "name": application.name,
        "email": application.email,
        "phone": application.phone,
        "offer_title": offer.title,
        "organisation": offer.organisation.name,
        "has_letter": bool(application.letter),
        "retention_months": settings.APPLICATION_RETENTION_MONTHS,
    }


def _stored_names(application: Application) -> list:
    return [(field.storage, field.name) for field in (application.cv, application.letter) if field and field.name]


def apply_to_offer(
    *, offer: Offer, name: str, email: str, phone: str = "", message: str, cv, letter=None, consent: str
) -> Application:
    """Record an application with its files (already checked by content), and email the
    employer (a private link to the application) and the candidate (their own link).

    One transaction: if anything fails after the files were stored, they are removed.
    """
    stored = []
    try:
        with transaction.atomic():
            locked = Offer.objects.select_for_update().select_related("organisation").get(pk=offer.pk)
            if not takes_applications(locked):
                raise ApplicationError("Cette offre ne reçoit plus de candidatures sur le portail.")
            now = timezone.now()
            application = Application(
                offer=locked,
                reference=_next_reference(timezone.localtime(now).year),
                name=name.strip(),
                email=email.strip(),
                phone=phone.strip(),
                message=message.strip(),
                consent_text=consent,
                consent_at=now,
                cv_name=(getattr(cv, "name", "") or "cv")[:200],
            )
            application.cv.save(application.cv_name, cv, save=False)
            stored.append((application.cv.storage, application.cv.name))
            if letter:
                application.letter_name = (getattr(letter, "name", "") or "lettre")[:200]
                application.letter.save(application.letter_name, letter, save=False)
                stored.append((application.letter.storage, application.letter.name))
            application.full_clean(exclude=["cv", "letter"], validate_unique=False)
            application.save()
            view = _email_view(application)
            queue_email(
                to=locked.contact_email,
                template="emplois/candidature_employeur",
                context={
                    "application": view,
                    "url": private_link(EMPLOYER_LINK, application=application.pk),
                    "days": settings.EMPLOYER_LINK_DAYS,
                },
            )
            queue_email(
                to=application.email,
                template="emplois/candidature_confirmation",
                context={"application": view, "url": private_link(CANDIDATE_LINK, application=application.pk)},
            )
            return application
    except BaseException:
        for storage, stored_name in stored:
            storage.delete(stored_name)
        raise


# --- The employer ---------------------------------------------------------------------------


def open_as_employer(*, application: Application, by=None) -> None:
    """The employer opened the application: « reçue » becomes « vue » (once)."""
    if application.status == Status.RECEIVED:
        try:
            APPLICATION_WORKFLOW.apply(
                application,
                Status.SEEN,
                log_model=ApplicationTransition,
                by=by if by is not None and by.is_authenticated else None,
                changes={"status_changed_at": timezone.now()},
            )
        except WorkflowError:  # opened at the same moment elsewhere: already moved
            application.refresh_from_db(fields=["status", "status_changed_at"])


def employer_targets(application: Application) -> list:
    """The transitions the employer may make now, as (target, label)."""
    return [
        (transition.target, transition.label)
        for transition in APPLICATION_WORKFLOW.allowed(application)
        if transition.target in EMPLOYER_TARGETS
    ]


@transaction.atomic
def move_application(*, application: Application, target: str, by=None, message: str = "") -> ApplicationTransition:
    """The employer moves an application; the candidate is told by email (with their link).

    An interview needs a message (date, place, how to answer): it is sent to the candidate and
    shown on their page.
    """
    message = (message or "").strip()
    if target not in EMPLOYER_TARGETS:
        raise ApplicationError("Cette action n'est pas possible.")
    if target == Status.INTERVIEW and not message:
        raise ApplicationError("Écrivez votre proposition d'entretien : la date, le lieu et comment vous répondre.")
    if not APPLICATION_WORKFLOW.can(application, target):
        raise ApplicationError(
            f"Cette candidature est « {application.get_status_display().lower()} » : cette action n'est plus possible."
        )
    by = by if by is not None and by.is_authenticated else None
    try:
        log = APPLICATION_WORKFLOW.apply(
            application,
            target,
            log_model=ApplicationTransition,
            by=by,
            comment=message,
            changes={"status_changed_at": timezone.now()},
        )
    except WorkflowError as error:  # changed meanwhile (another tab, a colleague)
        raise ApplicationError("Cette candidature a changé d'état entre-temps : rechargez la page.") from error
    queue_email(
        to=application.email,
        template=CANDIDATE_EMAILS[target],
        context={
            "application": _email_view(application),
            "message": message,
            "url": private_link(CANDIDATE_LINK, application=application.pk),
        },
        reply_to=application.offer.contact_email,
    )
    return log


# --- The candidate --------------------------------------------------------------------------


def history(application: Application) -> list[ApplicationTransition]:
    """The log of an application, oldest first, each row with `state_label` (its new state in words)."""
    rows = list(application.transitions.order_by("created_at", "pk"))
    for row in rows:
        row.state_label = Status(row.to_state).label if row.to_state in Status.values else row.to_state
    return rows


def interview_message(transitions: list[ApplicationTransition]) -> ApplicationTransition | None:
    """The last interview proposal of the log (its comment is the employer's message)."""
    proposals = [row for row in transitions if row.to_state == Status.INTERVIEW and row.comment]
    return proposals[-1] if proposals else None


def state_explanation(status: str) -> str:
    return CANDIDATE_STATE[Status(status)]


@transaction.atomic
def withdraw_application(*, application: Application) -> str:
    """The candidate withdraws: the application, its log and its files are deleted now (the
    files once the deletion commits, lib.media), its links end, and the offer's contact
    address is told (by the reference). Returns the reference."""
    reference = application.reference
    locked = Application.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None:
        return reference
    offer = locked.offer
    # The employer is told, by the reference only: the person's data goes with the application.
    queue_email(
        to=offer.contact_email,
        template="emplois/candidature_retiree",
        context={
            "reference": reference,
            "offer_title": offer.title,
            "url": settings.SITE_URL + reverse("emplois:employer-offer", args=[offer.pk]),
        },
    )
    delete_application(application=locked)
    return reference


@transaction.atomic
def delete_application(*, application: Application) -> None:
    """The application, its log and its files (once the deletion commits, lib.media) go, and
    its links end; nobody is told (withdraw_application tells the employer; a personal-data
    erasure tells nobody)."""
    for purpose in (EMPLOYER_LINK, CANDIDATE_LINK):
        expire_tokens(purpose=purpose, object_id=application.pk)
    application.delete()


def renew_links(*, email: str, reference: str) -> int:
    """Send a fresh link to whoever asks with the right address and reference: the candidate
    (their page) or the offer's contact address (the employer's page). Returns how many
    emails were queued; the page that calls this says the same whatever the result.

    Anyone may ask, so older links keep working until the new one is opened.
    """
    email, reference = email.strip(), reference.strip().upper()
    application = (
        Application.objects.select_related("offer", "offer__organisation")
        .filter(reference=reference)
        .filter(Q(email__iexact=email) | Q(offer__contact_email__iexact=email))
        .first()
    )
    if application is None:
        return 0
    count = 0
    with transaction.atomic():
        view = _email_view(application)
        if application.email.lower() == email.lower():
            queue_email(
                to=application.email,
                template="emplois/candidature_nouveau_lien",
                context={
                    "application": view,
                    "url": private_link(CANDIDATE_LINK, application=application.pk, supersedes=True),
                },
            )
            count += 1
        if application.offer.contact_email.lower() == email.lower():
            queue_email(
                to=application.offer.contact_email,
                template="emplois/candidature_nouveau_lien_employeur",
                context={
                    "application": view,
                    "url": private_link(EMPLOYER_LINK, application=application.pk, supersedes=True),
                    "days": settings.EMPLOYER_LINK_DAYS,
                },
            )
            count += 1
    return count


# --- Retention -----------------------------------------------------------------------------

PURGE_BATCH = 500


def purge_expired_applications(*, today: date | None = None) -> int:
    """RGPD: delete the applications (their log, their files: lib.media) whose offer closed
    more than APPLICATION_RETENTION_MONTHS ago, and end their links. Idempotent; returns how
    many were deleted."""
    today = today or timezone.localdate()
    cutoff = today - _retention()
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                Application.objects.select_for_update(skip_locked=True)
                .filter(offer__closes_on__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:PURGE_BATCH]
            )
            if not ids:
                return deleted
            PrivateLink.objects.filter(
                purpose__in=[EMPLOYER_LINK, CANDIDATE_LINK], object_id__in=ids, expires_at__gt=timezone.now()
            ).update(expires_at=timezone.now())
            Application.objects.filter(pk__in=ids).delete()
            deleted += len(ids)
