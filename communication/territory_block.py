"""The agenda's block on the territory pages (lib.territory_blocks): the next events held in
the territory and the next items of the agenda's other sources there (training sessions…,
through lib.agenda: this app knows nothing of who fills it). Online events show on the
région's page only, since they are held nowhere in particular."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from communication import cache
from communication.models import Event, Publication
from lib import agenda
from lib.territory_blocks import EXPIRES_AT, TerritoryBlock
from referentiels.models import TerritoryKind

SHOWN = 5


@dataclass(frozen=True)
class UpcomingItem:
    title: str
    url: str
    starts_at: datetime
    ends_at: datetime
    kind_label: str
    place: str


def _held_in(events, territory):
    if territory.kind == TerritoryKind.REGION:
        return events
    if territory.kind == TerritoryKind.EPCI:
        return events.filter(commune__parent=territory)
    if territory.kind == TerritoryKind.ARRONDISSEMENT:
        return events.filter(commune__arrondissement=territory)
    return events.filter(commune=territory)


def _agenda_link(territory) -> str:
    if territory.kind in (TerritoryKind.EPCI, TerritoryKind.COMMUNE):
        return f"{reverse('agenda:index')}?{urlencode({'territoire': territory.slug})}"
    return reverse("agenda:index")


def territory_agenda(territory) -> dict:
    now = timezone.now()
    events = _held_in(Event.objects.all(), territory)
    upcoming = list(
        events.visible()
        .filter(ends_at__gt=now)
        .select_related("commune")
        .only("title", "slug", "kind", "starts_at", "ends_at", "commune__name", "online_url")
        .order_by("starts_at", "pk")[:SHOWN]
    )
    items = [
        UpcomingItem(
            title=event.title,
            url=event.get_absolute_url(),
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            kind_label=event.get_kind_display(),
            place=event.commune.name if event.commune_id else "En ligne",
        )
        for event in upcoming
    ]
    # The other sources: the région is « the whole island » for them (territory None).
    whole_island = territory.kind == TerritoryKind.REGION
    items += [
        UpcomingItem(item.title, item.url, item.starts_at, item.ends_at, item.kind_label, item.place)
        for item in agenda.items(start=now, end=None, territory=None if whole_island else territory)
    ]
    items = sorted(items, key=lambda item: (item.starts_at, item.title))[:SHOWN]
    # A scheduled event of the territory going live changes the list with no write.
    scheduled = events.filter(status=Publication.PUBLISHED, publish_at__gt=now).aggregate(first=Min("publish_at"))
    moments = [item.ends_at for item in items] + ([scheduled["first"]] if scheduled["first"] else [])
    context = {"items": items, "agenda_url": _agenda_link(territory), EXPIRES_AT: min(moments) if moments else None}
    if not items:
        context["empty"] = (
            "Aucun événement ni aucune session de formation n'est annoncé sur ce territoire pour le moment."
        )
    return context


def version() -> tuple:
    return (cache.current_version(), agenda.versions())


BLOCK = TerritoryBlock(
    name="agenda",
    title="Les prochains rendez-vous",
    order=40,
    template="communication/_bloc_territoire.html",
    context=territory_agenda,
    version=version,
)
