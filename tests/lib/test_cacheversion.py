"""lib.cacheversion: versions bumped on change, and read ahead in one round trip."""

import pytest
from django.core.cache import cache

from lib import cacheversion


@pytest.fixture
def spied(monkeypatch):
    calls = []
    for name in ("get", "get_many"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache,
            name,
            lambda *args, _real=real, _name=name, **kwargs: (calls.append(_name), _real(*args, **kwargs))[1],
        )
    return calls


def test_a_version_starts_at_one_and_moves_on_bump():
    assert cacheversion.current("essai:version") == 1
    cacheversion.bump("essai:version")
    assert cacheversion.current("essai:version") == 2


def test_prefetched_reads_every_known_version_and_the_others_at_once(spied):
    cacheversion.current("essai:a")
    cacheversion.bump("essai:b")
    cacheversion.current("essai:b")
    cache.set("essai:entree", "contenu")
    spied.clear()
    with cacheversion.prefetched(["essai:entree", "essai:absente"]) as found:
        assert cacheversion.current("essai:a") == 1 and cacheversion.current("essai:b") == 2
        assert found["essai:entree"] == "contenu" and "essai:absente" not in found
    assert spied == ["get_many"]
    # Outside the block, versions are read from the cache again: a bump shows.
    cacheversion.bump("essai:a")
    assert cacheversion.current("essai:a") == 2


def test_a_version_missing_from_what_was_read_ahead_is_read_and_created():
    with cacheversion.prefetched():
        assert cacheversion.current("essai:nouvelle") == 1
    assert "essai:nouvelle" in cacheversion.KEYS
