"""The job board's dashboard in Chromium, on a desktop and on a phone: reached from the
offers' list, a period chosen; axe-core clean, no sideways scroll (screenshots with
`make screenshots`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from emplois.models import Application, Offer
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.emplois.factories import make_application, make_offer
from tests.helpers import browser
from tests.helpers.auth import browser_login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_open_the_dashboard_from_the_offers_and_choose_a_period(page, live_server, width):
    staff = StaffFactory(email="formation@exemple.re", role="Formation")
    for number, (contract, code) in enumerate([("cdi", "97411"), ("cdd", "97415"), ("stage", "97416")]):
        offer = make_offer(
            f"Accompagnant·e éducatif et social n°{number}",
            contract=contract,
            commune_code=code,
            published_ago=timedelta(days=30 * number + 1),
            status=Offer.Status.FILLED if number else Offer.Status.PUBLISHED,
        )
        for _ in range(number + 1):
            make_application(offer, status=Application.Status.SEEN)
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    browser_login(page, base, staff.email, PASSWORD)

    page.goto(f"{base}/gestion/emplois/offer/")
    page.get_by_role("link", name="Tableau de bord").click()
    page.wait_for_url("**/emplois/offer/tableau-de-bord/")
    assert page.locator("#offers-total").inner_text() == "3"
    assert page.get_by_role("link", name="Accompagnant·e éducatif et social n°2").is_visible()
    browser.look(page, "emplois-tableau-de-bord")

    today = timezone.localdate()
    page.get_by_label("Du").fill((today - timedelta(days=10)).isoformat())
    page.locator("input[name=fin]").fill(today.isoformat())
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**debut=**")
    assert page.locator("#offers-total").inner_text() == "1"
    browser.look(page, "emplois-tableau-de-bord-periode")
