"""Links from a territory to what other areas show about it (the directory's actors there,
the agenda's events there).

The territories page lists each intercommunality and commune and, for each, a link into
every area that can filter by it. Those areas belong to other apps: each registers a
provider in its `AppConfig.ready()`, and the page iterates them, knowing nothing of who
filled the list (DESIGN.md, « Where two actions meet: registries »).

A provider is called with a territory (a `referentiels.models.Territory`, EPCI or commune)
and returns a `TerritoryLink`, or None when it cannot filter by that kind of territory.
It must not query the database: it is called once per territory of a page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch


@dataclass(frozen=True)
class TerritoryLink:
    label: str  # what the link opens, without the territory's name: « Acteurs de l'ESS »
    url: str


TerritoryLinkProvider = Callable[[object], TerritoryLink | None]
_PROVIDERS: dict[str, TerritoryLinkProvider] = {}


def register_territory_link(name: str, provider: TerritoryLinkProvider) -> None:
    """Register (or replace) the provider called `name`; the page shows them in this order."""
    _PROVIDERS[name] = provider


def territory_links(territory) -> list[TerritoryLink]:
    """Every registered link for this territory. An area not routed (still to come) gives none."""
    links = []
    for provider in _PROVIDERS.values():
        try:
            link = provider(territory)
        except NoReverseMatch:
            continue
        if link is not None:
            links.append(link)
    return links
