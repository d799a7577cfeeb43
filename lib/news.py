"""Where news written by other areas is published: an app that has something to announce
(the laureates of the Prix de l'ESS…) hands a `NewsItem` to `publish()`; the news section
(in `communication`) registers its publisher in its `AppConfig.ready()` and turns the item
into one of its articles. The announcing app knows nothing of who publishes.

A publisher is a function `publish(item) -> str` returning the address of what it
published. It is idempotent by `item.key`: publishing the same key again updates the same
article rather than writing a second one.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NewsItem:
    key: str  # stable and unique across the portal: « appartenance-prix-2026-laureats »
    title: str
    summary: str  # two or three sentences, plain text
    body: str  # HTML; the publisher makes it safe
    url: str  # the page the news is about (an absolute path)


NewsPublisher = Callable[[NewsItem], str]
_PUBLISHERS: dict[str, NewsPublisher] = {}


def register_publisher(name: str, publisher: NewsPublisher) -> None:
    """Add (or replace, by name) a publisher."""
    _PUBLISHERS[name] = publisher


def unregister_publisher(name: str) -> None:
    _PUBLISHERS.pop(name, None)


def publishers() -> dict[str, NewsPublisher]:
    return dict(_PUBLISHERS)


def publish(item: NewsItem) -> list[str]:
    """Hand the item to every publisher; the addresses of what they published."""
    return [publisher(item) for publisher in _PUBLISHERS.values()]
