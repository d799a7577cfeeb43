"""Anonymised counts of good practices by theme × ESS family × territory (EPCI): a registry
through which the app that holds self-assessments offers them to the observatory (issue 20,
point 4).

The observatory's page iterates the registry and knows nothing of who filled it; it applies
its own statistical secrecy to what it shows. An app registers its source in its
`AppConfig.ready()`:

    practice_aggregates.register(PracticeSource(name="appartenance", title=..., themes=...,
                                                years=..., counts=..., version=...))

A source has four functions:

- `themes()` returns the themes as (id, title) pairs, in the order to show them;
- `years()` returns the years it has counts for, latest first;
- `counts(year)` returns the `PracticeCount`s of that year: one per theme, ESS family and
  EPCI where at least one organisation answered. Counts only: no organisation's name, key
  or answer ever leaves the source. A bounded number of queries, whatever the rows;
- `version()` returns a hashable value that changes whenever `counts()` would return
  something else.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class PracticeCount:
    theme: str  # the theme's id, one of `themes()`
    family: str  # an ESS family code (referentiels.EssFamily)
    territory: str  # an EPCI's official code
    organisations: int  # organisations that answered the theme's questions (on a scale)
    practising: int  # of them, those that answer « oui » to at least half of what they answered


@dataclass(frozen=True)
class PracticeSource:
    name: str
    title: str  # what the counts come from: « Auto-évaluations du guide des bonnes pratiques »
    themes: Callable[[], list[tuple[str, str]]]
    years: Callable[[], list[int]]
    counts: Callable[[int], list[PracticeCount]]
    version: Callable[[], Hashable]


_SOURCES: dict[str, PracticeSource] = {}


def register(source: PracticeSource) -> None:
    """Add (or replace, by name) a source; the page keeps the order of registration."""
    _SOURCES[source.name] = source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[PracticeSource]:
    return list(_SOURCES.values())


def versions() -> tuple:
    """(name, version) of every source: what a cached rendering of the counts depends on."""
    return tuple((source.name, source.version()) for source in _SOURCES.values())
