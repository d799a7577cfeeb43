"""A project holder finds a financing on a phone and on a desktop screen: the hub, the
finder's questionnaire and its ranked results with why and what is missing, the list with
filters, a tool's page; axe-core clean, no sideways scroll."""

import pytest

from experimentations.demo_tools import seed_tools
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [390, 1280])
def test_find_a_financing_then_browse_the_tools(page, live_server, width):
    seed_tools()
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/financer-et-acheter/")
    assert page.get_by_role("heading", level=1).inner_text() == "Financer et acheter responsable"
    look(page, "financer-hub")

    page.get_by_role("link", name="Trouver le financement qui vous correspond").click()
    page.wait_for_url("**/trouver/")
    page.get_by_label("Stade du projet").select_option("creation")
    page.get_by_label("Famille de l'ESS").select_option("association")
    page.get_by_label("Commune").select_option("97411")
    page.get_by_label("Pour quoi faire").select_option("demarrage")
    page.get_by_label("Montant recherché (€)").fill("10000")
    page.get_by_role("button", name="Voir les financements").click()
    page.wait_for_url("**/trouver/?*")
    assert "commune=97411" in page.url
    assert page.locator(".tool-card").count() > 5
    assert page.get_by_role("heading", name="Pourquoi").first.is_visible()
    assert page.get_by_text("Couvre Saint-Denis").first.is_visible()
    look(page, "financer-trouver")

    page.goto(live_server.url + "/financer-et-acheter/outils/?appels=1")
    assert page.locator(".tool-card").count() == 3
    look(page, "financer-appels")
    page.locator(".tool-card a").first.click()
    page.wait_for_url("**/outils/*/")
    assert page.get_by_role("heading", name="En bref").is_visible()
    look(page, "financer-outil")

    page.goto(live_server.url + "/financer-et-acheter/outils/?commune=75056&amount=beaucoup")
    assert page.get_by_role("status").filter(has_text="n'ont pas été compris").is_visible()
    assert problems == []
