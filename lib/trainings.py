"""The trainings that lead to métiers: what the training catalogue offers for a set of
France Travail ROME codes (the ESS métiers pages show them beside each family of métiers).

The page that shows them (in `emplois`) iterates the registry and knows nothing of who
filled it; an app registers its source in its `AppConfig.ready()`:

    trainings.register(TrainingSource(name="formation", trainings=..., version=...))

A source has two functions:

- `trainings(rome_codes, limit)` returns at most `limit` `TrainingItem`s leading to one of
  these ROME codes that have a session to come, the soonest first, in a bounded number of
  queries (one is the rule) whatever the number of codes or trainings;
- `version()` returns a hashable value that changes whenever `trainings()` would return
  something else after a write (a cache version bumped on commit).
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TrainingItem:
    title: str
    url: str  # the training's public page
    next_session: datetime | None  # the start of its next session
    place: str = ""  # « Saint-Denis », « À distance »
    summary: str = ""
    source: str = ""


@dataclass(frozen=True)
class TrainingSource:
    name: str
    trainings: Callable[[list[str], int], list[TrainingItem]]
    version: Callable[[], Hashable]


_SOURCES: dict[str, TrainingSource] = {}


def register(source: TrainingSource) -> None:
    """Add (or replace, by name) a source."""
    _SOURCES[source.name] = source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[TrainingSource]:
    return list(_SOURCES.values())


def versions() -> tuple:
    """(name, version) of every source: what a cached rendering of the trainings depends on."""
    return tuple((source.name, source.version()) for source in _SOURCES.values())


def trainings_for(rome_codes: Iterable[str], *, limit: int = 6) -> list[TrainingItem]:
    """Every source's trainings for these ROME codes, the soonest session first, at most
    `limit`; none without a code."""
    codes = sorted(set(rome_codes))
    if not codes:
        return []
    found = []
    for source in _SOURCES.values():
        found.extend(source.trainings(codes, limit))
    found.sort(
        key=lambda item: (item.next_session is None, item.next_session and item.next_session.timestamp(), item.title)
    )
    return found[:limit]
