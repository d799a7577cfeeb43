"""Cached HTML of the public catalogue and training pages, and the version the agenda's
cache depends on.

Every committed change to trainings, sessions, trainers, registrations (places left),
attendance or survey answers (published results) bumps one version (signals in apps.py);
a cached copy also expires by itself when the next upcoming session starts, since it then
leaves the catalogue with no write.
"""

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from formation.models import Session
from lib import cacheversion

VERSION_KEY = "formation:version"
MAX_SECONDS = 600


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)


def next_change() -> datetime | None:
    """The next moment a public page changes with no write: an upcoming session starts."""
    return Session.objects.filter(status=Session.Status.PLANNED, starts_at__gt=timezone.now()).aggregate(
        first=Min("starts_at")
    )["first"]


def fragment(name: str, parts: tuple, render):
    """The cached value for (name, parts), or `render()`'s. `render` returns (value, keep):
    the value is stored only when keep is true (the request asked for exactly what was
    rendered, so odd query strings cannot fill the cache), until the next change."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"formation:{current_version()}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value, keep = render()
        if not keep:
            return value
        seconds = MAX_SECONDS
        change = next_change()
        if change is not None:
            seconds = min(seconds, max(1, int((change - timezone.now()).total_seconds())))
        cache.set(key, value, timeout=seconds)
    return value
