import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annuaire.models import Category, Label
from annuaire.search import DirectoryFilters, search_directory
from referentiels.models import LegalForm
from tests.annuaire.factories import OrganisationFactory, commune

pytestmark = pytest.mark.django_db
URL = reverse("annuaire:index")


def names(**params):
    filters = DirectoryFilters(**params)
    return {organisation.name for organisation in search_directory(filters).organisations}


def test_search_ignores_accents_both_ways():
    OrganisationFactory(name="Maison de l'Économie Solidaire")
    OrganisationFactory(name="Association sans rapport")
    assert names(q="economie") == {"Maison de l'Économie Solidaire"}
    assert names(q="ÉCONOMIE") == {"Maison de l'Économie Solidaire"}


def test_a_one_letter_typo_in_a_name_still_finds_it():
    OrganisationFactory(name="Zarlor Vavangaz")
    OrganisationFactory(name="Ressourcerie du Port")
    assert names(q="vavangas") == {"Zarlor Vavangaz"}
    assert names(q="resourcerie") == {"Ressourcerie du Port"}
    page = search_directory(DirectoryFilters(q="vavangas"))
    assert page.corrected_query == "vavangaz"


def test_words_of_the_description_match():
    OrganisationFactory(name="Lakour", description="Nous réparons des vélos avec les jeunes du quartier.")
    OrganisationFactory(name="Autre structure", description="Cuisine collective.")
    assert names(q="vélos") == {"Lakour"}
    assert names(q="jeunes quartier") == {"Lakour"}
    assert names(q="vélos cuisine") == set(), "websearch: every word must match"
    assert names(q="vélos or cuisine") == {"Lakour", "Autre structure"}


def test_filters_combine_and_facet_counts_are_right():
    scop = LegalForm.objects.get(code="5458")
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    OrganisationFactory(name="Coop A", legal_form=scop, commune=commune("97415"), categories=[insertion])  # TCO
    OrganisationFactory(name="Coop B", legal_form=scop, commune=commune("97411"))  # CINOR
    OrganisationFactory(name="Asso C", commune=commune("97415"), categories=[insertion])  # TCO
    OrganisationFactory(name="Asso D", commune=commune("97407"), is_published=False)  # TCO, hidden
    assert names(epci="tco", family="cooperative") == {"Coop A"}
    assert names(epci="tco", category="insertion-par-lactivite-economique") == {"Coop A", "Asso C"}

    page = search_directory(DirectoryFilters(epci="tco"))
    assert page.total == 2
    counts = {facet.param: {o["value"]: o["count"] for o in facet.options} for facet in page.facets}
    assert counts["famille"] == {"cooperative": 1, "association": 1}
    assert counts["commune"] == {"97415": 2}
    assert counts["epci"] == {"tco": 2}
    assert counts["thematique"] == {"insertion-par-lactivite-economique": 2}
    assert counts["role"] == {"acteur": 2}


def test_roles_and_labels_filter():
    aci = Label.objects.get(slug="atelier-et-chantier-dinsertion-aci")
    OrganisationFactory(name="Incubateur", is_support_structure=True)
    OrganisationFactory(name="Chantier", labels=[aci])
    assert names(role="accompagnement") == {"Incubateur"}
    assert names(label=aci.slug) == {"Chantier"}


def test_unpublished_entries_never_leak(client):
    OrganisationFactory(name="Structure Fantôme", description="insertion", is_published=False)
    OrganisationFactory(name="Structure Visible", description="insertion")
    html = client.get(URL, {"q": "insertion"}).content.decode()
    assert "Structure Visible" in html and "Fantôme" not in html
    html = client.get(URL, {"q": "fantome"}).content.decode()
    assert "Fantôme" not in html
    assert search_directory(DirectoryFilters(q="fantome")).total == 0
    assert search_directory(DirectoryFilters()).total == 1


def test_sort_by_distance_from_a_commune():
    OrganisationFactory(name="À Saint-Pierre", commune=commune("97416"))
    OrganisationFactory(name="À Saint-Denis", commune=commune("97411"))
    OrganisationFactory(name="À Sainte-Marie", commune=commune("97418"))
    page = search_directory(DirectoryFilters(sort="distance", near="97411"))
    assert [o.name for o in page.organisations] == ["À Saint-Denis", "À Sainte-Marie", "À Saint-Pierre"]
    assert page.organisations[0].distance_km < 1


def test_sort_by_name_and_paging():
    for index in range(25):
        OrganisationFactory(name=f"Structure {index:02d}")
    first = search_directory(DirectoryFilters(sort="nom"))
    second = search_directory(DirectoryFilters(sort="nom", page=2))
    assert first.page_count == 2 and first.total == 25
    assert [o.name for o in first.organisations][:2] == ["Structure 00", "Structure 01"]
    assert [o.name for o in second.organisations] == [f"Structure {i}" for i in range(20, 25)]
    # A page past the end shows the last page rather than an error.
    assert search_directory(DirectoryFilters(sort="nom", page=99)).page == 2


def test_page_works_without_javascript_and_as_an_htmx_fragment(client):
    OrganisationFactory(name="Lakour Solidaire")
    full = client.get(URL, {"q": "lakour"})
    assert full.status_code == 200 and "<html" in full.content.decode()
    assert "Lakour Solidaire" in full.content.decode()
    fragment = client.get(URL, {"q": "lakour"}, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="annuaire"')
    assert "Lakour Solidaire" in body
    assert fragment.headers["Vary"].count("HX-Request") == 1


def test_filters_live_in_the_url(client):
    OrganisationFactory(name="Coop du Port", legal_form=LegalForm.objects.get(code="5458"), commune=commune("97407"))
    html = client.get(URL, {"famille": "cooperative"}).content.decode()
    # The active filter links to the same list without it, and other facet links keep it.
    assert 'href="?"' in html or 'href="/annuaire/"' in html
    assert "famille=cooperative&amp;commune=97407" in html or "commune=97407&amp;famille=cooperative" in html


@pytest.mark.parametrize(
    "params",
    [
        {"famille": "inconnue"},
        {"commune": "99999"},
        {"page": "abc"},
        {"page": "-4"},
        {"tri": "hasard"},
        {"q": "x" * 500},
        {"pres_de": "<script>"},
    ],
)
def test_bad_parameters_get_a_french_message_not_an_error(client, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert "Ce paramètre est ignoré." in response.content.decode()


def test_query_is_rendered_escaped(client):
    html = client.get(URL, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=80), famille=st.text(max_size=12), page=st.text(max_size=6))
def test_random_input_never_breaks_the_page(client, q, famille, page):
    response = client.get(URL, {"q": q, "famille": famille, "page": page})
    assert response.status_code == 200


def count_queries(client, params):
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL, params).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "insertion"}, {"q": "insertion", "epci": "cinor"}, {"tri": "distance", "pres_de": "97411"}],
)
def test_directory_queries_do_not_grow_with_the_rows(client, params):
    insertion = Category.objects.get(slug="insertion-par-lactivite-economique")
    for index in range(3):
        OrganisationFactory(name=f"Insertion {index}", categories=[insertion])
    few = count_queries(client, params)
    for index in range(3, 45):
        OrganisationFactory(name=f"Insertion {index}", categories=[insertion])
    from django.core.cache import cache

    cache.clear()
    assert count_queries(client, params) == few


def test_a_change_to_the_directory_shows_at_once(client, django_capture_on_commit_callbacks):
    from annuaire.services import save_organisation

    organisation = OrganisationFactory(name="Lakour Éphémère")
    assert "Lakour Éphémère" in client.get(URL).content.decode()
    assert "Lakour Éphémère" in client.get(URL).content.decode()  # now from the cache
    organisation.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        save_organisation(organisation=organisation)
    assert "Lakour Éphémère" not in client.get(URL).content.decode()
    assert "Lakour Éphémère" not in client.get(URL, {"q": "lakour"}).content.decode()
