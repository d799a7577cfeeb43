"""What an alert's saved search means: the one seam between the alerts and the tools' search
(`experimentations.search.ToolFilters`, the only place that turns parameters into tools).

Imported lazily so that the alerts' services load whatever the order of the app's modules.
"""

from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class SavedSearch:
    querystring: str  # normalised: the same search is written the same way
    label: str  # the search in French words
    errors: tuple[str, ...]  # what was not understood, in French


def _filters(querystring: str, *, now=None):
    from experimentations.search import ToolFilters

    return ToolFilters(QueryDict(querystring), now=now)


def read_search(querystring: str) -> SavedSearch:
    """The search a querystring asks for, in words, with its errors."""
    filters = _filters(querystring)
    return SavedSearch(
        querystring=filters.querystring(), label=filters.describe(), errors=tuple(filters.error_messages())
    )


def matching_tools(querystring: str, *, now=None):
    """The published tools the saved search shows now (closed calls and exhausted budgets
    hidden unless the search asked for them)."""
    return _filters(querystring, now=now).tools()
