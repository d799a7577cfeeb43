"""The home page with its block of calls for projects closing first, in Chromium at a phone's
and a desk's width: axe-clean, no sideways scroll, the call's link leads to its page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.annuaire.factories import OrganisationFactory
from tests.experimentations.factories import FinancialToolFactory
from tests.helpers import browser

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [390, 1280])
def test_the_home_page_shows_the_calls_closing_first(chromium, live_server, width):
    region = OrganisationFactory(name="Région Réunion", is_published=True)
    now = timezone.now()
    for days, name in (
        (4, "Appel à projets Économie circulaire"),
        (12, "Appel Innovation sociale"),
        (30, "Appel Mois de l'ESS"),
    ):
        FinancialToolFactory(name=name, provider=region, is_call=True, closes_at=now + timedelta(days=days))
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + "/")
    block = page.get_by_role("region", name="Appels à projets : les prochaines clôtures")
    assert block.get_by_role("link", name="Appel à projets Économie circulaire").is_visible()
    browser.look(page, "accueil-appels")
    block.get_by_role("link", name="Appel Innovation sociale").click()
    page.get_by_role("heading", level=1, name="Appel Innovation sociale").wait_for()
    page.close()
