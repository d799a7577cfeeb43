import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communication.models import Publication
from referentiels.models import Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory
from tests.communication.factories import EventFactory, NewsFactory
from tests.experimentations.factories import FinancialToolFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def our_xml(content: bytes):
    return ElementTree.fromstring(content)  # noqa: S314 — the portal's own sitemap, in a test


def test_home_shows_featured_news_first_the_next_events_and_a_directory_search(client):
    NewsFactory(title="Récente", publish_at=timezone.now() - timedelta(hours=1))
    NewsFactory(title="À la une", publish_at=timezone.now() - timedelta(days=9), featured=True)
    NewsFactory(title="Brouillon", status=Publication.DRAFT, featured=True)
    EventFactory(
        title="Demain",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    EventFactory(
        title="Hier", starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=20)
    )
    html = client.get("/").content.decode()
    news = re.findall(r'class="stretched-link text-decoration-none" href="/actualites/[^"]+">([^<]+)<', html)
    assert news == ["À la une", "Récente"]
    assert "Demain" in html and ">Hier<" not in html
    assert f'action="{reverse("annuaire:index")}"' in html and 'name="q"' in html
    assert "Déposer une demande d'accompagnement" in html and "L'ESS à La Réunion en chiffres" in html


def test_home_queries_do_not_grow(client):
    def count():
        cache.clear()  # the page as rendered, not its cached copy
        with CaptureQueriesContext(connection) as context:
            client.get("/")
        return len(context.captured_queries)

    NewsFactory()
    EventFactory()
    FinancialToolFactory(is_call=True, closes_at=timezone.now() + timedelta(days=5))
    few = count()
    for day in range(10):
        NewsFactory()
        EventFactory(organiser=OrganisationFactory())
        FinancialToolFactory(is_call=True, closes_at=timezone.now() + timedelta(days=6 + day))
    assert count() == few


def test_sitemap_lists_every_public_page_kind_and_nothing_private(client):
    news = NewsFactory(title="Actu publique")
    NewsFactory(title="Actu brouillon", status=Publication.DRAFT)
    event = EventFactory(title="Événement public")
    published = OrganisationFactory(name="Structure publiée")
    hidden = OrganisationFactory(name="Structure cachée", is_published=False)
    index = our_xml(client.get(reverse("sitemap")).content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert {s.rsplit("/", 1)[1] for s in sections} == {
        "sitemap-pages.xml", "sitemap-actualites.xml", "sitemap-agenda.xml", "sitemap-annuaire.xml",
        "sitemap-observatoire.xml",
        "sitemap-formations.xml", "sitemap-partenaires.xml", "sitemap-plans-territoriaux.xml",
        "sitemap-territoires.xml", "sitemap-outils-financiers.xml", "sitemap-emplois.xml",
    }  # fmt: skip
    urls = set()
    for section in sections:
        path = "/" + section.split("/", 3)[3]
        urls |= {loc.text for loc in our_xml(client.get(path).content).iter(f"{SITEMAP}loc")}
    paths = {"/" + url.split("/", 3)[3] for url in urls}
    assert {
        "/", "/annuaire/", "/actualites/", "/agenda/", "/accompagnement/", "/a-propos/", "/observatoire/",
        "/formations/", "/partenaires/",
    } <= paths  # fmt: skip
    assert "/financer-et-acheter/" in paths  # every area is live since Action 7
    assert news.get_absolute_url() in paths and event.get_absolute_url() in paths
    assert reverse("annuaire:structure", args=[published.slug]) in paths
    assert reverse("annuaire:structure", args=[hidden.slug]) not in paths
    assert not any("brouillon" in p or "/gestion/" in p or "/suivi/" in p for p in paths)
    # The observatory: its pages and a portrait per territory (région, EPCI, communes).
    assert {"/observatoire/explorer/", "/observatoire/territoires/", "/observatoire/niches/"} <= paths
    portraits = {p for p in paths if p.startswith("/observatoire/territoires/") and p.count("/") == 4}
    territories = Territory.objects.filter(
        kind__in=[TerritoryKind.REGION, TerritoryKind.ARRONDISSEMENT, TerritoryKind.EPCI, TerritoryKind.COMMUNE]
    )
    assert portraits == {reverse("observatoire:portrait", args=[t.code]) for t in territories}
    assert len(portraits) > 30  # 24 communes, 5 EPCI, 4 arrondissements, the région
    assert all(client.get(p).status_code == 200 for p in sorted(portraits)[:3])
    # The territory pages: one per territory too.
    pages = {p for p in paths if p.startswith("/territoires/") and p.count("/") == 4}
    assert pages == {reverse("territoires:territoire", args=[t.kind, t.slug]) for t in territories}


def test_robots_txt_points_to_the_sitemap_and_away_from_private_pages(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: " in text and text.rstrip().endswith("/sitemap.xml")
    assert "Disallow: /accompagnement/suivi/" in text
