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
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection
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


class SearchFilters(forms.Form):
    """A public search read from the address (`Filters(request.GET)`), always bound: an empty
    address is the search of everything. A value not understood is left out of the search
    and said in French (`error_messages()`), never an error page. Subclasses declare their
    fields, a `q` field for words among them, and `parameters`, in the order of a
    normalised address."""

    parameters: tuple[str, ...] = ()

    def __init__(self, data=None):
        super().__init__(data if data is not None else {})
        self._understood = None

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())

    @property
    def understood(self) -> dict[str, str]:
        """The parameters understood, by name (those with an error are left out)."""
        if self._understood is None:
            self.is_valid()
            self._understood = {
                name: str(value) for name, value in self.cleaned_data.items() if value not in (None, "")
            }
        return self._understood

    def error_messages(self) -> list[str]:
        """What was not understood, in French, for the page to say."""
        self.is_valid()
        return [
            f"{self.fields[name].label} : {message}" for name, messages in self.errors.items() for message in messages
        ]

    def normalised(self) -> dict[str, str]:
        """The parameters understood, in the order of `parameters`."""
        return {name: self.understood[name] for name in self.parameters if name in self.understood}

    def querystring(self) -> str:
        """The normalised query (without « ? »): same search, same text."""
        return urlencode(self.normalised())

    def selection_key(self) -> str:
        """What the match set depends on, normalised."""
        return selection_key(self.normalised())

    def text_query(self) -> SearchQuery | None:
        """The words as a French websearch query on PostgreSQL; None without words or on
        SQLite (where the words are searched as substrings)."""
        text = self.understood.get("q", "")
        if not text or connection.vendor != "postgresql":
            return None
        return SearchQuery(text, search_type="websearch", config="fr")


def active_filters(facets: list[Facet], normalised: dict, url: str) -> list[dict]:
    """The filters in use, each with the list's address without it (the same search, one
    filter less), for the removable buttons above the results."""

    def without(name: str) -> str:
        remaining = urlencode({key: value for key, value in normalised.items() if key != name})
        return url + (f"?{remaining}" if remaining else "")

    return [
        {"label": facet.label, "value": option["label"], "remove": without(facet.param)}
        for facet in facets
        for option in facet.options
        if option["selected"]
    ]


MAX_WORDS_LENGTH = 200


def words_field(label: str) -> forms.CharField:
    """The words of a search (`q`)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_WORDS_LENGTH,
        error_messages={"max_length": "Les mots-clés tiennent en 200 caractères au plus."},
    )


def choice_filter(label: str, *, message: str, blank: str = "", choices=()) -> forms.ChoiceField:
    """A filter among choices: « blank » is the option of no filter, `message` says in
    French what to do with a value not among them."""
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", blank), *choices] if blank else [],
        error_messages={"invalid_choice": message},
    )
