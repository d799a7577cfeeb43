"""A person searching the directory in headless Chromium."""

import pytest
from playwright.sync_api import expect

from referentiels.models import LegalForm
from tests.annuaire.factories import OrganisationFactory, commune
from tests.helpers.browser import serious_accessibility_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_search_filter_and_open_an_organisation(page, live_server):
    scop = LegalForm.objects.get(code="5458")
    OrganisationFactory(name="Ressourcerie Lespas", description="Réemploi et insertion.", commune=commune("97409"))
    OrganisationFactory(name="SCOP Bat Karé", description="Insertion dans le bâtiment.", legal_form=scop)
    OrganisationFactory(name="Club de lecture", description="Lecture publique.")
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server.url + "/annuaire/")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Rechercher une structure, une activité, un mot-clé").fill("insertion")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/annuaire/?q=insertion*")
    results = page.locator("ol.results h3")
    assert sorted(results.all_inner_texts()) == ["Ressourcerie Lespas", "SCOP Bat Karé"]

    # A facet link refreshes the results in place (htmx) and keeps the URL shareable.
    page.get_by_role("link", name="Coopérative 1 résultats").click()
    page.wait_for_url("**famille=cooperative*")
    assert results.all_inner_texts() == ["SCOP Bat Karé"]
    assert "q=insertion" in page.url

    page.get_by_role("link", name="SCOP Bat Karé").click()
    page.wait_for_url("**/annuaire/structure/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("SCOP Bat Karé")
    assert serious_accessibility_violations(page) == []
    assert csp == []


def test_switch_to_the_map_click_a_marker_and_open_the_organisation(page, live_server):
    OrganisationFactory(name="Jardins de Cilaos", description="Maraîchage et insertion.", commune=commune("97424"))
    for index in range(4):
        OrganisationFactory(name=f"Insertion Saint-Denis {index}", description="insertion", commune=commune("97411"))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/annuaire/?q=insertion")
    page.get_by_role("link", name="Carte", exact=True).click()
    page.wait_for_url("**vue=carte*")
    page.wait_for_selector("#carte-annuaire[data-loaded]", timeout=10_000)
    assert errors == []
    # Saint-Denis' four organisations form one server-side cluster; Cilaos' one is a marker.
    cluster = page.locator(".marker-cluster", has_text="4")
    assert cluster.count() == 1
    # What each marker holds is in its accessible name, and the count is announced.
    assert page.get_by_role("button", name="4 structures ici : agrandir la carte pour les voir").count() == 1
    assert page.get_by_role("button", name="Jardins de Cilaos", exact=True).count() == 1
    assert page.get_by_role("status").inner_text() == "5 structures dans la zone affichée."
    assert page.get_by_role("button", name="Réessayer").is_hidden()
    assert serious_accessibility_violations(page) == []
    page.locator('.leaflet-marker-icon[title="Jardins de Cilaos"]').click()
    page.get_by_role("link", name="Jardins de Cilaos").click()
    page.wait_for_url("**/annuaire/structure/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Jardins de Cilaos")


def test_the_map_says_when_it_cannot_load_and_tries_again(page, live_server):
    OrganisationFactory(name="Jardins de Cilaos", description="Maraîchage.", commune=commune("97424"))
    # The data address answers 503 until the person tries again (the page itself is real).
    page.route("**/annuaire/carte.json*", lambda route: route.fulfill(status=503, body=""))
    page.goto(live_server.url + "/annuaire/?vue=carte")
    status = page.get_by_role("status")
    retry = page.get_by_role("button", name="Réessayer")
    retry.wait_for(state="visible", timeout=10_000)
    assert status.inner_text().startswith("La carte n'a pas pu charger les structures.")
    assert page.locator("#carte-annuaire").get_attribute("aria-busy") == "false"
    assert serious_accessibility_violations(page) == []

    page.unroute("**/annuaire/carte.json*")
    retry.click()
    expect(status).to_have_text("1 structure dans la zone affichée.", timeout=10_000)
    assert retry.is_hidden()
