"""The registry of reference sources (lib.references): its contract, with a fake source."""

import pytest

from lib import references
from lib.references import Reference, ReferenceSource

CALLS = []


def _search(text):
    return [Reference("test.fake", str(n), f"{text} {n}", f"/faux/{n}/") for n in range(30)]


def _resolve(keys):
    CALLS.append(list(keys))
    return {key: Reference("test.fake", key, f"Élément {key}", f"/faux/{key}/") for key in keys if key != "404"}


@pytest.fixture
def fake_source():
    source = ReferenceSource(name="test.fake", label="Faux", need="formation", search=_search, resolve=_resolve)
    references.register_reference_source(source)
    CALLS.clear()
    yield source
    references.unregister_reference_source("test.fake")


def test_a_registered_source_is_found_by_name_and_by_need(fake_source):
    assert references.get_source("test.fake") is fake_source
    assert fake_source in references.sources_for(["information", "formation"])
    assert fake_source not in references.sources_for(["emploi"])


def test_search_is_capped_and_empty_text_or_unknown_source_finds_nothing(fake_source):
    found = references.search_references("test.fake", "  coopérative ")
    assert len(found) == references.SEARCH_LIMIT
    assert found[0].title == "coopérative 0"
    assert references.search_references("test.fake", "   ") == []
    assert references.search_references("inconnue.source", "x") == []


def test_resolve_calls_each_source_once_and_leaves_out_what_is_gone(fake_source):
    resolved = references.resolve_references(
        [("test.fake", "1"), ("test.fake", "2"), ("test.fake", "1"), ("test.fake", "404"), ("inconnue", "3")]
    )
    assert CALLS == [["1", "2", "404"]]  # one call, keys deduplicated
    assert set(resolved) == {("test.fake", "1"), ("test.fake", "2")}
    assert resolved[("test.fake", "2")].title == "Élément 2"


def test_experimentations_registers_its_financial_tools():
    source = references.get_source("experimentations.outil")
    assert source is not None
    assert source.need == "financement"
