"""Writes to news and events that are more than a form's save: publishing now, back to draft."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from communication.cache import bump_version
from communication.models import Publication


@transaction.atomic
def publish_now(*, items) -> int:
    """Put drafts and scheduled items of `items` (a queryset of news or events) online now;
    what is already public keeps its date. Returns how many went online."""
    now = timezone.now()
    count = items.filter(Q(status=Publication.DRAFT) | Q(publish_at__gt=now)).update(
        status=Publication.PUBLISHED, publish_at=now
    )
    if count:
        transaction.on_commit(bump_version)  # update() sends no signal: the cached pages are dropped here
    return count


@transaction.atomic
def move_back_to_draft(*, items) -> int:
    """Take `items` (a queryset of news or events) offline, as drafts. Returns their number."""
    count = items.update(status=Publication.DRAFT)
    if count:
        transaction.on_commit(bump_version)
    return count
