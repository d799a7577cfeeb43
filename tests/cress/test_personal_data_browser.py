"""A superuser answers a person's erasure request in the admin, on a phone and on a desk:
from the journal, a new request; the search shows each part of the portal; erasing asks for
the address again, refuses a mistyped one, then shows what was kept by law and why. Each page
axe-clean and fitting the width."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accueil.models import IntakeRequest
from cress.models import PersonalDataRequest
from tests.accueil.personal_data_factories import make_person as make_intake_person
from tests.communication.personal_data_factories import make_person as make_subscriber
from tests.comptes.factories import PASSWORD, UserFactory
from tests.helpers.auth import browser_login
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EMAIL = "ysaline.grondin@exemple.re"


@pytest.mark.parametrize("width", [360, 1280])
def test_a_superuser_erases_a_persons_data_and_sees_what_the_law_keeps(page, live_server, settings, width):
    settings.FSE_LAST_PAYMENT_DATE = None  # the FSE hold runs
    make_intake_person(EMAIL, "Ysaline", "Grondin-Testa")
    make_subscriber(EMAIL, "Ysaline", "Grondin-Testa")
    UserFactory(email="dpo@cress-reunion.re", is_staff=True, is_superuser=True)
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, live_server.url, "dpo@cress-reunion.re", PASSWORD)

    page.goto(live_server.url + reverse("admin:cress_personaldatarequest_changelist"))
    page.get_by_role("link", name="Nouvelle demande d'accès ou d'effacement").click()
    page.get_by_label("Adresse électronique de la personne").fill(EMAIL.upper())
    page.get_by_label("Référence de la demande").fill("Courriel du 1er décembre")
    page.get_by_role("button", name="Rechercher").click()
    table = page.get_by_role("table", name="Ce que chaque partie du portail détient sur cette adresse")
    expect(table.get_by_role("row", name=re.compile("Demandes d'accompagnement"))).to_be_visible()
    look(page, "rgpd-recherche")

    page.get_by_role("button", name="Effacer ces données…").click()
    page.get_by_label("Retapez l'adresse pour confirmer l'effacement").fill("autre@exemple.re")
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_text("L'adresse retapée n'est pas la même : rien n'a été effacé.")).to_be_visible()
    look(page, "rgpd-effacement-refuse")
    assert not PersonalDataRequest.objects.filter(kind="effacement").exists()

    page.get_by_label("Retapez l'adresse pour confirmer l'effacement").fill(EMAIL)
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_text(re.compile("Les données de la personne sont effacées"))).to_be_visible()
    expect(page.get_by_text(re.compile("Fonds social européen")).first).to_be_visible()
    look(page, "rgpd-effacement-fait")
    entry = PersonalDataRequest.objects.get(kind="effacement")
    assert entry.holds and all(hold["ligne"].startswith("accueil.IntakeRequest#") for hold in entry.holds)
    assert IntakeRequest.objects.filter(email__iexact=EMAIL).exists()  # the FSE record, held
