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


@transaction.atomic
def publish_news_item(item) -> str:
    """The news section's publisher of lib.news: another area's announcement (a
    `lib.news.NewsItem`) becomes an article published now, its address derived from the
    item's key, so that announcing again updates the same article. Returns its address."""
    from django.utils.html import escape
    from django.utils.text import slugify

    from communication.models import NewsArticle

    slug = slugify(item.key)[:220]
    body = f'{item.body}<p><a href="{escape(item.url)}">{escape(item.title)} : la page</a></p>'
    article, _created = NewsArticle.objects.update_or_create(
        slug=slug,
        defaults={
            "title": item.title[:200],
            "summary": item.summary[:400],
            "body": body,
            "status": Publication.PUBLISHED,
        },
    )
    if article.publish_at > timezone.now():
        NewsArticle.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    return article.get_absolute_url()
