"""Cached HTML of the public news and agenda pages and of the home page's blocks.

A fragment is keyed by a version that every committed change to news, events, categories
or tags bumps (signals in apps.py), and it expires by itself at the next moment its content
changes with time alone: a scheduled item's publication, or the end of a listed event.
"""

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from communication.models import Event, NewsArticle, Publication
from lib import agenda, cacheversion

VERSION_KEY = "communication:version"
MAX_SECONDS = 600


def bump_version() -> None:
    cacheversion.bump(VERSION_KEY)


def current_version() -> int:
    return cacheversion.current(VERSION_KEY)


def next_change() -> datetime | None:
    """The next moment a public list changes with no write: something scheduled goes live,
    or an upcoming event or another source's item ends (it leaves the agenda)."""
    now = timezone.now()
    moments = [
        NewsArticle.objects.filter(status=Publication.PUBLISHED, publish_at__gt=now).aggregate(m=Min("publish_at"))[
            "m"
        ],
        Event.objects.filter(status=Publication.PUBLISHED, publish_at__gt=now).aggregate(m=Min("publish_at"))["m"],
        Event.objects.visible().filter(ends_at__gt=now).aggregate(m=Min("ends_at"))["m"],
        agenda.next_change(),  # the agenda's other sources (training sessions…)
    ]
    moments = [moment for moment in moments if moment is not None]
    return min(moments) if moments else None


def fragment(name: str, parts: tuple, render):
    """The cached value for (name, parts), or `render()`'s. Render returns (value, keep):
    a value is stored only when keep is true (the request asked for exactly what was
    rendered), until the next change."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"communication:{cacheversion.current(VERSION_KEY)}:{name}:{digest}"
    html = cache.get(key)
    if html is None:
        html, keep = render()
        if not keep:
            return html
        seconds = MAX_SECONDS
        change = next_change()
        if change is not None:
            seconds = min(seconds, max(1, int((change - timezone.now()).total_seconds())))
        cache.set(key, html, timeout=seconds)
    return html
