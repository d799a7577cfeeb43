"""What the public search lists share (job offers, resources): a facet with its counted
options, one page of results shaped like Django's Page for `_pagination.html`, the page
number read from the address, the key of a normalised search, and its counts cached.

The counts of a search (total and facets) cost a grouped query over every match: they are
cached per normalised search under the area's data version, so a repeated search costs
no count at all and a change of data re-keys them without deleting anything. A list with
many facets counts them in one statement (`grouped_counts`: GROUPING SETS, with « since »
buckets of a date and, if asked, the ids of one page of results from the same matches).
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
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

    def with_words(self, found: QuerySet, fields: Iterable[str]) -> QuerySet:
        """`found` narrowed to the words (`q`): in the stored `search_vector` on PostgreSQL,
        else each word in one of `fields` (as a substring)."""
        text = self.understood.get("q", "")
        if not text:
            return found
        query = self.text_query()
        if query is not None:
            return found.filter(search_vector=query)
        for word in text.split():
            found = found.filter(reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)))
        return found


def counted_facets(facets: Iterable[tuple[str, str]], choices: dict, counts: dict, given: dict) -> list[Facet]:
    """Each facet (parameter, label) with its options that match something or are selected.
    `choices[parameter]`: the options as (value, label, key), `key` being what the counts
    are keyed by (a primary key where the address names a slug or a code)."""
    built = []
    for name, label in facets:
        facet = Facet(param=name, label=label)
        for value, option_label, key in choices[name]:
            count = counts[name].get(key, 0)
            selected = given.get(name) == value
            if count or selected:
                facet.options.append({"value": value, "label": option_label, "count": count, "selected": selected})
        built.append(facet)
    return built


def keyed(choices) -> list[tuple]:
    """(value, label) choices as the (value, label, key) options of `counted_facets`."""
    return [(value, label, value) for value, label in choices]


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


# --- Many facets counted in one statement ----------------------------------------------------------


@dataclass(frozen=True)
class SinceBuckets:
    """A facet of the matches whose date `column` is at or after each bound: « published in
    the last 24 hours, 7 days… » (options overlap, so they are not a GROUP BY)."""

    param: str
    column: str
    bounds: dict[str, datetime]  # option value -> the earliest date it counts


def grouped_counts(
    matches: QuerySet,
    grouped: dict[str, str],
    *,
    buckets: SinceBuckets | None = None,
    page: Callable[[QuerySet], tuple[str, str, list]] | None = None,
) -> dict:
    """The total and, for each name of `grouped`, the matches counted by the value of its
    column (a lookup path), plus the `buckets` counts: ONE query on PostgreSQL (GROUPING SETS,
    one set per facet, so one row per value of a facet, never one per combination of values).

    `page` (PostgreSQL only): given the matches, what selects the ids of one page of results
    from the relation `matches` (its columns: `id`, the buckets' column), as (the id's column,
    the SQL after FROM, its parameters); it runs in the same statement (under "page" in the
    result), so that the matches are found once for the counts and the page.

    On SQLite (no GROUPING SETS) the matches are grouped by every column at once and each
    facet is summed over these groups."""
    bounds = buckets.bounds if buckets else {}
    if connection.vendor != "postgresql":
        return _summed_counts(matches, grouped, buckets)
    named = {f"facet_{name}": F(column) for name, column in grouped.items()}
    columns = list(named)
    kept = [buckets.column] if buckets else []
    inner = matches.order_by().annotate(**named).values(*columns, *kept, "id")
    inner_sql, inner_params = inner.query.sql_with_params()
    since = "".join(f", count(*) FILTER (WHERE {buckets.column} >= %s)" for _value in bounds)
    sets = ", ".join(f"({column})" for column in columns)
    params = list(bounds.values())
    # `inner_sql` is Django's own compiled query, its parameters apart; the names are ours.
    counts_sql = (
        f"SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}, count(*){since}"  # noqa: S608
        f"{', NULL' if page is not None else ''} FROM {{matches}} GROUP BY GROUPING SETS ((), {sets})"
    )
    if page is None:
        sql = counts_sql.format(matches=f"({inner_sql}) matches")
        params += list(inner_params)
    else:
        page_id, page_from, page_params = page(matches)
        blanks = ", ".join(["NULL"] * (len(columns) + 2 + len(bounds)))
        sql = (
            f"WITH matches AS MATERIALIZED ({inner_sql}) "  # noqa: S608 (as counts_sql)
            f"({counts_sql.format(matches='matches')}) UNION ALL (SELECT {blanks}, {page_id} FROM {page_from})"
        )
        params = list(inner_params) + params + list(page_params)
    counts = {name: {} for name in grouped} | ({buckets.param: {}} if buckets else {})
    total = 0
    page_ids = []
    everything = (1 << len(columns)) - 1  # GROUPING(...) of the empty set: every column left out
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            grouping, values = row[0], row[1 : len(columns) + 1]
            if grouping is None:  # a row of the page
                page_ids.append(row[-1])
                continue
            count, since_counts = row[len(columns) + 1], row[len(columns) + 2 : len(columns) + 2 + len(bounds)]
            if grouping == everything:
                total = count
                if buckets:
                    counts[buckets.param] = {value: n for value, n in zip(bounds, since_counts, strict=True) if n}
                continue
            for index, name in enumerate(grouped):
                if grouping == everything - (1 << (len(columns) - 1 - index)):
                    if values[index] not in (None, ""):
                        counts[name][values[index]] = count
                    break
    result = {"total": total, **counts}
    if page is not None:
        result["page"] = page_ids
    return result


def _summed_counts(matches: QuerySet, grouped: dict[str, str], buckets: SinceBuckets | None) -> dict:
    bounds = buckets.bounds if buckets else {}
    since = {
        f"since_{value}": Count("pk", filter=Q(**{f"{buckets.column}__gte": bound})) for value, bound in bounds.items()
    }
    counts = {name: {} for name in grouped} | ({buckets.param: {}} if buckets else {})
    total = 0
    for row in matches.order_by().values(*grouped.values()).annotate(n=Count("pk"), **since):
        total += row["n"]
        for name, column in grouped.items():
            if row[column] not in (None, ""):
                counts[name][row[column]] = counts[name].get(row[column], 0) + row["n"]
        for value in bounds:
            if row[f"since_{value}"]:
                counts[buckets.param][value] = counts[buckets.param].get(value, 0) + row[f"since_{value}"]
    return {"total": total, **counts}


def summed_by_group(counts: dict, groups: dict[str, Iterable]) -> dict:
    """The counts of groups of keys (a group's count, the sum of its keys'): a facet whose
    options are sets of a finer value, e.g. the métiers de l'ESS, each a set of ROME fiches
    (a key may be in several groups)."""
    return {group: sum(counts.get(key, 0) for key in keys) for group, keys in groups.items()}
