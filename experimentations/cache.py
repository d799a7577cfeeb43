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


def _moments(version: int) -> list[datetime]:
    """The moments when a published call changes state (closing soon, closed), sorted; read
    once per version."""
    key = f"experimentations:outils:{version}:moments"
    moments = cache.get(key)
    if moments is None:
        from experimentations.selectors_tools import state_changes

        moments = state_changes()
        cache.set(key, moments, timeout=FRAGMENT_SECONDS)
    return moments


def epoch(version: int, now: datetime | None = None) -> int:
    """How many state changes have passed: changes when a call closes or enters its last days."""
    return bisect.bisect_right(_moments(version), now or timezone.now())


def next_change(now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    moments = _moments(current_version())
    index = bisect.bisect_right(moments, now)
    return moments[index] if index < len(moments) else None


def fragment(name: str, parts: tuple, render):
    """The cached value for (name, parts) under the current version, the calls' epoch and the
    local day, or `render()`'s. `render` returns (value, keep): the value is stored only when
    keep is true, so that addresses no one shares cannot fill the cache."""
    version = current_version()
    now = timezone.now()
    parts = (epoch(version, now), timezone.localdate(now).isoformat(), *parts)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"experimentations:outils:{version}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value, keep = render()
        if keep:
            cache.set(key, value, timeout=FRAGMENT_SECONDS)
    return value
