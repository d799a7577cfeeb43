"""Reference sources: records of one action that another action points to by a generic
reference (DESIGN.md, « Where two actions meet »), e.g. the financial tools suggested on an
intake request.

The app that holds the records registers a source in its `AppConfig.ready()`:

    register_reference_source(ReferenceSource(
        name="experimentations.outil", label="Outils financiers", need="financement",
        search=search_tools, resolve=resolve_tools,
    ))

The app that points to them (the intake) stores the source's `name`, the record's `key` and
a title copied at link time, and resolves its references through `resolve_references()`,
knowing nothing of who registered the source. A source's functions:
- `search(text) -> list[Reference]`: what staff may attach (a few, best first);
- `resolve(keys) -> dict[key, Reference]`: the records still offered, in one query; a key
  missing from the answer is a record gone or no longer public (the copied title stays).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Reference:
    source: str  # the source's name
    key: str
    title: str
    url: str  # where the person reads it (a public page)
    detail: str = ""  # one line: who offers it, the amount…


@dataclass(frozen=True)
class ReferenceSource:
    name: str  # « app.kind », stored by whoever points to its records
    label: str  # French, for staff: « Outils financiers »
    need: str  # the intake need it serves (a value of accueil.models.Need)
    search: Callable[[str], list[Reference]]
    resolve: Callable[[Iterable[str]], dict[str, Reference]]


_SOURCES: dict[str, ReferenceSource] = {}


def register_reference_source(source: ReferenceSource) -> None:
    """Register (or replace) a source under its name."""
    _SOURCES[source.name] = source


def unregister_reference_source(name: str) -> None:
    _SOURCES.pop(name, None)


def get_source(name: str) -> ReferenceSource | None:
    return _SOURCES.get(name)


def sources() -> list[ReferenceSource]:
    return list(_SOURCES.values())


def sources_for(needs: Iterable[str]) -> list[ReferenceSource]:
    """The sources serving one of these needs, in registration order."""
    wanted = set(needs)
    return [source for source in _SOURCES.values() if source.need in wanted]


def search_references(name: str, text: str) -> list[Reference]:
    """What the source `name` offers for `text` (at most SEARCH_LIMIT); nothing for an unknown source."""
    source = _SOURCES.get(name)
    # What a person typed: no control characters (PostgreSQL refuses NUL), a bounded length.
    text = "".join(character for character in text if character.isprintable())[:200].strip()
    if source is None or not text:
        return []
    return source.search(text)[:SEARCH_LIMIT]


def resolve_references(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Reference]:
    """(source name, key) -> Reference for the pairs still offered: one call (one query) per
    source named, whatever the number of keys."""
    by_source: dict[str, set[str]] = {}
    for name, key in pairs:
        by_source.setdefault(name, set()).add(str(key))
    resolved = {}
    for name, keys in by_source.items():
        source = _SOURCES.get(name)
        if source is None:
            continue
        for key, reference in source.resolve(sorted(keys)).items():
            resolved[(name, str(key))] = reference
    return resolved
