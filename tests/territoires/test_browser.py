"""The territories page in Chromium at a small phone's and a desk's width."""

import pytest

from tests.helpers import browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [320, 1280])
def test_the_territories_page_reads_at_each_width_and_leads_to_the_directory(chromium, live_server, width):
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/territoires/")
    browser.look(page, "territoires")
    cinor = page.get_by_role("region", name="CINOR — Communauté intercommunale du Nord de La Réunion")
    cinor.get_by_role("link", name="Acteurs de l'ESS — CINOR").click()
    page.wait_for_url("**/annuaire/?epci=*")
    assert page.get_by_role("heading", level=1).inner_text() == "Les acteurs de l'ESS à La Réunion"
    context.close()
