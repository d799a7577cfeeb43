"""The cached news and agenda pages never show something stale: a committed change drops
them, and they expire by themselves when something scheduled goes live or an event ends."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communication.models import NewsArticle
from tests.communication.factories import EventFactory, NewsFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def test_a_committed_change_shows_at_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        NewsFactory(title="Première nouvelle")
    assert "Première nouvelle" in client.get(reverse("actualites:index")).content.decode()
    assert "Première nouvelle" in client.get(reverse("actualites:rss")).content.decode()
    assert b"SUMMARY" not in client.get(reverse("agenda:ical")).content
    assert "Première nouvelle" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        NewsFactory(title="Deuxième nouvelle")
        EventFactory(title="Nouvel événement")
    assert "Deuxième nouvelle" in client.get(reverse("actualites:index")).content.decode()
    home = client.get("/").content.decode()
    assert "Deuxième nouvelle" in home and "Nouvel événement" in home
    assert "Nouvel événement" in client.get(reverse("agenda:index")).content.decode()
    assert "Deuxième nouvelle" in client.get(reverse("actualites:rss")).content.decode()
    assert "Deuxième nouvelle" in client.get(reverse("actualites:atom")).content.decode()
    assert b"SUMMARY:Nouvel" in client.get(reverse("agenda:ical")).content


def test_without_the_commit_the_cached_copy_is_served(client):
    """The cache is real: what the test above sees is the version bump, not a cache miss."""
    NewsFactory(title="Première nouvelle")
    client.get(reverse("actualites:index"))
    NewsFactory(title="Écrite sans commit")  # on_commit never runs inside this test's transaction
    assert "Écrite sans commit" not in client.get(reverse("actualites:index")).content.decode()


def test_scheduled_news_and_ending_events_change_the_pages_on_time(client):
    moment = timezone.now() + timedelta(seconds=3)
    NewsFactory(title="Déjà publiée")
    NewsFactory(title="Publiée dans un instant", publish_at=moment)
    EventFactory(title="Finit dans un instant", starts_at=timezone.now() - timedelta(hours=1), ends_at=moment)
    news, agenda = reverse("actualites:index"), reverse("agenda:index")
    assert "Publiée dans un instant" not in client.get(news).content.decode()
    assert "Finit dans un instant" in client.get(agenda).content.decode()
    assert timezone.now() < moment, "the pages were read and cached before the moment"

    # No write from here on: only the cached copies' own expiry can change the pages. They
    # are asked for until they do, for a few seconds past the moment (the copies would
    # otherwise be kept for ten minutes).
    deadline = time.monotonic() + (moment - timezone.now()).total_seconds() + 5
    while "Publiée dans un instant" not in client.get(news).content.decode():
        assert time.monotonic() < deadline, "the news page still shows its copy from before the publication"
        time.sleep(0.05)
    while "Finit dans un instant" in client.get(agenda).content.decode():
        assert time.monotonic() < deadline, "the agenda still shows its copy from before the event's end"
        time.sleep(0.05)
    assert timezone.now() >= moment
    assert "Finit dans un instant" in client.get(reverse("agenda:archives")).content.decode()


def test_publishing_from_the_admin_list_drops_the_cached_pages(client, django_capture_on_commit_callbacks):
    draft = NewsFactory(title="Encore brouillon", status="brouillon")
    login_verified(client, StaffFactory(role="Communication"))
    assert "Encore brouillon" not in client.get(reverse("actualites:index")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:communication_newsarticle_changelist"),
            {"action": "publish_now", "_selected_action": [draft.pk]},
        )
    assert NewsArticle.objects.get(pk=draft.pk).is_visible
    assert "Encore brouillon" in client.get(reverse("actualites:index")).content.decode()


def test_pagination_links_carry_only_the_pages_own_parameters(client):
    for index in range(14):
        NewsFactory(title=f"Nouvelle {index}")
    first = client.get(reverse("actualites:index"), {"utm_source": "x", "page": "1"}).content.decode()
    second = client.get(reverse("actualites:index"), {"page": "1", "autre": "<b>"}).content.decode()
    assert 'href="?page=2"' in first and 'href="?page=2"' in second
    assert "utm_source" not in second and "autre" not in first


def queries(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_odd_parameters_are_answered_but_never_stored(client):
    from tests.communication.factories import CategoryFactory

    CategoryFactory(name="Emploi")
    NewsFactory(title="Une nouvelle")
    url = reverse("actualites:index")
    assert queries(client, url, {"rubrique": "emploi"}) > 0
    assert queries(client, url, {"rubrique": "emploi"}) == 0, "a real filter is served from the cache"
    for odd in ({"page": "1000000"}, {"rubrique": "n-existe-pas"}, {"mot-cle": "inconnu"}, {"page": "2"}):
        assert queries(client, url, odd) > 0
        assert queries(client, url, odd) > 0, f"{odd} must not fill the cache"
    # Values no link carries (a NUL byte, 500 characters) are ignored: the plain page, one entry.
    client.get(url)
    for ignored in ({"rubrique": "a\x00b"}, {"mot-cle": "x" * 500}, {"page": "1"}):
        assert queries(client, url, ignored) == 0
    assert client.get(reverse("agenda:index"), {"territoire": "\x00", "type": "\x00"}).status_code == 200
    assert client.get(reverse("agenda:ce-mois"), {"territoire": "\x00"}).status_code == 200
