"""What the public search lists share (job offers, resources): a facet with its counted
options, one page of results shaped like Django's Page for `_pagination.html`, the page
number read from the address, the key of a normalised search, and its counts cached.

The counts of a search (total and facets) cost a grouped query over every match: they are
cached per normalised search under the area's data version, so a repeated search costs
no count at all and a change of data re-keys them without deleting anything.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.http import QueryDict

MAX_PAGE = 10_000


@dataclass
class Facet:
    param: str
    label: str
    options: list[dict] = field(default_factory=list)  # value, label, count, selected


@dataclass
class ResultPage:
    """One page of results, shaped like Django's Page for the shared pagination template."""

    items: list
    number: int
    num_pages: int
    total: int

    @property
    def paginator(self):
        return self

    @property
    def object_list(self):
        return self.items

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.num_pages

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1


def page_number(value) -> int:
    """The page asked for in the address: 1 for anything that is not a number, bounded."""
    try:
        number = int(str(value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def selection_key(normalised: dict) -> str:
    """A short key for a normalised search (its parameters, whatever their order)."""
    raw = repr(sorted(normalised.items()))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def cached_counts(key: str, compute: Callable[[], dict], timeout: int) -> dict:
    """The counts under `key` (which holds the data's version), or `compute()`'s, kept."""
    counts = cache.get(key)
    if counts is None:
        counts = compute()
        cache.set(key, counts, timeout)
    return counts


MAX_VALUE_LENGTH = 300


def requested(get, parameters) -> QueryDict:
    """The search's own parameters from the address (the last value of each, cut to a
    reasonable length); others are not read."""
    query = QueryDict(mutable=True)
    for name in parameters:
        value = get.get(name, "")
        if value:
            query[name] = value[:MAX_VALUE_LENGTH]
    return query
