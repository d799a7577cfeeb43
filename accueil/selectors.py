"""Reads for the staff dashboard, the exports, the FSE report and the conversation: a fixed number of
queries whatever the number of requests."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accueil.models import (
    Attachment,
    DocumentDownload,
    IntakeRequest,
    Message,
    Orientation,
    ParticipantProfile,
    need_choices,
)
from accueil.orientation import expiring_within, reminder_passed
from accueil.services import OPEN_STATES
from lib.periods import Period
from referentiels.models import Territory, TerritoryKind


def _labelled(counts: dict, choices) -> list[tuple[str, int]]:
    return [(label, counts.get(value, 0)) for value, label in choices]


def needs_counts(requests: QuerySet) -> dict[str, int]:
    if connection.vendor == "postgresql":
        sql, params = requests.values("id").query.sql_with_params()
        # `sql` is Django's own compiled query for the filtered ids, with its parameters apart.
        query = (
            "SELECT need, count(*) FROM accueil_intakerequest r, jsonb_array_elements_text(r.needs) AS need "  # noqa: S608
            f"WHERE r.id IN ({sql}) GROUP BY need"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return dict(cursor.fetchall())
    counts: dict[str, int] = {}
    for needs in requests.values_list("needs", flat=True):
        for need in needs:
            counts[need] = counts.get(need, 0) + 1
    return counts


DASHBOARD_TTL = 60


def awaiting_staff_answer(requests: QuerySet) -> QuerySet:
    """The open requests where someone expects the staff's answer and no staff message came
    since: the holder wrote to the staff (the holder ↔ staff thread) or sent documents from
    the tracking page, or a structure wrote to the staff (its thread with the staff). A
    holder's answer to a structure's question, or a structure's message to the holder, is
    for the structure: nobody waits for the staff there."""
    asks = Message.objects.filter(request=OuterRef("pk")).filter(
        Q(author_kind=Message.Author.HOLDER, audience=Message.Audience.HOLDER)
        | Q(author_kind=Message.Author.PARTNER, audience=Message.Audience.PARTNER_STAFF)
    )
    documents = Attachment.objects.filter(request=OuterRef("pk"), added_by_holder=True, added_later=True)
    answers = Message.objects.filter(request=OuterRef("pk"), author_kind=Message.Author.STAFF)

    def latest(queryset):
        return Subquery(queryset.order_by("-created_at").values("created_at")[:1])

    return (
        requests.filter(status__in=OPEN_STATES)
        .annotate(last_ask=latest(asks), last_documents=latest(documents), last_answer=latest(answers))
        .filter(
            Q(last_ask__isnull=False, last_answer__isnull=True)
            | Q(last_ask__gt=F("last_answer"))
            | Q(last_documents__isnull=False, last_answer__isnull=True)
            | Q(last_documents__gt=F("last_answer"))
        )
    )


def dashboard(period: Period) -> dict:
    """The dashboard's figures; computed at most once a minute per period (they scan the table)."""
    key = f"accueil:dashboard:{period.start}:{period.end}"
    data = cache.get(key)
    if data is None:
        data = _dashboard(period)
        cache.set(key, data, DASHBOARD_TTL)
    return data


def _dashboard(period: Period) -> dict:
    requests = period.filter(IntakeRequest.objects.all())
    by_status = dict(requests.order_by().values_list("status").annotate(n=Count("id")))
    epci_names = dict(Territory.objects.filter(kind=TerritoryKind.EPCI).values_list("pk", "short_name"))
    by_epci = dict(requests.order_by().values_list("activity_commune__parent").annotate(n=Count("id")))
    weeks_start = timezone.now() - timedelta(weeks=12)
    by_week = list(
        requests.filter(created_at__gte=weeks_start)
        .annotate(week=TruncWeek("created_at"))
        .order_by("week")
        .values_list("week")
        .annotate(n=Count("id"))
    )
    stale_cutoff = timezone.now() - timedelta(days=settings.STALE_REQUEST_DAYS)
    stale = IntakeRequest.objects.filter(status__in=OPEN_STATES, last_activity_at__lt=stale_cutoff)
    return {
        "total": sum(by_status.values()),
        "by_status": _labelled(by_status, IntakeRequest.Status.choices),
        "by_epci": sorted(((epci_names.get(pk, "Non renseigné"), n) for pk, n in by_epci.items()), key=lambda x: x[0]),
        "by_need": _labelled(needs_counts(requests), need_choices()),
        "by_week": by_week,
        "stale_count": stale.count(),
        "awaiting_count": awaiting_staff_answer(IntakeRequest.objects.all()).count(),
        "stale": list(stale.select_related("assigned_to").order_by("last_activity_at")[:20]),
    }


def fse_report(period: Period) -> dict:
    """Counts of participants by the FSE+ indicators, for requests filed in the period."""
    profiles = period.filter(ParticipantProfile.objects.all(), "request__created_at")
    requests = period.filter(IntakeRequest.objects.all())
    totals = profiles.aggregate(
        answered=Count("id"),
        **{f"sex_{v}": Count("id", filter=Q(sex=v)) for v in ParticipantProfile.Sex.values},
        **{f"age_{v}": Count("id", filter=Q(age_band=v)) for v in ParticipantProfile.AgeBand.values},
        **{f"emp_{v}": Count("id", filter=Q(employment=v)) for v in ParticipantProfile.Employment.values},
        **{f"edu_{v}": Count("id", filter=Q(education=v)) for v in ParticipantProfile.Education.values},
        disadvantaged_yes=Count("id", filter=Q(disadvantaged=True)),
        disadvantaged_no=Count("id", filter=Q(disadvantaged=False)),
    )
    total_requests = requests.count()

    def section(title, prefix, choices, field):
        rows = [(label, totals[f"{prefix}_{value}"]) for value, label in choices]
        unanswered = total_requests - sum(n for _label, n in rows)
        return {"title": title, "rows": [*rows, ("Non communiqué", unanswered)], "field": field}

    return {
        "requests": total_requests,
        "answered": totals["answered"],
        "sections": [
            section("Sexe", "sex", ParticipantProfile.Sex.choices, "sex"),
            section("Tranche d'âge", "age", ParticipantProfile.AgeBand.choices, "age_band"),
            section("Situation professionnelle", "emp", ParticipantProfile.Employment.choices, "employment"),
            section("Niveau d'études (CITE)", "edu", ParticipantProfile.Education.choices, "education"),
            {
                "title": "Situation de désavantage",
                "rows": [
                    ("Oui", totals["disadvantaged_yes"]),
                    ("Non", totals["disadvantaged_no"]),
                    ("Non communiqué", total_requests - totals["disadvantaged_yes"] - totals["disadvantaged_no"]),
                ],
            },
        ],
    }


# Columns staff can choose for the CSV export: key -> (header, value from a request).
EXPORT_COLUMNS = {
    "reference": ("Référence", lambda r: r.reference),
    "date": ("Déposée le", lambda r: timezone.localtime(r.created_at).strftime("%Y-%m-%d")),
    "statut": ("État", lambda r: r.get_status_display()),
    "issue": ("Issue", lambda r: r.get_outcome_display()),
    "porteur": ("Porteur", lambda r: r.full_name),
    "courriel": ("Courriel", lambda r: r.email),
    "telephone": ("Téléphone", lambda r: r.phone),
    "commune": ("Commune d'activité", lambda r: r.activity_commune.name),
    "epci": ("Intercommunalité", lambda r: r.activity_commune.parent.short_name if r.activity_commune.parent else ""),
    "titre": ("Projet", lambda r: r.title),
    "stade": ("Stade", lambda r: r.get_stage_display()),
    "besoins": ("Besoins", lambda r: "; ".join(r.get_needs_display())),
    "forme": ("Forme juridique", lambda r: r.legal_form_answer),
    "charge": ("Chargé·e d'accueil", lambda r: str(r.assigned_to) if r.assigned_to else ""),
}


def export_queryset(period: Period) -> QuerySet:
    return (
        period.filter(IntakeRequest.objects.all())
        .select_related("activity_commune__parent", "legal_form", "assigned_to")
        .order_by("created_at", "pk")
    )


# --- The conversation of a request, as each reader sees it (see Message) -------------------


def _conversation():
    return Message.objects.select_related("orientation__organisation").order_by("created_at", "pk")


def holder_conversation(intake: IntakeRequest):
    """What the holder reads: the messages with the staff, and every structure's messages to them."""
    audiences = [Message.Audience.HOLDER, Message.Audience.PARTNER_HOLDER]
    return _conversation().filter(request=intake, audience__in=audiences)


def partner_conversation(orientation: Orientation):
    """What one structure reads: its own thread with the holder, and the staff's messages to it."""
    audiences = [Message.Audience.PARTNER_HOLDER, Message.Audience.PARTNER_STAFF]
    return _conversation().filter(request_id=orientation.request_id, orientation=orientation, audience__in=audiences)


def staff_conversation(intake: IntakeRequest):
    """The staff read the whole conversation."""
    return _conversation().filter(request=intake)


def staff_today(user) -> dict:
    """The admin home's counts for an accueil staff member: their open requests, those
    waiting for a staff answer, the new ones nobody took; and the reminders due: the
    orientations past their reminder's moment and those expiring soon (the daily job's
    schedule, accueil/schedule.py), the stale requests. Three queries."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.STALE_REQUEST_DAYS)
    counts = IntakeRequest.objects.filter(status__in=OPEN_STATES).aggregate(
        mine=Count("pk", filter=Q(assigned_to=user)),
        unassigned=Count("pk", filter=Q(status=IntakeRequest.Status.NEW, assigned_to=None)),
        stale=Count("pk", filter=Q(last_activity_at__lt=cutoff)),
    )
    warning_days = settings.ORIENTATION_EXPIRY_WARNING_DAYS
    orientations = Orientation.objects.filter(request__status__in=OPEN_STATES).aggregate(
        reminder_passed=Count("pk", filter=reminder_passed(now)),
        expiring=Count("pk", filter=expiring_within(now, warning_days)),
    )
    return {
        **counts,
        **orientations,
        "awaiting": awaiting_staff_answer(IntakeRequest.objects.all()).count(),
        "stale_days": settings.STALE_REQUEST_DAYS,
        "expiring_days": warning_days,
    }


# How many downloads the request's admin page lists (the latest first).
DOWNLOADS_SHOWN = 100


def document_downloads(intake: IntakeRequest) -> list[DocumentDownload]:
    """The downloads of the holder's documents by the structures the request is oriented to,
    the latest first: which document, which structure, which member (none: its private link), when."""
    return list(
        DocumentDownload.objects.filter(orientation__request=intake)
        .select_related("orientation__organisation", "attachment", "user")
        .order_by("-downloaded_at", "-pk")[:DOWNLOADS_SHOWN]
    )
