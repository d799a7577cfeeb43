"""Redis really stopped: the public pages still answer (slower, without cache), and the
health check says the cache is down."""

import time

import pytest
from django.urls import reverse

from lib.cache import ResilientRedisCache
from tests.annuaire.factories import OrganisationFactory
from tests.communication.factories import EventFactory, NewsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_public_pages_answer_while_redis_is_down(client, private_redis):
    organisation = OrganisationFactory(name="Ressourcerie Lespas", description="Réemploi et insertion.")
    news = NewsFactory(title="Une nouvelle")
    event = EventFactory(title="Un forum")
    urls = [
        "/", reverse("actualites:index"), news.get_absolute_url(), reverse("agenda:index"),
        reverse("agenda:ce-mois"), event.get_absolute_url(), reverse("annuaire:index"),
        reverse("annuaire:index") + "?q=insertion", reverse("annuaire:structure", args=[organisation.slug]),
        reverse("territoires:index"), reverse("accueil:index"),
    ]  # fmt: skip
    assert client.get("/healthz").status_code == 200, "the private Redis serves as cache and broker"
    private_redis.stop()
    assert not private_redis.ping()
    started = time.monotonic()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert time.monotonic() - started < 10, "after the first failure, Redis is not waited for"
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["checks"]["cache"]["ok"] is False
    assert health.json()["checks"]["broker"]["ok"] is False

    private_redis.start()
    ResilientRedisCache._down_until = 0.0  # the pause after a failure, over
    assert "Ressourcerie Lespas" in client.get(reverse("annuaire:index") + "?q=insertion").content.decode()
    assert client.get("/healthz").status_code == 200


def test_cache_versions_are_bumped_once_redis_answers_again():
    """A change made while Redis was unreachable could not bump its version; the first call
    that reaches Redis again bumps them all, so no page cached before is served again."""
    from lib import cacheversion

    before = cacheversion.current("essai:version")
    ResilientRedisCache._down_until = time.monotonic() + 60  # as after a failed call
    cacheversion.bump("essai:version")  # lost
    assert cacheversion.current("essai:version") == 1  # no cache: the default
    ResilientRedisCache._down_until = 0.0  # Redis answers again
    assert cacheversion.current("essai:version") == before + 1
