"""Action 1's reminders, and the daily follow-up of conventions and commitments.

Nothing here waits in the broker: two sweeps that beat runs (cress/celery.py) read what is
due from the rows, and each email goes through the outbox with a `dedup_key`, so a sweep
run again, late, or twice at once queues it once, and the outbox sends it once.

`sweep_conventions` runs every hour; what it does is due by the day (Réunion time):

- a commitment « à faire » or « en cours » of a convention in force (« en vigueur » or « à
  renouveler ») whose due date has passed moves to « en retard » (move_commitment, by
  nobody, comment « échéance dépassée »). Those of a convention not in force are left to
  the staff;
- a convention in force whose end date has passed becomes « échue » (move_convention,
  comment « échéance atteinte »), renewed or not: the convention that renews it is another
  row, and this one did reach its end (left « en vigueur », it would still be shown in force
  on the partners page). No other state of a convention changes by itself: whether to mark
  one « à renouveler » is the staff's call, which the end reminders prompt;
- the convention's owner (Convention.owner, an active staff account; nobody otherwise) is
  reminded PARTENARIATS_CONVENTION_REMINDER_DAYS (90 and 30) days before its end, while it
  is in force and not renewed (`renewed_by` empty). A reminder is due from its day until the
  next one's: a sweep that missed its day sends it late, but when two are due at once (a
  convention recorded, or its end moved, 20 days before it ends; beat stopped for weeks)
  only the latest goes: it says all the earlier one would. The key names the end date, so
  an end moved by an amendment gets its own reminders;
- PARTENARIATS_COMMITTEE_REMINDER_DAYS before a committee of a convention in force, the
  convention's owner is reminded to prepare it, with its agenda and the convention's open
  commitments. The key names the committee's moment: a committee moved is reminded again.

`send_weekly_digests` runs on Monday at 07:00 (Réunion time): each staff owner of
commitments (Commitment.owner) gets one email per ISO week listing, by convention, the open
commitments of conventions in force that are overdue (« en retard », or past their due
date) or due within PARTENARIATS_DIGEST_DUE_SOON_DAYS; nothing when there are none.

Every email carries the admin page where its reader acts. Each is unique while its outbox
row exists (OUTBOX_RETENTION_DAYS): a system check keeps every stretch of time in which one
reminder stays due shorter than that.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import groupby, pairwise

from django.conf import settings
from django.core import checks
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import formats, timezone

from lib.dates import french_date
from lib.workflow import TransitionNotAllowed
from messagerie.models import OutgoingEmail
from messagerie.services import queue_email
from partenariats import services
from partenariats.models import Commitment, Committee, Convention
from partenariats.workflows import CONVENTION_LIVE


class EmailKind:
    """The outbox templates of the reminders (templates/emails/<kind>.txt)."""

    END = "partenariats/rappel_fin_convention"
    DIGEST = "partenariats/recapitulatif_engagements"
    COMMITTEE = "partenariats/preparer_comite"


LATE_COMMENT = "échéance dépassée"
EXPIRY_COMMENT = "échéance atteinte"
# The states the daily sweep moves to « en retard » once their due date has passed.
OVERDUE_SOURCES = (Commitment.Status.TODO, Commitment.Status.IN_PROGRESS)
# Who receives a reminder: an active staff account (an owner who left gets nothing).
_ACTIVE_STAFF = {"is_active": True, "is_staff": True}


def _staff(prefix: str) -> dict:
    return {f"{prefix}__{field}": value for field, value in _ACTIVE_STAFF.items()}


# --- When each reminder is due ------------------------------------------------------------


def end_reminder_days() -> list[int]:
    """PARTENARIATS_CONVENTION_REMINDER_DAYS, the furthest from the end first."""
    return sorted(set(settings.PARTENARIATS_CONVENTION_REMINDER_DAYS), reverse=True)


def end_reminder_due(end_date: date, today: date) -> int | None:
    """The end reminder due on `today` (its number of days before the end): the latest whose
    day has come, until the end date itself; None before the first and after the end."""
    days_left = (end_date - today).days
    passed = [days for days in end_reminder_days() if days_left <= days]
    return min(passed) if passed and days_left >= 0 else None


def committee_reminder_delay() -> timedelta:
    return timedelta(days=settings.PARTENARIATS_COMMITTEE_REMINDER_DAYS)


def end_reminder_key(convention: Convention, days: int) -> str:
    return f"partenariats-fin:{convention.pk}:{convention.end_date.isoformat()}:{days}"


def committee_reminder_key(committee: Committee) -> str:
    return f"partenariats-comite:{committee.pk}:{committee.held_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def digest_key(owner_id: int, today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"partenariats-recap:{owner_id}:{year}-W{week:02d}"


# --- What the emails say ------------------------------------------------------------------


def admin_url(model_name: str, pk: int) -> str:
    """The staff's page of a row of this app, where its reader acts."""
    return settings.SITE_URL + reverse(f"admin:partenariats_{model_name}_change", args=[pk])


def _moment(value: datetime) -> str:
    """« le mardi 3 mars 2026 à 9 h 30 », in Réunion time."""
    local = timezone.localtime(value)
    return f"le {formats.date_format(local, 'l j F Y')} à {formats.date_format(local, r'G \h i')}"


def commitment_line(commitment: Commitment) -> dict:
    return {
        "title": commitment.title,
        "party": commitment.party_name,
        "due": french_date(commitment.due_date),
        "state": commitment.get_status_display(),
        "url": admin_url("commitment", commitment.pk),
    }


def end_reminder_context(convention: Convention, *, days: int, today: date) -> dict:
    return {
        "first_name": convention.owner.get_short_name(),
        "reference": convention.reference,
        "title": convention.title,
        "parties": ", ".join(str(partner) for partner in convention.parties.all()),
        "end_date": french_date(convention.end_date),
        "days_left": (convention.end_date - today).days,
        "days": days,
        "status": convention.get_status_display(),
        "open_commitments": convention.open_commitment_count,
        "url": admin_url("convention", convention.pk),
    }


def committee_context(committee: Committee, *, now: datetime) -> dict:
    convention = committee.convention
    return {
        "first_name": convention.owner.get_short_name(),
        "kind": committee.get_kind_display(),
        "reference": convention.reference,
        "title": convention.title,
        "when": _moment(committee.held_at),
        "day": french_date(committee.held_at),
        "place": committee.place.strip(),
        "days_left": (timezone.localdate(committee.held_at) - timezone.localdate(now)).days,
        "agenda": committee.agenda_items,
        "commitments": [commitment_line(commitment) for commitment in convention.open_commitments],
        "url": admin_url("committee", committee.pk),
        "convention_url": admin_url("convention", convention.pk),
    }


def digest_context(owner, commitments: list[Commitment], *, today: date) -> dict:
    """`commitments` sorted by convention: one group each, overdue first, then due soon."""
    conventions = []
    for _, group in groupby(commitments, key=lambda commitment: commitment.convention_id):
        group = list(group)
        convention = group[0].convention
        overdue = [c for c in group if c.status == Commitment.Status.LATE or c.due_date < today]
        conventions.append(
            {
                "reference": convention.reference,
                "title": convention.title,
                "end_date": french_date(convention.end_date),
                "url": admin_url("convention", convention.pk),
                "overdue": [commitment_line(c) for c in overdue],
                "due_soon": [commitment_line(c) for c in group if c not in overdue],
            }
        )
    overdue_count = sum(len(group["overdue"]) for group in conventions)
    return {
        "first_name": owner.get_short_name(),
        "week": today.isocalendar()[1],
        "days": settings.PARTENARIATS_DIGEST_DUE_SOON_DAYS,
        "overdue_count": overdue_count,
        "due_soon_count": len(commitments) - overdue_count,
        "conventions": conventions,
    }


# --- The sweeps ---------------------------------------------------------------------------

# (dedup key, address, the context: computed only for an email not queued yet)
Due = tuple[str, str, Callable[[], dict]]


def _queue_once(template: str, due: list[Due]) -> int:
    """Queue each email of `due` the outbox does not hold yet; how many were queued."""
    known = set(
        OutgoingEmail.objects.filter(dedup_key__in=[key for key, _, _ in due]).values_list("dedup_key", flat=True)
    )
    queued = 0
    for key, to, context in due:
        if key in known:
            continue
        # None: another sweep queued it meanwhile.
        if queue_email(to=to, template=template, context=context(), dedup_key=key) is not None:
            queued += 1
    return queued


def _mark_late_commitments(today: date) -> int:
    overdue = Commitment.objects.filter(
        status__in=OVERDUE_SOURCES, due_date__lt=today, convention__status__in=CONVENTION_LIVE
    ).order_by("due_date", "pk")
    moved = 0
    for commitment in overdue:
        try:
            services.move_commitment(commitment, Commitment.Status.LATE, comment=LATE_COMMENT)
        except TransitionNotAllowed:  # moved meanwhile, by the staff or another sweep
            continue
        moved += 1
    return moved


def _expire_conventions(today: date) -> int:
    ended = Convention.objects.filter(status__in=CONVENTION_LIVE, end_date__lt=today).order_by("end_date", "pk")
    expired = 0
    for convention in ended:
        try:
            services.move_convention(convention, Convention.Status.EXPIRED, comment=EXPIRY_COMMENT)
        except TransitionNotAllowed:  # moved meanwhile
            continue
        expired += 1
    return expired


def _end_reminders(today: date) -> list[Due]:
    days = end_reminder_days()
    if not days:
        return []
    conventions = (
        Convention.objects.filter(
            status__in=CONVENTION_LIVE,
            renewed_by__isnull=True,
            end_date__gte=today,
            end_date__lte=today + timedelta(days=days[0]),
            **_staff("owner"),
        )
        .select_related("owner")
        .prefetch_related("parties__organisation")
        .annotate(open_commitment_count=Count("commitments", filter=Q(commitments__status__in=Commitment.OPEN_STATES)))
        .order_by("end_date", "pk")
    )
    due = []
    for convention in conventions:
        if (reminder := end_reminder_due(convention.end_date, today)) is not None:
            context = partial(end_reminder_context, convention, days=reminder, today=today)
            due.append((end_reminder_key(convention, reminder), convention.owner.email, context))
    return due


def _committee_reminders(now: datetime) -> list[Due]:
    open_commitments = Prefetch(
        "convention__commitments",
        queryset=Commitment.objects.filter(status__in=Commitment.OPEN_STATES)
        .select_related("party__organisation")
        .order_by("due_date", "pk"),
        to_attr="open_commitments",
    )
    committees = (
        Committee.objects.filter(
            held_at__gt=now,
            held_at__lte=now + committee_reminder_delay(),
            convention__status__in=CONVENTION_LIVE,
            **_staff("convention__owner"),
        )
        .select_related("convention__owner")
        .prefetch_related(open_commitments)
        .order_by("held_at", "pk")
    )
    due = []
    for committee in committees:
        context = partial(committee_context, committee, now=now)
        due.append((committee_reminder_key(committee), committee.convention.owner.email, context))
    return due


def sweep_conventions(*, now: datetime | None = None) -> dict[str, int]:
    """Hourly: commitments past due become « en retard », conventions past their end
    « échue », and the end and committee reminders due are queued once each. Returns how
    many of each. Idempotent: run again (or twice at once), it does nothing more."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Commitments first: one due on the convention's last day is logged late, then the convention ends.
    late = _mark_late_commitments(today)
    expired = _expire_conventions(today)
    return {
        "late_commitments": late,
        "expired_conventions": expired,
        "end_reminders": _queue_once(EmailKind.END, _end_reminders(today)),
        "committee_reminders": _queue_once(EmailKind.COMMITTEE, _committee_reminders(now)),
    }


def send_weekly_digests(*, now: datetime | None = None) -> int:
    """Monday morning: to each staff owner of commitments, the overdue and due-soon open
    commitments of conventions in force, once per ISO week. Returns how many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=settings.PARTENARIATS_DIGEST_DUE_SOON_DAYS)
    commitments = (
        Commitment.objects.filter(
            status__in=Commitment.OPEN_STATES, convention__status__in=CONVENTION_LIVE, **_staff("owner")
        )
        .filter(Q(status=Commitment.Status.LATE) | Q(due_date__lte=horizon))
        .select_related("owner", "convention", "party__organisation")
        .order_by("owner_id", "convention__reference", "convention_id", "due_date", "pk")
    )
    due = []
    for _, listed in groupby(commitments, key=lambda commitment: commitment.owner_id):
        listed = list(listed)
        owner = listed[0].owner
        due.append((digest_key(owner.pk, today), owner.email, partial(digest_context, owner, listed, today=today)))
    return _queue_once(EmailKind.DIGEST, due)


# --- Configuration check ------------------------------------------------------------------


@checks.register()
def check_outbox_keeps_reminders(app_configs=None, **kwargs):
    """A reminder is sent once while its outbox row exists: no reminder may stay due longer
    than the outbox keeps its rows, or a purged one would be sent again."""
    days = end_reminder_days()
    if any(value < 0 for value in days) or settings.PARTENARIATS_COMMITTEE_REMINDER_DAYS < 0:
        return [
            checks.Error(
                "PARTENARIATS_CONVENTION_REMINDER_DAYS and PARTENARIATS_COMMITTEE_REMINDER_DAYS are days "
                "before a date: none may be negative.",
                id="partenariats.E001",
            )
        ]
    # Each end reminder stays due until the next one's day; the last one until the end day.
    stretches = [earlier - later for earlier, later in pairwise(days)] + days[-1:]
    longest = max([*stretches, settings.PARTENARIATS_COMMITTEE_REMINDER_DAYS, 7])
    if longest >= settings.OUTBOX_RETENTION_DAYS:
        return [
            checks.Error(
                "The gaps between PARTENARIATS_CONVENTION_REMINDER_DAYS (and the last of them, and "
                "PARTENARIATS_COMMITTEE_REMINDER_DAYS) must stay below OUTBOX_RETENTION_DAYS: a reminder "
                "would be sent again once its outbox row is purged.",
                id="partenariats.E002",
            )
        ]
    return []
