"""The resources that matter to a page of another area: guides, studies, statute models
that the resource centre (in `appartenance`) holds, shown as « Ressources utiles » on the
status guide's result, a métier family, a training, a financial tool…

Two kinds of entries, both filled from the apps' `AppConfig.ready()`:

- **topic kinds**, registered by the areas that show resources: what a resource may be
  about, as `(kind, value)` pairs (the status guide's legal forms, the intake's needs, the
  métier families, the training themes, the financial tools' instruments). A topic is the
  string « kind/value » (`topic("statut", "scop")` is « statut/scop »); the resource centre offers staff the
  known topics as choices, and refuses any other;

      register_topic_kind(TopicKind("formation", "Thème de formation", lambda: Theme.choices))

- **sources**, registered by the area that holds resources: `resources(topics, limit)`
  returns at most `limit` `ResourceItem`s about one of the topics, the newest first, in one
  query whatever the number of topics or resources; `version()` returns a value that changes
  whenever `resources()` would return something else after a write (a cache version).

The pages call `resources_for(topic_or_topics, limit)`: cached under the sources' versions,
it costs no query when warm and one per source when cold, and an empty list when no source
is registered (the area is not built yet) or nothing is about the topic.
"""

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.core.cache import cache

CACHE_SECONDS = 3600


@dataclass(frozen=True)
class ResourceItem:
    title: str
    url: str  # the resource's public page
    summary: str = ""
    format_label: str = ""  # « Guide », « Modèle de statuts »…
    year: int | None = None


@dataclass(frozen=True)
class TopicKind:
    kind: str  # « statut »: the part of a topic before the slash
    label: str  # « Statut juridique (guide des statuts) »
    choices: Callable[[], Iterable[tuple[str, str]]]  # (value, label) pairs


@dataclass(frozen=True)
class ResourceSource:
    name: str
    resources: Callable[[tuple[str, ...], int], list[ResourceItem]]
    version: Callable[[], Hashable]


_KINDS: dict[str, TopicKind] = {}
_SOURCES: dict[str, ResourceSource] = {}


def topic(kind: str, value: str) -> str:
    return f"{kind}/{value}"


def register_topic_kind(kind: TopicKind) -> None:
    if "/" in kind.kind:
        raise ValueError("A topic kind has no slash.")
    _KINDS[kind.kind] = kind


def unregister_topic_kind(kind: str) -> None:
    _KINDS.pop(kind, None)


def register_source(source: ResourceSource) -> None:
    _SOURCES[source.name] = source


def unregister_source(name: str) -> None:
    _SOURCES.pop(name, None)


def topic_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every known topic, grouped by kind as Django's grouped choices (the kinds' choices
    may read the database: for staff forms, not for public pages)."""
    groups = []
    for kind in sorted(_KINDS.values(), key=lambda kind: kind.label):
        options = [(topic(kind.kind, str(value)), str(label)) for value, label in kind.choices()]
        if options:
            groups.append((kind.label, options))
    return groups


def known_topics() -> set[str]:
    return {value for _label, options in topic_choices() for value, _option in options}


def resources_for(topics: str | Iterable[str], limit: int = 4) -> list[ResourceItem]:
    """At most `limit` resources about one of `topics`, newest first; cached."""
    wanted = (topics,) if isinstance(topics, str) else tuple(sorted(set(topics)))
    if not wanted or not _SOURCES or limit <= 0:
        return []
    versions = tuple((name, source.version()) for name, source in sorted(_SOURCES.items()))
    digest = hashlib.sha256(repr((wanted, limit, versions)).encode()).hexdigest()[:32]
    key = f"lib:resources:{digest}"
    found = cache.get(key)
    if found is None:
        found = []
        for _name, source in sorted(_SOURCES.items()):
            found.extend(source.resources(wanted, limit))
        found = found[:limit]
        cache.set(key, found, CACHE_SECONDS)
    return found
