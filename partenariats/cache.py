"""The version of Action 1's public data (partners page, the « partenaires » block of the
territory pages): every committed change to partners, conventions, their commitments and
published figures bumps it (signals in apps.py)."""

import hashlib

from django.core.cache import cache

from lib import cacheversion

VERSION_KEY = "partenariats:version"


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)


# The public pages change only on a write (which bumps the version); the expiry only
# returns memory once a version is left behind.
FRAGMENT_SECONDS = 24 * 3600


def fragment(name: str, parts: tuple, render):
    """The cached value for (name, parts) under the current version, or `render()`'s.
    `render` returns (value, keep): the value is stored only when keep is true (a page that
    exists), so unknown addresses cannot fill the cache."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"partenariats:{current_version()}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value, keep = render()
        if keep:
            cache.set(key, value, timeout=FRAGMENT_SECONDS)
    return value
