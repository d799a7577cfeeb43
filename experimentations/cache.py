"""The version of the financial tools' public data (hub, list, finder, tool pages, open data,
agenda): every committed change to a tool, its lists or a provider bumps it (signals in
apps.py).

A call's state also changes with no write (it closes, or enters its last 30 days): the
moments when that happens are part of the key (`epoch()`), so a cached page never outlives
them.
"""

import bisect
import hashlib
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from lib import cacheversion

VERSION_KEY = "experimentations:outils:version"
FRAGMENT_SECONDS = 24 * 3600


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)


MOMENTS_KEY = "experimentations:outils:moments"


def _store_moments(version: int) -> list[datetime]:
    from experimentations.selectors_tools import state_changes

    moments = state_changes()
    cache.set(MOMENTS_KEY, (version, moments), timeout=FRAGMENT_SECONDS)
    return moments


def _moments(version: int, found: tuple | None = None) -> list[datetime]:
    """The moments when a published call changes state (closing soon, closed), sorted; read
    once per version. They are kept under one key with the version they were read under
    (`found`: that entry, when the caller has read it already)."""
    if found is None:
        found = cache.get(MOMENTS_KEY)
    if found is not None and found[0] == version:
        return found[1]
    return _store_moments(version)


def epoch(version: int, now: datetime | None = None, *, moments: list[datetime] | None = None) -> int:
    """How many state changes have passed: changes when a call closes or enters its last days."""
    if moments is None:
        moments = _moments(version)
    return bisect.bisect_right(moments, now or timezone.now())


def next_change(now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    moments = _moments(current_version())
    index = bisect.bisect_right(moments, now)
    return moments[index] if index < len(moments) else None


def fragment(name: str, parts: tuple, render):
    """The cached value for (name, parts) under the current version, the calls' epoch and the
    local day, or `render()`'s. `render` returns (value, keep): the value is stored only when
    keep is true, so that addresses no one shares cannot fill the cache.

    One round trip to the cache for a page served from it: the version, the calls' moments
    and the entry are read together (`cacheversion.current_with`). The entry's key does not
    hold the version: the entry carries the (version, epoch, day) it was made under, and is
    made again when they are no longer the current ones."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"experimentations:outils:page:{name}:{digest}"
    version, found = cacheversion.current_with(VERSION_KEY, [MOMENTS_KEY, key])
    now = timezone.now()
    moments = _moments(version, found.get(MOMENTS_KEY))
    stamp = (version, epoch(version, now, moments=moments), timezone.localdate(now).isoformat())
    entry = found.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value, keep = render()
    if keep:
        cache.set(key, (stamp, value), timeout=FRAGMENT_SECONDS)
    return value
