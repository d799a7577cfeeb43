"""A session's half-days and the attendance recorded for them.

The half-days come from the session's dates (`half_days_between`), kept by
`sync_half_days` whenever the dates change: a half-day that stays keeps its recorded
attendance, one that disappears goes with its own. Staff record presence for a whole
session at once (`record_attendance`, the admin's grid of people × half-days); each
person's registration then moves to « présente » (present at one half-day at least) or
« absente » through the declared workflow.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from formation.models import AssessmentResult, Attendance, HalfDay, Registration, RegistrationTransition, Session
from formation.workflows import REGISTRATION_WORKFLOW
from lib.workflow import WorkflowError

# A morning ends, and an afternoon starts, around lunch: a day that starts before NOON has a
# morning, a day that ends after AFTERNOON_FROM has an afternoon.
NOON = time(12, 0)
AFTERNOON_FROM = time(13, 0)
# A multi-day session whose end time is earlier than its start time (« du lundi 14 h au
# mercredi 12 h ») runs whole days in between.
DAY_START, DAY_END = time(8, 0), time(18, 0)

# Who is on the attendance sheet: the people who hold a place and were expected (an offer
# not accepted is not), and those already marked.
EXPECTED = (
    Registration.Status.REGISTERED,
    Registration.Status.CONFIRMED,
    Registration.Status.PRESENT,
    Registration.Status.ABSENT,
)


def half_days_between(starts_at: datetime, ends_at: datetime) -> list[tuple[date, str]]:
    """The (date, period) of each half-day from `starts_at` to `ends_at`, read in the local
    time (Indian/Reunion). Several days at the same hours (« du 3 au 4 mars, 9 h – 17 h »)
    repeat those hours each day; weekends inside a session are skipped."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    first, last = start.date(), end.date()
    same_hours = start.time() < end.time()
    result = []
    day = first
    while day <= last:
        if first < day < last and day.weekday() >= 5:
            day += timedelta(days=1)
            continue
        opens = start.time() if (same_hours or day == first) else DAY_START
        closes = end.time() if (same_hours or day == last) else DAY_END
        if opens < NOON:
            result.append((day, HalfDay.Period.MORNING))
        if closes > AFTERNOON_FROM:
            result.append((day, HalfDay.Period.AFTERNOON))
        day += timedelta(days=1)
    return result


@dataclass
class HalfDayChanges:
    created: int = 0
    deleted: int = 0
    attendance_lost: int = 0  # attendance recorded for the half-days that went


def sync_half_days(*, session: Session) -> HalfDayChanges:
    """Make the session's half-days those of its dates. Half-days that stay are untouched
    (their attendance with them); the others are deleted, the new ones created."""
    wanted = set(half_days_between(session.starts_at, session.ends_at))
    changes = HalfDayChanges()
    with transaction.atomic():
        existing = {(hd.date, hd.period): hd for hd in HalfDay.objects.filter(session=session)}
        gone = [hd.pk for key, hd in existing.items() if key not in wanted]
        if gone:
            changes.attendance_lost = Attendance.objects.filter(half_day__in=gone).count()
            changes.deleted, _ = HalfDay.objects.filter(pk__in=gone).delete()
            changes.deleted -= changes.attendance_lost  # delete() counts the cascaded rows too
        new = [HalfDay(session=session, date=day, period=period) for day, period in wanted - set(existing)]
        HalfDay.objects.bulk_create(new)
        changes.created = len(new)
    return changes


@dataclass
class AttendanceGrid:
    """What the admin's grid and the attendance sheet show: people × half-days."""

    session: Session
    half_days: list[HalfDay]
    registrations: list[Registration]
    present: set[tuple[int, int]] = field(default_factory=set)  # (registration id, half-day id)
    recorded: set[tuple[int, int]] = field(default_factory=set)

    def rows(self):
        """(registration, [(half_day, present?, recorded?)…]) per person."""
        for registration in self.registrations:
            yield (
                registration,
                [
                    (
                        half_day,
                        (registration.pk, half_day.pk) in self.present,
                        (registration.pk, half_day.pk) in self.recorded,
                    )
                    for half_day in self.half_days
                ],
            )

    def attended(self, registration: Registration) -> int:
        return sum((registration.pk, half_day.pk) in self.present for half_day in self.half_days)


def attendance_grid(session: Session) -> AttendanceGrid:
    """Three queries whatever the size of the session."""
    half_days = list(session.half_days.all())
    registrations = list(
        session.registrations.filter(status__in=EXPECTED)
        .only(
            "pk", "session_id", "first_name", "last_name", "organisation_name", "status", "assessment_result",
            "certificate_number", "email",
        )
        .order_by("last_name", "first_name", "pk")
    )  # fmt: skip
    grid = AttendanceGrid(session=session, half_days=half_days, registrations=registrations)
    for registration_id, half_day_id, present in Attendance.objects.filter(half_day__session=session).values_list(
        "registration_id", "half_day_id", "present"
    ):
        grid.recorded.add((registration_id, half_day_id))
        if present:
            grid.present.add((registration_id, half_day_id))
    return grid


@dataclass
class AttendanceOutcome:
    marked_present: int = 0
    marked_absent: int = 0
    refused: list[str] = field(default_factory=list)  # French messages, one per person left as they were


def record_attendance(
    *, session: Session, present: set[tuple[int, int]], results: dict[int, str] | None = None, by=None
) -> AttendanceOutcome:
    """Record the presence of every expected person at every half-day of the session:
    `present` holds the (registration id, half-day id) ticked, every other cell is an
    absence. `results` gives each person's assessment result. Each registration moves to
    « présente » or « absente » through the workflow; a person whose certificate is
    already issued cannot become absent (the message says so), their cells are kept."""
    if timezone.now() < session.starts_at:
        raise WorkflowError("La session n'a pas encore commencé : les présences se relèvent à partir de son début.")
    results = results or {}
    outcome = AttendanceOutcome()
    now = timezone.now()
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)  # one recording at a time per session
        grid = attendance_grid(session)
        cells = []
        for registration in grid.registrations:
            attended = any((registration.pk, half_day.pk) in present for half_day in grid.half_days)
            target = Registration.Status.PRESENT if attended else Registration.Status.ABSENT
            if registration.certificate_number and not attended:
                outcome.refused.append(
                    f"{registration.full_name} : l'attestation n° {registration.certificate_number} est déjà "
                    "établie, la personne ne peut pas être marquée absente à toutes les demi-journées."
                )
                continue
            cells.extend(
                Attendance(
                    registration=registration,
                    half_day=half_day,
                    present=(registration.pk, half_day.pk) in present,
                    recorded_at=now,
                    recorded_by=by,
                )
                for half_day in grid.half_days
            )
            result = results.get(registration.pk)
            if result in [*AssessmentResult.values, ""] and result != registration.assessment_result:
                Registration.objects.filter(pk=registration.pk).update(assessment_result=result)
                registration.assessment_result = result
            if registration.status != target:
                REGISTRATION_WORKFLOW.apply(
                    registration, target, log_model=RegistrationTransition, by=by, comment="Relevé des présences"
                )
            if attended:
                outcome.marked_present += 1
            else:
                outcome.marked_absent += 1
        Attendance.objects.bulk_create(
            cells,
            update_conflicts=True,
            unique_fields=["registration", "half_day"],
            update_fields=["present", "recorded_at", "recorded_by"],
        )
    return outcome


def mark_registration(*, registration: Registration, target: str, by=None, comment: str = "") -> None:
    """A staff button on one registration: confirm it, or mark the person present (or
    absent) at every half-day of the session — the grid records finer attendance."""
    if target == Registration.Status.CONFIRMED:
        REGISTRATION_WORKFLOW.apply(registration, target, log_model=RegistrationTransition, by=by, comment=comment)
        return
    if target not in (Registration.Status.PRESENT, Registration.Status.ABSENT):
        raise WorkflowError("Ce changement d'état ne se fait pas depuis ce bouton.")
    session = registration.session
    if timezone.now() < session.starts_at:
        raise WorkflowError("La session n'a pas encore commencé : les présences se relèvent à partir de son début.")
    if target == Registration.Status.ABSENT and registration.certificate_number:
        raise WorkflowError(
            f"L'attestation n° {registration.certificate_number} est déjà établie : {registration.full_name} ne "
            "peut pas être marquée absente."
        )
    if not REGISTRATION_WORKFLOW.can(registration, target):
        raise WorkflowError(
            f"{registration.full_name} est « {registration.get_status_display().lower()} » : elle ne peut pas être "
            f"marquée {Registration.Status(target).label.lower()}."
        )
    now = timezone.now()
    with transaction.atomic():
        Attendance.objects.bulk_create(
            [
                Attendance(
                    registration=registration,
                    half_day=half_day,
                    present=target == Registration.Status.PRESENT,
                    recorded_at=now,
                    recorded_by=by,
                )
                for half_day in session.half_days.all()
            ],
            update_conflicts=True,
            unique_fields=["registration", "half_day"],
            update_fields=["present", "recorded_at", "recorded_by"],
        )
        REGISTRATION_WORKFLOW.apply(registration, target, log_model=RegistrationTransition, by=by, comment=comment)
