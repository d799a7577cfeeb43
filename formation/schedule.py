"""The emails around a session, each queued once by an hourly sweep over the database.

Five emails follow a registration, each due at a moment computed from the session's rows
(never a long countdown in the broker: see cress/celery.py):

- the convocation, FORMATION_CONVOCATION_DAYS before the start, to the people expected
  (inscrite, confirmée) at a session still planned: dates, place, access, what to bring,
  the online link where the session is remote, the programme;
- the reminder, the day before (24 hours before the start), unless the convocation left
  less than a day earlier (a late registration: the convocation says it all);
- after the session, the « à chaud » survey to the people marked présente;
- FORMATION_COLD_SURVEY_DAYS after the end, the « à froid » survey (what changed at work),
  and one reminder FORMATION_COLD_SURVEY_REMINDER_DAYS after it to those who did not answer.

Each goes through the outbox with a `dedup_key`: a sweep run twice, or two sweeps at once,
queue it once; the outbox sends it once, across worker crashes. A sweep looks back a bounded
time (FORMATION_SURVEY_CATCH_UP_DAYS) for what it missed, so its reads stay small and the
outbox rows that keep each email unique are still there (OUTBOX_RETENTION_DAYS).

Each email carries a private link minted when it leaves: the convocation page, or the
survey (formation.views_survey). A link minted for a registration cancelled meanwhile is
refused (LinkUnavailable) and the email is not sent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone

from formation.models import Registration, Session, SurveyResponse
from formation.registrations import REGISTRATION_LINK
from lib.richtext import plain_text_lines
from messagerie.links import LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.models import OutgoingEmail
from messagerie.services import queue_email

CONVOCATION_LINK = "formation.convocation"
SURVEY_LINK = "formation.questionnaire"

# The people a session expects: they get the convocation and the reminder.
EXPECTED = (Registration.Status.REGISTERED, Registration.Status.CONFIRMED)
REMINDER_BEFORE = timedelta(days=1)
# A reminder that would follow its convocation within this delay is not sent.
REMINDER_MIN_GAP = timedelta(days=1)
# The convocation page stays open this long after the session (the trainee rereads the place, the link).
CONVOCATION_LINK_GRACE = timedelta(days=7)


class EmailKind:
    """The outbox templates of the scheduled emails (templates/emails/<kind>.txt)."""

    CONVOCATION = "formation/schedule_convocation"
    REMINDER = "formation/schedule_rappel"
    HOT_SURVEY = "formation/schedule_questionnaire_chaud"
    COLD_SURVEY = "formation/schedule_questionnaire_froid"
    COLD_REMINDER = "formation/schedule_questionnaire_froid_relance"


# --- When each email is due ---------------------------------------------------------------


def convocation_due(session: Session) -> datetime:
    return session.starts_at - timedelta(days=settings.FORMATION_CONVOCATION_DAYS)


def reminder_due(session: Session) -> datetime:
    return session.starts_at - REMINDER_BEFORE


def cold_survey_due(session: Session) -> datetime:
    return session.ends_at + timedelta(days=settings.FORMATION_COLD_SURVEY_DAYS)


def catch_up() -> timedelta:
    return timedelta(days=settings.FORMATION_SURVEY_CATCH_UP_DAYS)


def cold_reminder_delay() -> timedelta:
    return timedelta(days=settings.FORMATION_COLD_SURVEY_REMINDER_DAYS)


def dedup_key(kind: str, registration: Registration) -> str:
    """The outbox key that makes each email unique. The convocation and the reminder name the
    session and its local start day: a person moved to another session, or a session moved
    to another day, is convened again."""
    name = kind.removeprefix("formation/schedule_")
    if kind in (EmailKind.CONVOCATION, EmailKind.REMINDER):
        day = timezone.localdate(registration.session.starts_at).isoformat()
        return f"formation-{name}:{registration.pk}:{registration.session_id}:{day}"
    return f"formation-{name}:{registration.pk}"


# --- What the emails say ------------------------------------------------------------------


def hours(value) -> str:
    """« 14 », « 3,5 »: a duration in hours as French writes it."""
    return f"{value:f}".rstrip("0").rstrip(".").replace(".", ",")


def _time(moment: datetime) -> str:
    return formats.date_format(moment, r"G \h i")


def session_dates(session: Session) -> str:
    """« le lundi 14 décembre 2026, de 8 h 30 à 16 h 30 » (or « du … au … »), in Réunion time."""
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    if start.date() == end.date():
        return f"le {formats.date_format(start, 'l j F Y')}, de {_time(start)} à {_time(end)}"
    return (
        f"du {formats.date_format(start, 'l j F Y')} à {_time(start)} "
        f"au {formats.date_format(end, 'l j F Y')} à {_time(end)}"
    )


def session_place(session: Session) -> str:
    """The address and commune, or « en ligne » for a remote session."""
    parts = [part for part in (session.address, session.commune.name if session.commune else "") if part]
    if parts:
        return ", ".join(parts)
    return "en ligne" if session.online_url else "lieu communiqué par l'équipe de la CRESS"


def is_remote(session: Session) -> bool:
    """Whether people join (some of) the session online: it has a connection link."""
    return bool(session.online_url)


def _session_context(registration: Registration) -> dict:
    session = registration.session
    training = session.training
    return {
        "first_name": registration.first_name,
        "training": training.title,
        "dates": session_dates(session),
        "start_time": _time(timezone.localtime(session.starts_at)),
        "place": session_place(session),
        "access_notes": session.access_notes.strip(),
        "online_url": session.online_url if is_remote(session) else "",
        "trainer": str(session.trainer) if session.trainer else "",
        "what_to_bring": training.what_to_bring.strip(),
        "duration_hours": hours(training.duration_hours),
        "contact_email": settings.CONTACT_EMAIL,
    }


def convocation_context(registration: Registration) -> dict:
    training = registration.session.training
    return {
        **_session_context(registration),
        "objectives": training.objective_list,
        "programme": plain_text_lines(training.programme),
        "accessibility": training.accessibility.strip(),
        "url": private_link(CONVOCATION_LINK, registration=registration.pk),
        "manage_url": private_link(REGISTRATION_LINK, registration=registration.pk),
    }


def reminder_context(registration: Registration) -> dict:
    return {
        **_session_context(registration),
        "url": private_link(CONVOCATION_LINK, registration=registration.pk),
        "manage_url": private_link(REGISTRATION_LINK, registration=registration.pk),
    }


def survey_context(registration: Registration, kind: str) -> dict:
    session = registration.session
    return {
        "first_name": registration.first_name,
        "training": session.training.title,
        "dates": session_dates(session),
        "days": settings.FORMATION_SURVEY_LINK_DAYS,
        "url": private_link(SURVEY_LINK, registration=registration.pk, kind=kind),
    }


# --- The sweep ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One kind of email and the registrations it is due to now."""

    kind: str
    registrations: list[Registration]
    context: object  # registration → the email's context


def _registrations(**filters):
    return (
        Registration.objects.filter(anonymised_at__isnull=True, **filters)
        .select_related("session__training", "session__commune", "session__trainer")
        .order_by("session__starts_at", "pk")
    )


def _without_answer(queryset, kind: str):
    answered = SurveyResponse.objects.filter(registration=OuterRef("pk"), kind=kind)
    return queryset.filter(~Exists(answered))


def due_emails(now: datetime) -> list[Due]:
    """Every scheduled email due at `now`, whether already queued or not (the caller skips those)."""
    planned = Session.Status.PLANNED
    present = Registration.Status.PRESENT
    convened = list(
        _registrations(
            status__in=EXPECTED,
            session__status=planned,
            session__starts_at__gt=now,
            session__starts_at__lte=now + timedelta(days=settings.FORMATION_CONVOCATION_DAYS),
        )
    )
    reminded = [r for r in convened if reminder_due(r.session) <= now]
    hot = _without_answer(
        _registrations(status=present, session__ends_at__lte=now, session__ends_at__gt=now - catch_up()),
        SurveyResponse.Kind.HOT,
    )
    cold_start = now - timedelta(days=settings.FORMATION_COLD_SURVEY_DAYS)
    cold = _without_answer(
        _registrations(status=present, session__ends_at__lte=cold_start, session__ends_at__gt=cold_start - catch_up()),
        SurveyResponse.Kind.COLD,
    )
    cold_reminder_start = cold_start - cold_reminder_delay()
    cold_reminded = _without_answer(
        _registrations(
            status=present,
            session__ends_at__lte=cold_reminder_start,
            session__ends_at__gt=cold_reminder_start - catch_up(),
        ),
        SurveyResponse.Kind.COLD,
    )
    return [
        Due(EmailKind.CONVOCATION, convened, convocation_context),
        Due(EmailKind.REMINDER, reminded, reminder_context),
        Due(EmailKind.HOT_SURVEY, list(hot), lambda r: survey_context(r, SurveyResponse.Kind.HOT)),
        Due(EmailKind.COLD_SURVEY, list(cold), lambda r: survey_context(r, SurveyResponse.Kind.COLD)),
        Due(EmailKind.COLD_REMINDER, list(cold_reminded), lambda r: survey_context(r, SurveyResponse.Kind.COLD)),
    ]


def queue_scheduled_emails(*, now: datetime | None = None) -> dict[str, int]:
    """Hourly: queue every scheduled email that is due and not queued yet. Returns how many
    of each kind were queued. Idempotent: run again (or twice at once), it queues nothing more."""
    now = now or timezone.now()
    due = due_emails(now)
    keys = {dedup_key(d.kind, r) for d in due for r in d.registrations}
    queued_at = dict(OutgoingEmail.objects.filter(dedup_key__in=keys).values_list("dedup_key", "created_at"))
    counts = {}
    for batch in due:
        counts[batch.kind.removeprefix("formation/schedule_")] = 0
        for registration in batch.registrations:
            key = dedup_key(batch.kind, registration)
            if key in queued_at or not _follows_its_first_email(batch.kind, registration, queued_at, now):
                continue
            email = queue_email(
                to=registration.email, template=batch.kind, context=batch.context(registration), dedup_key=key
            )
            if email is not None:  # None: another sweep queued it meanwhile
                queued_at[key] = email.created_at
                counts[batch.kind.removeprefix("formation/schedule_")] += 1
    return counts


def _follows_its_first_email(kind: str, registration: Registration, queued_at: dict, now: datetime) -> bool:
    """A reminder goes only after the email it recalls, and not too soon after it."""
    if kind == EmailKind.REMINDER:
        convocation = queued_at.get(dedup_key(EmailKind.CONVOCATION, registration))
        return convocation is not None and convocation <= now - REMINDER_MIN_GAP
    if kind == EmailKind.COLD_REMINDER:
        survey = queued_at.get(dedup_key(EmailKind.COLD_SURVEY, registration))
        return survey is not None and survey <= now - cold_reminder_delay()
    return True


# --- Private links ------------------------------------------------------------------------


def build_convocation_link(*, registration: int) -> str:
    """Link builder (messagerie.links): the convocation page, while the person is expected."""
    found = Registration.objects.select_related("session").filter(pk=registration, anonymised_at__isnull=True).first()
    if found is None or found.status not in EXPECTED:
        raise LinkUnavailable("cette inscription n'est plus active (annulée, déplacée ou effacée).")
    if found.session.status == Session.Status.CANCELLED:
        raise LinkUnavailable("cette session est annulée.")
    expires_at = max(found.session.ends_at + CONVOCATION_LINK_GRACE, timezone.now() + timedelta(days=1))
    token = issue_token(purpose=CONVOCATION_LINK, object_id=registration, expires_at=expires_at)
    return settings.SITE_URL + reverse("formation:convocation", args=[token])


def build_survey_link(*, registration: int, kind: str) -> str:
    """Link builder (messagerie.links): a survey, for a person marked present; it expires
    after FORMATION_SURVEY_LINK_DAYS."""
    if kind not in SurveyResponse.Kind.values:
        raise LinkUnavailable(f"questionnaire inconnu « {kind} ».")
    exists = Registration.objects.filter(
        pk=registration, anonymised_at__isnull=True, status=Registration.Status.PRESENT
    ).exists()
    if not exists:
        raise LinkUnavailable("cette inscription n'est pas marquée présente ou a été effacée.")
    expires_at = timezone.now() + timedelta(days=settings.FORMATION_SURVEY_LINK_DAYS)
    token = issue_token(purpose=f"{SURVEY_LINK}.{kind}", object_id=registration, expires_at=expires_at)
    return settings.SITE_URL + reverse("formation:questionnaire", args=[kind, token])


def _page_registration(registration_id: int | None) -> Registration | None:
    if registration_id is None:
        return None
    return (
        Registration.objects.select_related("session__training", "session__commune", "session__trainer")
        .filter(pk=registration_id, anonymised_at__isnull=True)
        .first()
    )


def find_convocation(token: str) -> Registration | None:
    """The registration a convocation link opens, or None (unknown, expired, erased)."""
    return _page_registration(resolve_token(purpose=CONVOCATION_LINK, token=token))


def find_survey(kind: str, token: str) -> Registration | None:
    """The registration a survey link of `kind` opens, or None (unknown, expired, erased)."""
    if kind not in SurveyResponse.Kind.values:
        return None
    return _page_registration(resolve_token(purpose=f"{SURVEY_LINK}.{kind}", token=token))


# --- Configuration check ------------------------------------------------------------------


@checks.register()
def check_outbox_keeps_scheduled_emails(app_configs=None, **kwargs):
    """Each scheduled email is unique while its outbox row exists: the sweep must not look
    back further than the outbox keeps its rows, or a purged email would be sent again."""
    longest = max(
        settings.FORMATION_SURVEY_CATCH_UP_DAYS + settings.FORMATION_COLD_SURVEY_REMINDER_DAYS,
        settings.FORMATION_CONVOCATION_DAYS,
    )
    if longest >= settings.OUTBOX_RETENTION_DAYS:
        return [
            checks.Error(
                "FORMATION_SURVEY_CATCH_UP_DAYS + FORMATION_COLD_SURVEY_REMINDER_DAYS (and "
                "FORMATION_CONVOCATION_DAYS) must stay below OUTBOX_RETENTION_DAYS: an email would be "
                "sent again once its outbox row is purged.",
                id="formation.E001",
            )
        ]
    return []
