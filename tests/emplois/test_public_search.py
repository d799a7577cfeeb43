"""The public list of offers: French full-text search (accents, plurals, the métier's ROME
label), facets with their counts, filters in the address, pagination, only open offers,
bad parameters said in French, and a query count that does not grow with the offers."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from emplois.models import Contract, Offer, OfferKind
from emplois.search import OfferFilters, counted_with_page, search_offers
from tests.annuaire.factories import OrganisationFactory
from tests.emplois.factories import make_offer

pytestmark = pytest.mark.django_db

URL = "/emplois/"


def titles(response) -> list[str]:
    """The titles of the cards, read in the page (served from the cache or not)."""
    return [
        unescape(title)
        for title in re.findall(r'<h3 class="h5 mb-1"><a href="[^"]*">([^<]*)</a>', response.content.decode())
    ]


def found(params: dict) -> set[str]:
    result = search_offers(OfferFilters(params))
    return {offer.title for offer in result.page.items}


def facet(response, name: str) -> dict[str, int]:
    """A facet's options and their counts, read in the page."""
    select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    options = re.findall(r'<option value="([^"]+)"(?: selected)?>[^<]* \((\d+)\)</option>', select.group(1))
    return {unescape(value): int(count) for value, count in options}


def total(response) -> int:
    """The number of matching offers, as the results' heading says it."""
    heading = re.search(r'<h2 class="h5 mb-0" id="resultats"[^>]*>([^<]*)', response.content.decode()).group(1)
    return 0 if heading.startswith("Aucune") else int(heading.split()[0])


# --- Full-text search -----------------------------------------------------------------------------


def test_accents_and_plurals_do_not_matter():
    make_offer("Chargé de mission métiers du numérique", rome_code="M1805")
    make_offer("Comptable associatif", rome_code="M1203", description="<p>Paie et bilans.</p>")
    assert found({"q": "metier"}) == {"Chargé de mission métiers du numérique"}
    assert found({"q": "métiers"}) == {"Chargé de mission métiers du numérique"}
    assert found({"q": "NUMERIQUE"}) == {"Chargé de mission métiers du numérique"}


def test_aides_a_domicile_finds_the_home_help_offers():
    make_offer("Aide à domicile (H/F)")
    make_offer("Animateur ou animatrice périscolaire", rome_code="G1203", description="<p>Accueil du soir.</p>")
    assert found({"q": "aides à domicile"}) == {"Aide à domicile (H/F)"}
    assert found({"q": "aide a domicile"}) == {"Aide à domicile (H/F)"}


def test_the_rome_label_finds_an_offer_whose_title_does_not_say_it():
    make_offer("Intervenant·e auprès des familles", rome_code="K1302")  # Assistance auprès d'adultes
    make_offer("Jardinier en chantier d'insertion", rome_code="A1203", description="<p>Espaces verts.</p>")
    assert found({"q": "assistance adultes"}) == {"Intervenant·e auprès des familles"}


def test_an_organisation_renamed_in_the_directory_is_found_by_its_new_name(django_capture_on_commit_callbacks):
    from annuaire.services import save_organisation

    organisation = OrganisationFactory(name="Association Lakour")
    make_offer("Aide à domicile", organisation=organisation)
    make_offer("Comptable", rome_code="M1203", description="<p>Comptes.</p>", profile="<p>BTS.</p>")
    assert found({"q": "lakour"}) == {"Aide à domicile"}
    organisation.name = "Kaz Solidarité Marmaille"
    with django_capture_on_commit_callbacks(execute=True):
        save_organisation(organisation=organisation)
    assert found({"q": "marmaille"}) == {"Aide à domicile"}
    assert found({"q": "lakour"}) == set()


def test_websearch_syntax_excludes_and_quotes():
    make_offer("Animateur jeunesse", rome_code="G1203", description="<p>Accueil de loisirs.</p>")
    make_offer("Animateur seniors", rome_code="G1203", description="<p>Ateliers mémoire.</p>")
    assert found({"q": "animateur -seniors"}) == {"Animateur jeunesse"}
    assert found({"q": '"animateur seniors"'}) == {"Animateur seniors"}


def test_words_order_by_relevance_and_browsing_by_newest(client):
    make_offer("Comptable", rome_code="M1203", published_ago=timedelta(days=3), description="<p>Paie.</p>")
    make_offer(
        "Assistant administratif",
        rome_code="M1602",
        published_ago=timedelta(hours=2),
        description="<p>Aide au comptable de l'association.</p>",
    )
    assert titles(client.get(URL)) == ["Assistant administratif", "Comptable"]
    response = client.get(URL, {"q": "comptable"})
    assert titles(response) == ["Comptable", "Assistant administratif"]
    assert "Les plus pertinentes d'abord" in response.content.decode()


# --- What is listed -------------------------------------------------------------------------------


def test_only_published_offers_still_open_today_in_reunion_are_listed(client):
    today = timezone.localdate()
    make_offer("Ouverte jusqu'à aujourd'hui", closes_on=today)
    make_offer("Close hier", closes_on=today - timedelta(days=1))
    make_offer("Expirée", status=Offer.Status.EXPIRED)
    make_offer("Pourvue", status=Offer.Status.FILLED)
    make_offer("Brouillon", status=Offer.Status.DRAFT)
    make_offer("En revue", status=Offer.Status.REVIEW)
    make_offer("Refusée", status=Offer.Status.REFUSED)
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Ouverte jusqu'à aujourd'hui"]
    assert "1 offre ouverte" in response.content.decode()


def test_pages_of_twenty_newest_first_and_a_page_past_the_end_shows_the_last(client):
    for index in range(45):
        make_offer(f"Offre {index:02d}", published_ago=timedelta(hours=index + 1))
    first = client.get(URL)
    assert titles(first) == [f"Offre {index:02d}" for index in range(20)]
    assert "Page 1 sur 3" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    third = client.get(URL, {"page": "3"})
    assert titles(third) == [f"Offre {index:02d}" for index in range(40, 45)]
    assert titles(client.get(URL, {"page": "99"})) == titles(third)
    assert titles(client.get(URL, {"page": "deux"})) == titles(first)


def test_pagination_keeps_the_filters_in_the_address(client):
    for index in range(21):
        make_offer(f"Offre {index}", contract=Contract.CDD)
    make_offer("Un CDI")
    html = client.get(URL, {"contrat": "cdd"}).content.decode()
    assert "21 offres ouvertes" in html
    assert 'href="?contrat=cdd&amp;page=2"' in html


# --- Facets and filters ---------------------------------------------------------------------------


def test_facets_count_the_matches_and_filters_narrow_them(client):
    cooperative = OrganisationFactory()
    make_offer("Aide à domicile à Saint-Paul", commune_code="97415", organisation=cooperative)
    make_offer("Aide à domicile à Saint-Denis", commune_code="97411", contract=Contract.CDD)
    make_offer("Animateur à Saint-Denis", commune_code="97411", rome_code="G1203", published_ago=timedelta(days=10))
    make_offer("Bénévole à l'épicerie solidaire", commune_code="97411", contract=Contract.VOLUNTEERING)
    make_offer("Webmestre à distance", commune_code=None, remote="total", rome_code="M1805")

    response = client.get(URL)
    assert facet(response, "contrat") == {"cdi": 3, "cdd": 1, "benevolat": 1}
    assert facet(response, "nature") == {"emploi": 4, "benevolat": 1}
    assert facet(response, "commune") == {"97411": 3, "97415": 1}
    assert facet(response, "epci") == {"cinor": 3, "tco": 1}
    assert facet(response, "metier") == {"K": 3, "G": 1, "M": 1}
    assert facet(response, "depuis") == {"1": 4, "7": 4, "30": 5}
    assert facet(response, "famille") == {"association": 5}

    narrowed = client.get(URL, {"commune": "97411", "nature": "emploi"})
    assert set(titles(narrowed)) == {"Aide à domicile à Saint-Denis", "Animateur à Saint-Denis"}
    assert facet(narrowed, "contrat") == {"cdi": 1, "cdd": 1}
    assert facet(narrowed, "commune") == {"97411": 2}
    html = narrowed.content.decode()
    assert '<option value="97411" selected>Saint-Denis (2)</option>' in html
    assert "Commune : Saint-Denis" in html  # an active filter, with a link that removes it
    assert 'href="/emplois/?nature=emploi"' in html

    assert set(titles(client.get(URL, {"epci": "tco"}))) == {"Aide à domicile à Saint-Paul"}
    assert set(titles(client.get(URL, {"metier": "G"}))) == {"Animateur à Saint-Denis"}
    assert set(titles(client.get(URL, {"depuis": "7", "nature": "emploi", "contrat": "cdi"}))) == {
        "Aide à domicile à Saint-Paul",
        "Webmestre à distance",
    }
    assert set(titles(client.get(URL, {"famille": "cooperative"}))) == set()


def test_the_metiers_de_l_ess_filter_the_offers_of_their_rome_fiches(client):
    make_offer("Aide à domicile", rome_code="K1302")
    make_offer("Auxiliaire de vie", rome_code="K1302", contract=Contract.CDD)
    make_offer("Animateur", rome_code="G1203")
    make_offer("Webmestre", rome_code="M1805")
    response = client.get(URL)
    counts = facet(response, "metier_ess")
    assert counts["aide-et-soin-a-domicile"] == 2
    assert counts["animation-socioculturelle"] == 1
    assert "education-specialisee" not in counts  # no open offer in its fiches

    narrowed = client.get(URL, {"metier_ess": "aide-et-soin-a-domicile"})
    assert set(titles(narrowed)) == {"Aide à domicile", "Auxiliaire de vie"}
    assert facet(narrowed, "contrat") == {"cdi": 1, "cdd": 1}
    assert "Métier de l'ESS : Aide et soin à domicile" in unescape(narrowed.content.decode())

    # The family's page sends to the list of its offers, with the count the list shows.
    page = client.get("/emplois/metiers/aide-et-soin-a-domicile/").content.decode()
    assert 'href="/emplois/?metier_ess=aide-et-soin-a-domicile"' in page
    assert "les 2 offres de ces métiers" in page


def test_a_family_s_new_fiche_shows_at_once_in_the_list(client, django_capture_on_commit_callbacks):
    from emplois.models import MetierFamily
    from referentiels.models import RomeFiche

    make_offer("Webmestre", rome_code="M1805")
    assert titles(client.get(URL, {"metier_ess": "animation-socioculturelle"})) == []
    with django_capture_on_commit_callbacks(execute=True):
        family = MetierFamily.objects.get(slug="animation-socioculturelle")
        family.rome_fiches.add(RomeFiche.objects.get(code="M1805"))
    assert titles(client.get(URL, {"metier_ess": "animation-socioculturelle"})) == ["Webmestre"]


def test_facet_counts_follow_a_text_search(client):
    make_offer("Aide à domicile", commune_code="97415")
    make_offer("Aide à domicile de nuit", commune_code="97411")
    make_offer("Comptable", rome_code="M1203", commune_code="97411", description="<p>Paie et bilans.</p>")
    response = client.get(URL, {"q": "domicile"})
    assert facet(response, "commune") == {"97411": 1, "97415": 1}
    assert "2 offres ouvertes" in response.content.decode()


def test_a_change_to_an_offer_shows_at_once_in_the_counts(client, django_capture_on_commit_callbacks):
    offer = make_offer("Aide à domicile")
    assert total(client.get(URL)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_offer("Deuxième offre")
    assert total(client.get(URL)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        Offer.objects.get(pk=offer.pk).save()  # any save bumps the version
    assert total(client.get(URL)) == 2


def test_the_cached_results_follow_the_organisations_name(client, django_capture_on_commit_callbacks):
    """The results are rendered once and cached: the cards show the organisation's name, so a
    change to the directory (its own version) must show at once, with no change to the offer."""
    organisation = OrganisationFactory(is_ess_actor=True, name="Association Ti Kaz")
    make_offer("Aide à domicile", organisation=organisation)
    assert "Association Ti Kaz" in client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "Association Ti Kaz" in client.get(URL).content.decode()
    assert len(queries) == 0  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "Association Kaz Ansanm"
        organisation.save()
    html = client.get(URL).content.decode()
    assert "Association Kaz Ansanm" in html
    assert "Ti Kaz" not in html


def test_a_page_past_the_end_is_not_kept_in_the_cache(client):
    for index in range(21):
        make_offer(f"Offre {index:02d}", published_ago=timedelta(hours=index + 1))
    client.get(URL, {"page": "2"})
    with CaptureQueriesContext(connection) as queries:
        assert titles(client.get(URL, {"page": "2"})) == ["Offre 20"]
    assert len(queries) == 0  # a real page is kept
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert titles(client.get(URL, {"page": "9999"})) == ["Offre 20"]
        assert len(queries) >= 1  # the last page, shown but not kept under « page 9999 »


def test_the_list_links_its_rss_feed(client):
    html = client.get(URL).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/emplois/offres.rss"' in html


# --- Bad parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"contrat": "freelance"}, "Ce contrat n'existe pas"),
        ({"commune": "75056"}, "Cette commune n'est pas à La Réunion"),
        ({"epci": "grand-paris"}, "Cette intercommunalité n'est pas à La Réunion"),
        ({"metier": "Z"}, "Cette famille de métiers n'existe pas"),
        ({"metier_ess": "astronaute"}, "Ce métier de l'ESS n'existe pas"),
        ({"famille": "syndicat"}, "Cette famille de l'ESS n'existe pas"),
        ({"nature": "stage"}, "Choisissez « Emploi » ou « Mission bénévole »"),
        ({"depuis": "365"}, "Choisissez depuis 24 heures, 7 jours ou 30 jours"),
        ({"q": "x" * 250}, "Les mots-clés tiennent en 200 caractères au plus"),
    ],
)
def test_a_parameter_not_understood_is_said_in_french_and_ignored(client, params, message):
    make_offer("Aide à domicile")
    response = client.get(URL, params)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "n'ont pas été compris et ont été ignorés" in html
    assert message in html
    assert titles(response) == ["Aide à domicile"]


@pytest.mark.parametrize("q", ['"', "-", "!!!", "a OR", "(", "\x00", "«»", "le la les", "'; DROP TABLE"])
def test_odd_words_give_a_page(client, q):
    make_offer("Aide à domicile")
    assert client.get(URL, {"q": q}).status_code == 200


def test_a_post_is_refused_politely(client):
    assert client.post(URL).status_code == 405


# --- Speed ------------------------------------------------------------------------------------------


def add_offers(count: int, start: int) -> None:
    for index in range(start, start + count):
        make_offer(
            f"Aide à domicile {index}",
            contract=Contract.VOLUNTEERING if index % 3 == 0 else Contract.CDI,
            commune_code="97411" if index % 2 else "97415",
            rome_code="K1302" if index % 4 else "G1203",
        )


QUERIES = {
    "all": {},
    "search": {"q": "aides à domicile"},
    "filters": {"q": "domicile", "commune": "97411", "nature": OfferKind.JOB, "contrat": "cdi", "depuis": "7"},
    "page-2": {"page": "2"},
}


def count_queries(client, params: dict, *, cold: bool) -> int:
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


def counts(client) -> dict[str, tuple[int, int]]:
    """(cold, warm) query counts of each search."""
    return {
        name: (count_queries(client, params, cold=True), count_queries(client, params, cold=False))
        for name, params in QUERIES.items()
    }


def test_the_query_count_does_not_grow_with_the_offers(client):
    add_offers(21, 0)  # a page 2 in both (a page past the end is never kept in the cache)
    small = counts(client)
    add_offers(30, 21)
    large = counts(client)
    assert small == large
    for cold, warm in large.values():
        # Cold: the reference lists (4: domains, territories, the métiers de l'ESS and their
        # fiches), the summary (every facet in one query, the métiers de l'ESS summed from its
        # counts by ROME fiche), the page.
        assert cold <= 6
        # Warm: the facets and the page of results are rendered and cached, no query.
        assert warm == 0


def test_another_page_of_a_counted_selection_makes_one_query(client):
    """The counts are cached per selection: the next page of a search asks only for its offers."""
    add_offers(45, 0)
    for params in ({}, {"q": "aide domicile"}):
        cache.clear()
        assert client.get(URL, params).status_code == 200
        assert count_queries(client, params | {"page": "2"}, cold=False) == 1
        assert count_queries(client, params | {"page": "3"}, cold=False) == 1


@pytest.mark.parametrize("params", [{"q": "aide domicile"}, {"q": "domicile repas", "commune": "97411"}])
def test_the_page_read_with_the_counts_is_the_page_read_alone(params):
    """A word search never seen reads its counts and its page's ids in one statement: the
    same offers, in the same order, as the page read on its own; a page past the end gives
    the last."""
    for index in range(45):
        make_offer(
            f"Aide à domicile {index}",
            description="<p>Aide à domicile, aide aux repas.</p>" if index % 5 else "<p>Accueil.</p>",
            commune_code="97411" if index % 2 else "97415",
        )
    now = timezone.now()
    assert "page" in counted_with_page(OfferFilters(params), now, 1)  # the path of one statement
    for page in (1, 2, 3, 9):
        filters = OfferFilters(params)
        alone = search_offers(filters, page=page, now=now)
        together = search_offers(filters, page=page, now=now, counts=counted_with_page(filters, now, page))
        assert [offer.pk for offer in together.page.items] == [offer.pk for offer in alone.page.items]
        assert (together.page.number, together.page.total) == (alone.page.number, alone.page.total)
        assert together.page.items, page
