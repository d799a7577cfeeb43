"""The territory pages (issue 12, point 9): région, arrondissements, EPCI and communes, each
with its place in the tree and the block of every action, cached under the block's version;
a failing block does not take the page down; a constant number of queries."""

import html
import logging
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lib import territory_blocks
from lib.territory_blocks import EXPIRES_AT, TerritoryBlock
from referentiels.models import Territory, TerritoryKind
from territoires import blocks as page_blocks
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory, commune
from tests.communication.factories import EventFactory
from tests.observatoire.helpers import publish_sample_observatory
from tests.partenariats.factories import make_convention, make_partner
from tests.territoires.factories import make_plan, make_policy

pytestmark = pytest.mark.django_db

KINDS = (TerritoryKind.REGION, TerritoryKind.ARRONDISSEMENT, TerritoryKind.EPCI, TerritoryKind.COMMUNE)


def url(territory) -> str:
    return reverse("territoires:territoire", args=[territory.kind, territory.slug])


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def section(page: str, name: str) -> str:
    """The HTML of one block's card."""
    found = re.search(rf'<section class="card territory-block[^"]*" id="bloc-{name}".*?</section>', page, re.S)
    assert found, f"no block {name}"
    return found.group(0)


def block_titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="h5 territory-block-title" id="bloc-[\w-]+-titre">([^<]+)</h2>', page)


@pytest.fixture
def fake_blocks():
    """Register test blocks; the real registry is restored afterwards."""
    saved = dict(territory_blocks._BLOCKS)
    yield territory_blocks.register
    territory_blocks._BLOCKS.clear()
    territory_blocks._BLOCKS.update(saved)


class Fake:
    """A block whose data and version the test sets, counting its renderings."""

    def __init__(self, *, name="essai", title="Bloc d'essai", order=5, **extra):
        self.data = {"message": "Bonjour"}
        self.number = 1
        self.calls = 0
        self.block = TerritoryBlock(
            name=name,
            title=title,
            order=order,
            template="territoires/pages/_essai.html",
            context=self.context,
            version=lambda: self.number,
            **extra,
        )

    def context(self, territory):
        self.calls += 1
        return {**self.data, "territory_name": territory.name}


@pytest.fixture
def fake_template(settings, tmp_path):
    folder = tmp_path / "gabarits"
    (folder / "territoires" / "pages").mkdir(parents=True)
    (folder / "territoires" / "pages" / "_essai.html").write_text(
        '<p class="essai">{{ message }} — {{ territory_name }}</p>', encoding="utf-8"
    )
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [folder, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


# --- The page -----------------------------------------------------------------------------


def test_every_territory_has_its_page_with_its_place_in_the_tree(client):
    saint_denis = commune("97411")
    cinor, region = saint_denis.parent, Territory.objects.get(kind=TerritoryKind.REGION)
    page = text(client.get(url(saint_denis)))
    crumbs = re.search(r'<ol class="breadcrumb.*?</ol>', page, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs) == ["Territoires", region.name, "CINOR", "Saint-Denis"]
    assert f'href="{url(cinor)}"' in crumbs and f'href="{url(region)}"' in crumbs
    assert f'<a href="{url(saint_denis.arrondissement)}">Arrondissement de Saint-Denis</a>' in page
    assert f"<strong>{saint_denis.population:,}</strong> habitants".replace(",", " ") in page
    assert '<h1 class="mb-2">Saint-Denis</h1>' in page

    page = text(client.get(url(cinor)))
    communes = Territory.objects.filter(parent=cinor)
    population = sum(c.population for c in communes)
    assert f"<strong>{population:,}</strong> habitants".replace(",", " ") in page
    assert f"<strong>{communes.count()}</strong> communes" in page
    for each in communes:
        assert f'href="{url(each)}"' in page

    page = text(client.get(url(saint_denis.arrondissement)))
    assert '<h1 class="mb-2">Arrondissement de Saint-Denis</h1>' in page
    for each in Territory.objects.filter(arrondissement=saint_denis.arrondissement):
        assert f'href="{url(each)}"' in page

    page = text(client.get(url(region)))
    for each in Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT]):
        assert f'href="{url(each)}"' in page


def test_an_unknown_territory_is_not_found(client):
    assert client.get("/territoires/commune/nulle-part/").status_code == 404
    assert client.get("/territoires/canton/saint-denis/").status_code == 404
    assert client.get("/territoires/epci/saint-denis/").status_code == 404  # a commune's address, not an EPCI's
    assert client.get("/territoires/commune/saint-denis/").status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_shows_every_block_of_the_registry_for_its_kind_in_order(client, kind):
    territory = Territory.objects.filter(kind=kind).order_by("code").first()
    page = client.get(url(territory)).content.decode()
    expected = [block.title for block in territory_blocks.blocks(kind)]
    assert len(expected) >= 6  # observatoire, annuaire, plans, agenda, partenaires, accueil
    assert [html.unescape(title) for title in block_titles(page)] == expected


def test_an_action_with_nothing_to_show_says_so_honestly(client):
    page = text(client.get(url(commune("97411"))))
    assert "L'observatoire n'a pas encore publié de chiffres" in section(page, "observatoire")
    assert "Aucune structure de l'annuaire" in section(page, "annuaire")
    assert "Aucun événement ni aucune session de formation" in section(page, "agenda")
    assert "Aucun partenaire de la CRESS" in section(page, "partenaires")
    assert "Aucune demande d'accompagnement" in section(page, "accueil")
    assert "Aucun plan territorial" in section(page, "plans")


def test_a_failing_block_is_logged_and_shown_unavailable_alone(client, fake_blocks, fake_template, caplog):
    fine = Fake(name="essai", order=1)

    def broken_context(territory):
        raise RuntimeError("base indisponible")

    def broken_version():
        raise RuntimeError("cache indisponible")

    fake_blocks(fine.block)
    fake_blocks(TerritoryBlock("casse", "Bloc cassé", 2, "territoires/pages/_essai.html", broken_context, lambda: 1))
    fake_blocks(
        TerritoryBlock("sans-version", "Sans version", 3, "territoires/pages/_essai.html", dict, broken_version)
    )
    with caplog.at_level(logging.ERROR, logger="territoires.blocks"):
        response = client.get(url(commune("97411")))
    assert response.status_code == 200
    page = text(response)
    assert "indisponible pour le moment" in section(page, "casse")
    assert "indisponible pour le moment" in section(page, "sans-version")
    assert "Bonjour — Saint-Denis" in section(page, "essai")
    assert "indisponible" not in section(page, "essai") and "indisponible" not in section(page, "annuaire")
    failures = [record for record in caplog.records if record.name == "territoires.blocks"]
    assert {record.args[0] for record in failures} == {"casse", "sans-version"}
    assert all(record.exc_info for record in failures)


def test_a_block_is_cached_under_its_version_and_costs_no_query(client, fake_blocks, fake_template):
    fake = Fake()
    fake_blocks(fake.block)
    page = url(commune("97411"))
    assert "Bonjour" in client.get(page).content.decode() and fake.calls == 1
    fake.data = {"message": "Au revoir"}
    with CaptureQueriesContext(connection) as queries:
        assert "Bonjour" in client.get(page).content.decode()
    assert fake.calls == 1 and len(queries) == 0, [q["sql"] for q in queries]
    fake.number += 1  # a write bumped the block's version
    assert "Au revoir" in client.get(page).content.decode() and fake.calls == 2
    # The same block for another territory is cached apart.
    client.get(url(commune("97416")))
    assert fake.calls == 3


def test_a_warm_page_reads_the_cache_once_and_writes_nothing(client, monkeypatch):
    page = url(commune("97411"))
    client.get(page)
    client.get(page)  # this process now knows every version key the blocks read
    calls = []
    for name in ("get", "get_many", "set", "set_many", "add", "incr", "delete"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache,
            name,
            lambda *args, _real=real, _name=name, **kwargs: (calls.append(_name), _real(*args, **kwargs))[1],
        )
    assert client.get(page).status_code == 200
    assert calls == ["get_many"]


def test_a_committed_write_shows_at_once_on_the_cached_page(client, django_capture_on_commit_callbacks):
    saint_denis = commune("97411")
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(name="Ressourcerie du Butor", commune=saint_denis)
    page = text(client.get(url(saint_denis)))
    assert "Ressourcerie du Butor" in section(page, "annuaire")
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(name="Épicerie solidaire du Chaudron", commune=saint_denis)
        EventFactory(title="Forum de l'ESS du Nord", commune=saint_denis)
    page = text(client.get(url(saint_denis)))
    assert "Épicerie solidaire du Chaudron" in section(page, "annuaire")
    assert "Forum de l'ESS du Nord" in section(page, "agenda")


def test_a_block_that_changes_with_time_expires_then():
    expires = timezone.now() + timedelta(seconds=90)
    assert 85 <= page_blocks._timeout({EXPIRES_AT: expires}) <= 90
    assert page_blocks._timeout({EXPIRES_AT: timezone.now() - timedelta(hours=1)}) == 1
    assert page_blocks._timeout({}) == page_blocks.BLOCK_SECONDS


def test_the_blocks_scripts_and_style_sheets_load_once_with_the_nonce(client, fake_blocks, fake_template):
    fake_blocks(Fake(name="carte-bis", order=99, scripts=("js/carte-territoire.js",)).block)
    page = client.get(url(commune("97411"))).content.decode()
    assert page.count('src="/static/js/carte-territoire.js"') == 1
    assert page.count('href="/static/vendor/leaflet/leaflet.css"') == 1
    nonce = re.search(r'<script src="/static/js/carte-territoire.js" nonce="([^"]+)"', page).group(1)
    assert nonce and nonce in page.split("carte-territoire.js", 1)[1][:40]


def test_the_sitemap_and_the_overview_link_every_territory_page(client):
    sitemap = client.get("/sitemap-territoires.xml").content.decode()
    overview = client.get(reverse("territoires:index")).content.decode()
    for territory in Territory.objects.filter(kind__in=KINDS):
        assert f"{url(territory)}</loc>" in sitemap, territory
        assert f'href="{url(territory)}"' in overview, territory
    assert client.get("/sitemap.xml").content.decode().count("sitemap-territoires.xml") == 1


# --- Queries ------------------------------------------------------------------------------


def seed(size: int, start: int) -> None:
    """`size` rows of each kind the blocks show, in Saint-Denis (the CINOR, the arrondissement
    of Saint-Denis, the région)."""
    saint_denis = commune("97411")
    for n in range(size):
        OrganisationFactory(name=f"Structure {start + n}", commune=saint_denis)
        EventFactory(title=f"Rencontre {start + n}", commune=saint_denis)
        make_request(email=f"porteur{start + n}@exemple.re")
        partner = make_partner(name=f"Partenaire {start + n}")
        partner.territories.set([saint_denis.parent])
        make_convention(partner, status="en_vigueur")
        make_plan(saint_denis.parent if n % 2 else saint_denis, slug=f"plan-{start + n}")
        make_policy(saint_denis.parent, slug=f"politique-{start + n}")


def page_queries(client) -> dict[str, tuple[int, int]]:
    """(cold, warm) query counts of a page of each kind around Saint-Denis."""
    saint_denis = commune("97411")
    counts = {}
    for territory in (saint_denis, saint_denis.parent, saint_denis.arrondissement, saint_denis.parent.parent):
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url(territory)).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url(territory)).status_code == 200
        counts[territory.kind] = (len(cold), len(warm))
    return counts


def test_the_pages_make_a_constant_number_of_queries_cold_and_warm(client):
    publish_sample_observatory()
    seed(2, 0)  # a plan of the commune and one of the CINOR: every block has rows at both sizes
    small = page_queries(client)
    seed(12, 100)
    large = page_queries(client)
    print("requêtes (à froid, à chaud) :", small)
    assert large == small
    assert all(warm == 0 for _cold, warm in small.values()), small
    # 21: the intake block reads the tree of communes to decide its secrecy (lib.small_counts).
    assert all(cold <= 21 for cold, _warm in small.values()), small
    page = text(client.get(url(commune("97411"))))
    assert "Structure 111" in section(page, "annuaire") and "Partenaire 111" in section(page, "partenaires")
    assert "secret statistique" in section(page, "observatoire")  # Saint-Denis is hidden in the sample
