"""Version numbers in the cache: part of every cache key of an area, bumped when its data
changes, so that nothing stale is served and nothing has to be deleted key by key."""

from django.core.cache import cache


def current(key: str) -> int:
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)
