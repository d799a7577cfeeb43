"""The reads of news and events that pages, feeds, the sitemap and the home page share.

Every public read starts from `visible()`: a draft or an item scheduled for later is
never listed, fed or mapped.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from communication.models import Event, NewsArticle, NewsCategory, Tag
from lib.territory_links import TerritoryLink
from referentiels.models import Territory, TerritoryKind


def news_list():
    return (
        NewsArticle.objects.visible()
        .select_related("category")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name", "slug")))
        .defer("body")
        .order_by("-publish_at", "-pk")
    )


def news_detail(slug: str) -> NewsArticle | None:
    return (
        NewsArticle.objects.visible()
        .select_related("category")
        .prefetch_related("tags", "territories", "organisations")
        .filter(slug=slug)
        .first()
    )


def home_news(limit: int = 3) -> list[NewsArticle]:
    """Featured items first, then the latest."""
    return list(news_list().order_by("-featured", "-publish_at", "-pk")[:limit])


def events_base():
    return Event.objects.visible().select_related("commune", "organiser").defer("body")


def upcoming_events():
    return events_base().filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")


def past_events():
    return events_base().filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")


def event_detail(slug: str) -> Event | None:
    return Event.objects.visible().select_related("commune", "organiser").filter(slug=slug).first()


def territories_for_filters() -> list[Territory]:
    return list(
        Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.COMMUNE])
        .only("kind", "name", "short_name", "slug", "parent_id")
        .order_by("-kind", "name")
    )


def filter_by_territory(queryset, territory: Territory | None, *, kind: str):
    """News: linked to the territory or to one of its communes. Events: held there."""
    if territory is None:
        return queryset
    if kind == "news":
        ids = [territory.pk, *territory.children.values_list("pk", flat=True)]
        if territory.parent_id:
            ids.append(territory.parent_id)  # a commune also sees the news of its EPCI
        return queryset.filter(territories__in=ids).distinct()
    if territory.kind == TerritoryKind.EPCI:
        return queryset.filter(epci=territory)
    return queryset.filter(commune=territory)


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[list[tuple[date, list[Event]]]] = field(default_factory=list)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def has_events(self) -> bool:
        return any(events for week in self.weeks for day, events in week if day.month == self.month)

    @property
    def previous(self) -> date:
        return (self.first_day - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first_day + timedelta(days=32)).replace(day=1)


def upcoming_page(events, items: list, *, number, size: int) -> Page:
    """One page of the upcoming events and the other sources' items (lib.agenda) by start
    time: the events' keys are read in one query, the page's events in a second one,
    whatever the number of events. The page holds (« event », Event) and (« item »,
    AgendaItem) pairs."""
    keys = [(starts_at, 0, pk) for pk, starts_at in events.values_list("pk", "starts_at")]
    keys += [(item.starts_at, 1, index) for index, item in enumerate(items)]
    page = Paginator(sorted(keys), size).get_page(number)
    shown = events.in_bulk([key for _s, source, key in page.object_list if source == 0])
    page.object_list = [
        ("event", shown[key]) if source == 0 else ("item", items[key]) for _s, source, key in page.object_list
    ]
    return page


def month_grid(year: int, month: int, queryset, other_items=None) -> MonthGrid:
    """The weeks of the month (Monday first), each day with the events held that day in
    Reunion time (an event over several days appears on each of its days). `other_items`,
    called with the grid's first and last moments, gives the other sources' items
    (lib.agenda), placed like events."""
    tz = timezone.get_current_timezone()
    days = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = datetime.combine(days[0][0], time.min, tzinfo=tz)
    end = datetime.combine(days[-1][-1] + timedelta(days=1), time.min, tzinfo=tz)
    events = list(queryset.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at", "pk"))
    if other_items is not None:
        events = sorted([*events, *other_items(start, end)], key=lambda entry: entry.starts_at)
    by_day: dict[date, list[Event]] = {}
    for event in events:
        first = timezone.localtime(event.starts_at, tz).date()
        # An event ending at midnight sharp does not spill onto the next day.
        ending = event.ends_at - timedelta(microseconds=1) if event.ends_at > event.starts_at else event.ends_at
        last = timezone.localtime(ending, tz).date()
        day = max(first, days[0][0])
        while day <= min(last, days[-1][-1]):
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    weeks = [[(day, by_day.get(day, [])) for day in week] for week in days]
    return MonthGrid(year=year, month=month, weeks=weeks)


def categories() -> list[NewsCategory]:
    return list(NewsCategory.objects.order_by("name"))


def tag_by_slug(slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def category_by_slug(slug: str) -> NewsCategory | None:
    return NewsCategory.objects.filter(slug=slug).first()


def territory_by_slug(slug: str, territories: list[Territory]) -> Territory | None:
    return next((t for t in territories if t.slug == slug), None)


def territory_agenda_link(territory):
    """The agenda filtered by an intercommunality or a commune (lib.territory_links)."""
    if territory.kind not in {TerritoryKind.EPCI, TerritoryKind.COMMUNE}:
        return None
    return TerritoryLink(label="Agenda", url=f"{reverse('agenda:index')}?{urlencode({'territoire': territory.slug})}")
