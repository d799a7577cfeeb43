"""The explorer in a browser: a filter changed updates the table, the chart and the address
in place (htmx), and the page stays accessible on a phone and on a desktop."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.helpers.browser import look
from tests.observatoire.helpers import publish_sample_observatory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_a_filter_change_updates_the_table_the_chart_and_the_address(chromium, live_server, width):
    publish_sample_observatory()
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + reverse("observatoire:explorer"))
    look(page, "observatoire-explorateur")
    table = page.locator("#resultat table.explorer-table")
    chart_title = page.locator("#graphique-detail-titre")
    expect(table.locator("caption")).to_contain_text("détail par famille de l'ess")
    page.evaluate("window.explorerLoaded = true")  # gone if the whole page reloads
    filters = page.locator("details.explorer-filters")
    if not filters.evaluate("el => el.open"):  # folded on a phone
        filters.locator("summary").click()

    page.get_by_label("Détail par", exact=True).select_option("territoire")
    page.wait_for_url("**ventilation=territoire*")
    expect(table.locator("caption")).to_contain_text("détail par territoire")
    expect(table).to_contain_text("Communauté intercommunale du Nord de La Réunion")
    expect(chart_title).to_contain_text("détail par territoire")

    page.get_by_label("Territoire", exact=True).select_option(label="Communauté intercommunale du Nord de La Réunion")
    page.wait_for_url("**territoire=249740119*")
    expect(table.get_by_role("row", name="Sainte-Marie")).to_contain_text("s")
    expect(page.locator("#resultat")).to_contain_text("moins de 3\u00a0établissements")
    expect(chart_title).to_contain_text("Communauté intercommunale du Nord de La Réunion")
    assert page.evaluate("window.explorerLoaded") is True, "the page was reloaded instead of updated"
    look(page, "observatoire-explorateur-cinor")

    # The address holds the filters: opened afresh, it shows the same table.
    page.goto(page.url)
    if not filters.evaluate("el => el.open"):
        filters.locator("summary").click()
    expect(page.get_by_label("Détail par", exact=True)).to_have_value("territoire")
    expect(table.get_by_role("row", name="Sainte-Marie")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_portrait_and_niches_pages_read_well(chromium, live_server, width):
    publish_sample_observatory()
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + reverse("observatoire:index"))
    page.get_by_role("link", name="Portraits de territoire").click()
    page.get_by_role("link", name="Saint-Denis").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrondissement de Saint-Denis")
    look(page, "observatoire-portrait")
    page.get_by_role("link", name="Niches d'activité", exact=True).first.click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Saint-Denis par rapport à La Réunion")
    look(page, "observatoire-niches")
    page.get_by_label("Territoire", exact=True).select_option(label="La Réunion")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("La Réunion par rapport à la France")
    look(page, "observatoire-niches-region")
    context.close()
