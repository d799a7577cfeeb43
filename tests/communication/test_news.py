import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communication.models import NewsArticle, Publication
from tests.communication.factories import CategoryFactory, NewsFactory, TagFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified
from tests.helpers.html import inline_script_problems

pytestmark = pytest.mark.django_db


def png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (13, 110, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


def three_states():
    published = NewsFactory(title="Publiée hier", publish_at=timezone.now() - timedelta(days=1))
    draft = NewsFactory(title="Brouillon secret", status=Publication.DRAFT)
    scheduled = NewsFactory(title="Programmée demain", publish_at=timezone.now() + timedelta(days=1))
    return published, draft, scheduled


def test_drafts_and_scheduled_news_are_never_public(client):
    published, draft, scheduled = three_states()
    pages = [
        client.get(reverse("actualites:index")).content.decode(),
        client.get("/").content.decode(),
        client.get(reverse("actualites:rss")).content.decode(),
        client.get(reverse("actualites:atom")).content.decode(),
        client.get(reverse("sitemap-section", args=["actualites"])).content.decode(),
    ]
    for page in pages:
        assert published.slug in page or "Publiée hier" in page
        assert "Brouillon secret" not in page and draft.slug not in page
        assert "Programmée demain" not in page and scheduled.slug not in page
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    # Once its date has come, the scheduled article appears by itself.
    NewsArticle.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_the_sanitiser_strips_dangerous_markup_and_keeps_formatting():
    article = NewsFactory(
        body=(
            '<h1>Titre</h1><p onclick="steal()">Texte <strong>gras</strong> <em>et</em> '
            '<a href="javascript:alert(1)">piège</a> <a href="https://cress-reunion.re" target="_blank">lien</a></p>'
            '<script>alert(1)</script><iframe src="https://evil.example"></iframe>'
            '<img src="x" onerror="alert(1)"><p style="color:red">stylé</p><ul><li>un</li></ul>'
            '<a href="data:text/html,evil">data</a><svg><script>alert(2)</script></svg>'
        )
    )
    article.refresh_from_db()
    body = article.body
    for bad in ("<script", "onclick", "javascript:", "<iframe", "onerror", "<img", "style=", "data:", "<svg"):
        assert bad not in body, bad
    assert "<h2>Titre</h2>" in body and "<strong>gras</strong>" in body and "<li>un</li>" in body
    assert '<a href="https://cress-reunion.re" rel="noopener noreferrer">lien</a>' in body


def test_a_cover_image_needs_its_alternative_text():
    article = NewsFactory.build(cover=SimpleUploadedFile("une.png", png_bytes(), content_type="image/png"))
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "Décrivez l'image" in str(error.value)
    with pytest.raises(IntegrityError):
        NewsFactory(cover="communication/2026/une.png", cover_alt="")


def test_a_disguised_cover_is_refused():
    article = NewsFactory.build(
        cover=SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png"), cover_alt="x"
    )
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "n'est pas une image valide" in str(error.value)


def test_feeds_parse_with_the_published_items_newest_first(client):
    category = CategoryFactory(name="Entreprendre")
    older = NewsFactory(title="Plus ancienne", publish_at=timezone.now() - timedelta(days=3), category=category)
    newer = NewsFactory(title="Plus récente", publish_at=timezone.now() - timedelta(hours=2))
    NewsFactory(title="Pas encore", publish_at=timezone.now() + timedelta(hours=2))
    for name in ("actualites:rss", "actualites:atom"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception
        assert [entry.title for entry in feed.entries] == ["Plus récente", "Plus ancienne"]
        assert feed.entries[0].link.endswith(newer.get_absolute_url())
        assert feed.entries[1].summary == older.summary
        assert [tag.term for tag in feed.entries[1].tags] == ["Entreprendre"]
        if name == "actualites:rss":
            assert feed.feed.language == "fr"


def test_article_page_has_open_graph_and_news_article_metadata(client):
    article = NewsFactory(
        title="Les SCOP recrutent", cover=SimpleUploadedFile("une.png", png_bytes()), cover_alt="Atelier de la SCOP"
    )
    article.tags.add(TagFactory(name="coopération"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Les SCOP recrutent">' in html
    assert '<meta property="og:type" content="article">' in html
    assert re.search(r'<meta property="og:image" content="http[^"]+\.png">', html)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == "Les SCOP recrutent"
    assert data["keywords"] == "coopération" and data["datePublished"].startswith(str(article.publish_at.year))
    assert 'alt="Atelier de la SCOP"' in html
    assert inline_script_problems(html) == []


def test_filters_by_category_tag_and_territory(client):
    from referentiels.models import Territory, TerritoryKind

    cinor = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="CINOR")
    saint_denis = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411")
    category, tag = CategoryFactory(name="Emploi"), TagFactory(name="insertion")
    NewsFactory(title="Dans la rubrique", category=category)
    tagged = NewsFactory(title="Avec le mot")
    tagged.tags.add(tag)
    north = NewsFactory(title="Pour le Nord")
    north.territories.add(cinor)
    NewsFactory(title="Sans rien")

    def titles(**params):
        html = client.get(reverse("actualites:index"), params).content.decode()
        return set(re.findall(r'text-decoration-none" href="[^"]+">([^<]+)</a>', html))

    assert titles(rubrique="emploi") == {"Dans la rubrique"}
    assert titles(**{"mot-cle": "insertion"}) == {"Avec le mot"}
    # A commune sees the news of its intercommunality.
    assert titles(territoire=saint_denis.slug) == {"Pour le Nord"}
    assert titles(rubrique="inconnue") == {"Dans la rubrique", "Avec le mot", "Pour le Nord", "Sans rien"}


def test_list_and_feeds_do_a_constant_number_of_queries(client):
    def count(url):
        cache.clear()  # the page as rendered, not its cached copy
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    urls = [reverse("actualites:index"), reverse("actualites:rss"), reverse("actualites:atom"), "/"]
    for _index in range(2):
        NewsFactory(category=CategoryFactory()).tags.add(TagFactory())
    few = [count(url) for url in urls]
    for _index in range(15):
        NewsFactory(category=CategoryFactory()).tags.add(TagFactory(), TagFactory())
    assert [count(url) for url in urls] == few


def test_communication_staff_write_an_article_in_the_admin(client):
    staff = StaffFactory(role="Communication")
    login_verified(client, staff)
    add = reverse("admin:communication_newsarticle_add")
    page = client.get(add).content.decode()
    assert "<trix-editor" in page and 'name="csp-nonce"' in page
    response = client.post(
        add,
        {
            "title": "Un nouvel article",
            "slug": "un-nouvel-article",
            "summary": "Résumé.",
            "body": '<p>Texte <a href="javascript:x()">lien</a></p><script>x()</script>',
            "status": "publiee",
            "publish_at_0": timezone.localdate().strftime("%d/%m/%Y"),
            "publish_at_1": "00:00:00",
            "cover_alt": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = NewsArticle.objects.get(slug="un-nouvel-article")
    assert article.author == staff and "<script" not in article.body and "javascript:" not in article.body
    assert client.get(article.get_absolute_url()).status_code == 200
    # Another role cannot.
    login_verified(client, StaffFactory(role="Formation"))
    assert client.get(add).status_code == 403


def test_an_article_cannot_take_the_address_of_a_feed_or_the_newsletter():
    for slug in ("rss", "atom", "lettre"):
        with pytest.raises(ValidationError) as error:
            NewsFactory.build(slug=slug).full_clean()
        assert "réservée" in str(error.value)


def test_publishing_now_leaves_already_published_dates_alone(client):
    old = NewsFactory(title="Ancienne", publish_at=timezone.now() - timedelta(days=400))
    draft = NewsFactory(title="Brouillon", status=Publication.DRAFT, publish_at=timezone.now() - timedelta(days=3))
    scheduled = NewsFactory(title="Programmée", publish_at=timezone.now() + timedelta(days=3))
    login_verified(client, StaffFactory(role="Communication"))
    client.post(
        reverse("admin:communication_newsarticle_changelist"),
        {"action": "publish_now", "_selected_action": [old.pk, draft.pk, scheduled.pk]},
    )
    before = old.publish_at
    old.refresh_from_db()
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert old.publish_at == before
    assert draft.is_visible and scheduled.is_visible
    assert abs((draft.publish_at - timezone.now()).total_seconds()) < 60


def test_the_publish_now_service_puts_drafts_and_scheduled_items_online_and_drops_the_cache(
    django_capture_on_commit_callbacks,
):
    from communication.cache import VERSION_KEY
    from communication.services import move_back_to_draft, publish_now
    from lib import cacheversion

    old = NewsFactory(title="Ancienne", publish_at=timezone.now() - timedelta(days=400))
    draft = NewsFactory(title="Brouillon", status=Publication.DRAFT, publish_at=timezone.now() - timedelta(days=3))
    scheduled = NewsFactory(title="Programmée", publish_at=timezone.now() + timedelta(days=3))
    version = cacheversion.current(VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_now(items=NewsArticle.objects.all()) == 2
    assert cacheversion.current(VERSION_KEY) != version, "the cached pages are dropped"
    assert NewsArticle.objects.get(pk=old.pk).publish_at == old.publish_at
    assert all(NewsArticle.objects.get(pk=item.pk).is_visible for item in (old, draft, scheduled))

    version = cacheversion.current(VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert publish_now(items=NewsArticle.objects.all()) == 0
    assert callbacks == [] and cacheversion.current(VERSION_KEY) == version, "nothing changed"

    with django_capture_on_commit_callbacks(execute=True):
        assert move_back_to_draft(items=NewsArticle.objects.filter(pk=draft.pk)) == 1
    assert not NewsArticle.objects.get(pk=draft.pk).is_visible
