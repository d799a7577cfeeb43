"""The version of Action 2's public data (plan pages, the « plan et politiques » block of
the territory pages): every committed change to plans, axes, actions, indicators, their
values and policies bumps it (signals in apps.py)."""

import hashlib

from django.core.cache import cache

from lib import cacheversion

VERSION_KEY = "territoires:version"


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)


# How long a rendered page or PDF summary is kept at most. A change to Action 2's data shows
# at once (a new version); the pages also follow the directory's version (they link its
# organisations), a PDF only names them: a renamed partner shows there within a day.
PAGE_SECONDS = 3600
PDF_SECONDS = 24 * 3600


def fragment(name: str, parts: tuple, render):
    """The cached value for (name, parts) under the current version, or `render()`'s.
    `render` returns (value, keep): the value is stored only when keep is true (the request
    asked for exactly what was rendered, so that odd query strings cannot fill the cache)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"territoires:{current_version()}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value, keep = render()
        if keep:
            cache.set(key, value, timeout=PAGE_SECONDS)
    return value
