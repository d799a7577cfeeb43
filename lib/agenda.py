"""The agenda's other sources: what other areas hold that belongs in the portal's agenda
(the training sessions of Action 6 beside the events of Action 4).

The agenda (in `communication`) iterates the registry and knows nothing of who filled
it; an app registers its source in its `AppConfig.ready()`:

    agenda.register(AgendaSource(name="formation", kind="formation", kind_label="Formation",
                                 items=..., version=..., next_change=...))

A source has three functions:

- `items(start, end, territory)` returns the `AgendaItem`s that overlap the period
  (`ends_at > start` and `starts_at < end`; None leaves that side open) held in the
  territory (a `referentiels.models.Territory`: an intercommunality, an arrondissement or a
  commune; None for the whole island), in any order. It runs a bounded number of queries whatever the number
  of items (the agenda pins its query count);
- `version()` returns a hashable value that changes whenever `items()` would return
  something else after a write (a cache version bumped on commit): the agenda caches its
  pages under the versions of every source, so a change shows at once;
- `next_change()` returns the next moment `items()` changes with no write (an item ends,
  or starts and leaves the source), or None: a cached page expires then.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AgendaItem:
    title: str
    url: str
    starts_at: datetime
    ends_at: datetime
    kind: str  # the agenda's « type » filter value: « formation »
    kind_label: str  # shown on the item: « Formation »
    place: str  # « Saint-Denis », « À distance »
    summary: str = ""
    source: str = ""

    def get_absolute_url(self) -> str:
        """The agenda's month grid links items and events alike."""
        return self.url


def _no_change() -> datetime | None:
    return None


@dataclass(frozen=True)
class AgendaSource:
    name: str
    kind: str
    kind_label: str
    items: Callable[[datetime | None, datetime | None, object | None], list[AgendaItem]]
    version: Callable[[], Hashable]
    next_change: Callable[[], datetime | None] = field(default=_no_change)


_SOURCES: dict[str, AgendaSource] = {}


def register(source: AgendaSource) -> None:
    """Add (or replace, by name) a source."""
    _SOURCES[source.name] = source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[AgendaSource]:
    return list(_SOURCES.values())


def kinds() -> list[tuple[str, str]]:
    """(kind, label) of every source, once each: the agenda adds them to its type filter."""
    seen: dict[str, str] = {}
    for source in _SOURCES.values():
        seen.setdefault(source.kind, source.kind_label)
    return list(seen.items())


def versions() -> tuple:
    """(name, version) of every source: what a cached agenda page depends on."""
    return tuple((source.name, source.version()) for source in _SOURCES.values())


def next_change() -> datetime | None:
    moments = [moment for source in _SOURCES.values() if (moment := source.next_change()) is not None]
    return min(moments) if moments else None


def items(*, start: datetime | None, end: datetime | None, territory=None, kind: str = "") -> list[AgendaItem]:
    """Every source's items for the period and territory (only the sources of `kind` when
    given), by start time."""
    found = []
    for source in _SOURCES.values():
        if kind and source.kind != kind:
            continue
        found.extend(source.items(start, end, territory))
    return sorted(found, key=lambda item: (item.starts_at, item.title))
