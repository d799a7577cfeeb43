"""Version numbers in the cache: part of every cache key of an area, bumped when its data
changes, so that nothing stale is served and nothing has to be deleted key by key."""

from django.core.cache import cache

# Every version key in use in this process: after a cache outage they are all bumped, since
# the writes made during it could not bump them (lib.cache.ResilientRedisCache).
KEYS: set[str] = set()


def current(key: str) -> int:
    KEYS.add(key)
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


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def bump_all() -> None:
    for key in list(KEYS):
        bump(key)
