"""A plan's page and the policies page in Chromium, on a desk and on a phone: axe-core clean,
no sideways scroll, and a visitor filters the policies by their commune."""

import pytest

from cress.demo import seed_named_organisations
from territoires.demo import seed_territories
from tests.helpers import browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def demo():
    seed_named_organisations()
    seed_territories()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_plan_page_reads_at_each_width_with_its_charts_and_tables(chromium, live_server, demo, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/territoires/plans/")
    browser.look(page, "plans territoriaux")
    page.get_by_role("link", name="Plan intercommunal de développement de l'ESS de la CINOR 2024-2028").click()
    page.wait_for_url("**/territoires/plans/plan-ess-cinor-2024-2028/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Plan intercommunal")
    # Each chart is an image with its name, and its values are in a table beside it.
    chart = page.get_by_role("img", name="Emplois créés ou consolidés dans l'ESS : valeurs mesurées et cible")
    assert chart.is_visible()
    table = page.get_by_role("table").filter(has_text="Cible 2028").first
    assert "88" in table.inner_text()
    late = page.locator(".plan-action").filter(has_text="Ouvrir une ressourcerie intercommunale à Sainte-Marie")
    assert " ".join(late.locator(".badge").inner_text().split()) == "État : En retard"
    assert page.get_by_role("link", name="Télécharger la synthèse (PDF)").is_visible()
    browser.look(page, "plan territorial")
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_policies_page_filters_by_territory_at_each_width(chromium, live_server, demo, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/territoires/politiques/")
    browser.look(page, "politiques de l'ESS")
    page.get_by_label("Territoire").select_option(label="Saint-Pierre")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(lambda url: "territoire=97416" in url)
    status = page.get_by_role("status").filter(has_text="Saint-Pierre").inner_text()
    assert "s'appliquent à Saint-Pierre" in status
    assert page.get_by_role("heading", name="Intercommunalité — 2").is_visible()  # the CIVIS plan and the PTCE
    page.get_by_role("link", name="PTCE Sud Réemploi").click()
    page.wait_for_url("**/territoires/politiques/ptce-sud-reemploi/")
    assert page.get_by_role("heading", name="Entreprise hors ESS — 2").is_visible()
    browser.look(page, "ptce")
    context.close()
