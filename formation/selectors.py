"""The reads of the public catalogue that pages, the agenda and the intake share.

Everything public starts from `published_trainings()` and `upcoming_sessions()`: a draft or
archived training, a cancelled or already started session is never listed. Places left
count the registrations that hold a place (`Registration.HOLDING`, an offer included).
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Avg, Count, Exists, F, IntegerField, Min, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from formation.models import Registration, Session, SurveyResponse, Training
from lib.agenda import AgendaItem
from lib.need_resources import NeedResource
from lib.territory_links import TerritoryLink
from lib.text import normalise_text
from referentiels.models import Territory, TerritoryKind

# Results (satisfaction, completion) are published once this many answers or trainees
# are counted: fewer would identify people and say little.
MIN_RESULT_ANSWERS = 5
AGENDA_KIND = "formation"
AGENDA_KIND_LABEL = "Formation"


@dataclass(frozen=True)
class CatalogueFilters:
    """What the visitor asked for; every field empty means the whole catalogue."""

    q: str = ""
    theme: str = ""
    audience: str = ""
    territory: Territory | None = None
    month: date | None = None  # the first day of the month
    modality: str = ""
    places: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.q or self.theme or self.audience or self.territory or self.month or self.modality or self.places
        )


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def published_trainings():
    return Training.objects.filter(status=Training.Status.PUBLISHED)


def _held_places():
    """Per session (as an outer reference): the registrations that hold a place."""
    return Coalesce(
        Subquery(
            Registration.objects.filter(session=OuterRef("pk"), status__in=Registration.HOLDING)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _waiting():
    return Coalesce(
        Subquery(
            Registration.objects.filter(session=OuterRef("pk"), status=Registration.Status.WAITING)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def upcoming_sessions(filters: CatalogueFilters | None = None, *, now: datetime | None = None):
    """Planned sessions not started yet, each with `held`, `places_left` and `waiting`."""
    sessions = (
        Session.objects.filter(status=Session.Status.PLANNED, starts_at__gt=now or timezone.now())
        .annotate(held=_held_places(), waiting=_waiting())
        .annotate(places_left=F("capacity") - F("held"))
        .select_related("commune", "trainer")
        .order_by("starts_at", "pk")
    )
    if filters is not None:
        sessions = _filter_sessions(sessions, filters)
    return sessions


def _filter_sessions(sessions, filters: CatalogueFilters):
    if filters.territory is not None:
        if filters.territory.kind == TerritoryKind.EPCI:
            sessions = sessions.filter(commune__parent=filters.territory)
        else:
            sessions = sessions.filter(commune=filters.territory)
    if filters.month is not None:
        start, end = month_bounds(filters.month)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    if filters.places:
        sessions = sessions.filter(places_left__gt=0)
    return sessions


def month_bounds(first_day: date) -> tuple[datetime, datetime]:
    """The month in Réunion time, as aware datetimes [start, end)."""
    tz = timezone.get_current_timezone()
    following = date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)
    return datetime.combine(first_day, time.min, tzinfo=tz), datetime.combine(following, time.min, tzinfo=tz)


def _session_filters_given(filters: CatalogueFilters) -> bool:
    return bool(filters.territory or filters.month or filters.places)


def catalogue(filters: CatalogueFilters):
    """The published trainings matching the filters, each with `upcoming` (its upcoming
    sessions that match the session filters: territory, month, places left). Trainings
    with a session soon come first; a text search orders by relevance."""
    now = timezone.now()
    trainings = published_trainings()
    if filters.theme:
        trainings = trainings.filter(theme=filters.theme)
    if filters.modality:
        trainings = trainings.filter(modality=filters.modality)
    if filters.audience:
        trainings = _with_audience(trainings, filters.audience)
    if _session_filters_given(filters):
        matching = _filter_sessions(
            Session.objects.filter(training=OuterRef("pk"), status=Session.Status.PLANNED, starts_at__gt=now)
            .annotate(held=_held_places())
            .annotate(places_left=F("capacity") - F("held")),
            filters,
        )
        trainings = trainings.filter(Exists(matching))
    trainings = trainings.annotate(
        next_start=Min(
            "sessions__starts_at",
            filter=Q(sessions__status=Session.Status.PLANNED, sessions__starts_at__gt=now),
        )
    )
    ordering = [F("next_start").asc(nulls_last=True), "title", "pk"]
    if filters.q.strip():
        trainings, ranked = _search(trainings, filters.q)
        if ranked:
            ordering = ["-rank", *ordering]
    return (
        trainings.defer("programme", "search_vector", "objectives")
        .prefetch_related(Prefetch("sessions", queryset=upcoming_sessions(filters, now=now), to_attr="upcoming"))
        .order_by(*ordering)
    )


def _with_audience(trainings, audience: str):
    if is_postgres():
        return trainings.filter(audiences__contains=[audience])
    # SQLite (the zero-setup default) has no JSON containment: a small catalogue is read.
    ids = [pk for pk, audiences in trainings.values_list("pk", "audiences") if audience in (audiences or [])]
    return trainings.filter(pk__in=ids)


def _search(trainings, text: str):
    """French full text without accents on the stored vector (PostgreSQL); on SQLite (the
    zero-setup default) every word, without accents, in the title, summary or objectives
    of a small catalogue read once."""
    if is_postgres():
        query = SearchQuery(text, search_type="websearch", config="fr")
        return trainings.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query)), True
    words = normalise_text(text).split()
    ids = [
        pk
        for pk, *fields in trainings.values_list("pk", "title", "summary", "objectives")
        if all(word in normalise_text(" ".join(fields)) for word in words)
    ]
    return trainings.filter(pk__in=ids), False


def training_detail(slug: str) -> Training | None:
    """A published training with `upcoming`, its upcoming sessions."""
    return (
        published_trainings()
        .filter(slug=slug)
        .prefetch_related(Prefetch("sessions", queryset=upcoming_sessions(), to_attr="upcoming"))
        .first()
    )


def territories_for_filters() -> list[Territory]:
    return list(
        Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.COMMUNE])
        .only("kind", "name", "short_name", "slug", "parent_id")
        .order_by("-kind", "name")
    )


# --- Published results ----------------------------------------------------------------


def _one_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    return int((Decimal(part) * 100 / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class TrainingResults:
    """What the catalogue publishes of past sessions (Qualiopi indicator 2)."""

    hot_answers: int
    satisfaction: Decimal | None  # mean of 1-5, hot survey
    objectives_met: Decimal | None  # mean of 1-5, hot survey
    trainees: int  # people whose attendance was recorded
    completion: int | None  # % of them present at every half-day
    cold_answers: int
    applied_at_work: int | None  # % of cold answers saying it changed their work

    @property
    def satisfaction_known(self) -> bool:
        return self.hot_answers >= MIN_RESULT_ANSWERS

    @property
    def completion_known(self) -> bool:
        return self.trainees >= MIN_RESULT_ANSWERS

    @property
    def applied_known(self) -> bool:
        return self.cold_answers >= MIN_RESULT_ANSWERS

    @property
    def known(self) -> bool:
        return self.satisfaction_known or self.completion_known or self.applied_known


def training_results(training: Training) -> TrainingResults:
    """Satisfaction from the survey answers, completion from the attendance sheets: two
    queries whatever the number of sessions and people."""
    hot = Q(kind=SurveyResponse.Kind.HOT)
    cold = Q(kind=SurveyResponse.Kind.COLD, applied_at_work__isnull=False)
    surveys = SurveyResponse.objects.filter(registration__session__training=training).aggregate(
        hot_answers=Count("pk", filter=hot),
        satisfaction=Avg("satisfaction", filter=hot),
        objectives_met=Avg("objectives_met", filter=hot),
        cold_answers=Count("pk", filter=cold),
        applied=Count("pk", filter=cold & Q(applied_at_work=True)),
    )
    attendance = (
        Registration.objects.filter(session__training=training, attendances__isnull=False)
        .annotate(half_days=Count("attendances"), present=Count("attendances", filter=Q(attendances__present=True)))
        .aggregate(trainees=Count("pk"), completed=Count("pk", filter=Q(half_days=F("present"))))
    )
    return TrainingResults(
        hot_answers=surveys["hot_answers"],
        satisfaction=_one_decimal(surveys["satisfaction"]),
        objectives_met=_one_decimal(surveys["objectives_met"]),
        trainees=attendance["trainees"],
        completion=_percent(attendance["completed"], attendance["trainees"]),
        cold_answers=surveys["cold_answers"],
        applied_at_work=_percent(surveys["applied"], surveys["cold_answers"]),
    )


# --- Links ------------------------------------------------------------------------------


def training_url(training: Training) -> str:
    return reverse("formation:formation", args=[training.slug])


def registration_url(session: Session) -> str:
    """Where « S'inscrire » leads for a session: the registration page."""
    return reverse("formation:inscription", args=[session.pk])


def catalogue_need_resource() -> NeedResource:
    """The intake's « formation » need leads to the catalogue (lib.need_resources)."""
    return NeedResource(
        label="Voir le catalogue des formations",
        url=reverse("formation:index"),
        text="La CRESS forme les porteurs de projet, salarié·es, bénévoles et dirigeant·es de l'ESS : "
        "consultez les prochaines sessions et inscrivez-vous en ligne.",
    )


def territory_catalogue_link(territory) -> TerritoryLink | None:
    """The catalogue's sessions held in an intercommunality or a commune (lib.territory_links)."""
    if territory.kind not in {TerritoryKind.EPCI, TerritoryKind.COMMUNE}:
        return None
    return TerritoryLink(label="Se former", url=f"{reverse('formation:index')}?territoire={territory.slug}")


# --- Agenda source (lib.agenda) ---------------------------------------------------------


def agenda_items(start: datetime | None, end: datetime | None, territory) -> list[AgendaItem]:
    """The sessions of published trainings that overlap the period, held in the territory:
    one query."""
    sessions = Session.objects.filter(
        status=Session.Status.PLANNED, training__status=Training.Status.PUBLISHED
    ).select_related("training", "commune")
    if start is not None:
        sessions = sessions.filter(ends_at__gt=start)
    if end is not None:
        sessions = sessions.filter(starts_at__lt=end)
    if territory is not None:
        if territory.kind == TerritoryKind.EPCI:
            sessions = sessions.filter(commune__parent=territory)
        elif territory.kind == TerritoryKind.ARRONDISSEMENT:
            sessions = sessions.filter(commune__arrondissement=territory)
        elif territory.kind == TerritoryKind.COMMUNE:
            sessions = sessions.filter(commune=territory)
        else:
            return []
    sessions = sessions.only(
        "starts_at", "ends_at", "training__title", "training__slug", "training__summary", "commune__name"
    )
    return [
        AgendaItem(
            title=session.training.title,
            url=f"{training_url(session.training)}#session-{session.pk}",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            kind=AGENDA_KIND,
            kind_label=AGENDA_KIND_LABEL,
            place=session.commune.name if session.commune_id else "À distance",
            summary=session.training.summary,
            source="formation",
        )
        for session in sessions
    ]


def agenda_next_change() -> datetime | None:
    """The next end of a listed session: it then leaves the agenda's upcoming list."""
    return Session.objects.filter(
        status=Session.Status.PLANNED, training__status=Training.Status.PUBLISHED, ends_at__gt=timezone.now()
    ).aggregate(first=Min("ends_at"))["first"]
