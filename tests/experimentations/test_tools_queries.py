"""The tools' pages do a constant number of queries whatever the number of tools, and none
once cached; a change to a tool shows at once (the version is bumped on commit)."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experimentations.services_tools import move_tool
from tests.experimentations.factories import FinancialToolFactory, epci, region

pytestmark = pytest.mark.django_db

PAGES = {
    "hub": ("/financer-et-acheter/", {}),
    "list": ("/financer-et-acheter/outils/", {}),
    "list-search": (
        "/financer-et-acheter/outils/",
        {"q": "prêt", "commune": "97411", "stage": "creation", "legal_form": "9220", "sector": "Q", "amount": "5000"},
    ),
    "finder": (
        "/financer-et-acheter/trouver/",
        {"commune": "97411", "stage": "creation", "family": "association", "purpose": "emploi", "amount": "5000"},
    ),
    "json": ("/financer-et-acheter/outils/donnees.json", {}),
}


def add_tools(count: int, start: int) -> None:
    for index in range(start, start + count):
        FinancialToolFactory(
            name=f"Prêt solidaire {index}",
            stages=["creation"],
            families=["association"],
            legal_forms=["9220"],
            sectors=["Q"],
            territories=[region(), epci("249740119")],
            is_call=index % 2 == 0,
            closes_at=timezone.now() + timedelta(days=index + 1) if index % 2 == 0 else None,
            amount_min=1000,
            amount_max=50000,
        )


def count_queries(client, url, params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_tools(client, django_assert_num_queries):
    add_tools(2, 0)
    small = {name: count_queries(client, url, params) for name, (url, params) in PAGES.items()}
    add_tools(20, 2)
    large = {name: count_queries(client, url, params) for name, (url, params) in PAGES.items()}
    assert small == large
    assert all(count <= 12 for count in large.values()), large
    for url, params in PAGES.values():
        if not url.endswith(".json"):
            client.get(url, params)
            with django_assert_num_queries(0):  # then from the cache
                assert client.get(url, params).status_code == 200


def test_a_change_shows_at_once(client, django_capture_on_commit_callbacks):
    tool = FinancialToolFactory(name="Garantie solidaire")
    assert "Garantie solidaire" in client.get("/financer-et-acheter/outils/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        move_tool(tool, "archive")
    assert "Garantie solidaire" not in client.get("/financer-et-acheter/outils/").content.decode()


def test_a_call_leaves_the_cached_list_when_it_closes(client, settings):
    from experimentations import cache as tools_cache

    closes = timezone.now() + timedelta(seconds=2)
    FinancialToolFactory(name="Appel express", is_call=True, closes_at=closes)
    assert "Appel express" in client.get("/financer-et-acheter/outils/").content.decode()
    # The cached page's key holds the calls' epoch: past the closing it is another key.
    version = tools_cache.current_version()
    assert tools_cache.epoch(version, closes + timedelta(seconds=1)) > tools_cache.epoch(
        version, closes - timedelta(seconds=1)
    )
    assert tools_cache.next_change(closes - timedelta(days=40)) == tools_cache.next_change(closes - timedelta(days=40))
    assert isinstance(tools_cache.next_change(closes - timedelta(seconds=1)), datetime)
