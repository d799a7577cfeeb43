"""lib.news, the registry through which an area announces news: its contract with a fake
publisher, and the news section's publisher (an article published now, once per key)."""

import pytest

from communication.models import NewsArticle
from lib import news

ITEM = news.NewsItem(
    key="essai-annonce-2026", title="Une annonce", summary="En bref.", body="<p>Le texte.</p><script>x</script>",
    url="/ess/prix/2026/laureats/",
)  # fmt: skip


@pytest.mark.django_db
def test_every_publisher_receives_the_item_and_returns_its_address():
    received = []
    news.register_publisher("essai", lambda item: received.append(item) or "/ailleurs/")
    try:
        assert "/ailleurs/" in news.publish(ITEM)
        assert received == [ITEM]
    finally:
        news.unregister_publisher("essai")
    assert "essai" not in news.publishers()


@pytest.mark.django_db
def test_the_news_section_publishes_an_article_once_per_key(client):
    assert set(news.publishers()) == {"actualites"}
    (url,) = news.publish(ITEM)
    (again,) = news.publish(news.NewsItem(**{**ITEM.__dict__, "title": "Une annonce corrigée"}))
    article = NewsArticle.objects.get()
    assert url == again == article.get_absolute_url()
    assert article.is_visible and article.title == "Une annonce corrigée"
    assert "<script>" not in article.body and 'href="/ess/prix/2026/laureats/"' in article.body
    assert "Une annonce corrigée" in client.get(url).content.decode()
