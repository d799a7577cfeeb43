"""Version numbers in the cache: part of every cache key of an area, bumped when its data
changes, so that nothing stale is served and nothing has to be deleted key by key."""

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.core.cache import cache

# Every version key in use in this process: after a cache outage they are all bumped, since
# the writes made during it could not bump them (lib.cache.ResilientRedisCache).
KEYS: set[str] = set()
# The versions read ahead by `prefetched()`, while it lasts.
_PREFETCHED: ContextVar[dict | None] = ContextVar("cacheversion_prefetched", default=None)


def current(key: str) -> int:
    KEYS.add(key)
    ahead = _PREFETCHED.get()
    if ahead is not None and key in ahead:
        return ahead[key]
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def current_with(key: str, others: list[str]) -> tuple[int, dict]:
    """The version under `key` and the cache values of `others`, read in one round trip
    (a page that keeps its own entries unversioned, with the version inside, needs no
    second one)."""
    KEYS.add(key)
    found = cache.get_many([key, *others])
    version = found.pop(key, None)
    if version is None:
        version = current(key)
    return version, found


@contextlib.contextmanager
def prefetched(others: Iterable[str] = ()) -> Iterator[dict]:
    """Read every version key this process has used, and the cache values of `others`, in
    one round trip; inside the block, `current()` answers from what was read. A page that
    depends on many versions (the territory pages: one per block) pays one round trip
    instead of one per version. Yields the values found (versions and `others`)."""
    others = list(others)
    found = cache.get_many(sorted(KEYS) + others)
    token = _PREFETCHED.set(found)
    try:
        yield found
    finally:
        _PREFETCHED.reset(token)


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def bump_all() -> None:
    for key in list(KEYS):
        bump(key)
