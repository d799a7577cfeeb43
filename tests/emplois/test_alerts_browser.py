"""A person looking for work saves a search as an email alert, on a phone and on a desktop
screen: narrows the offers to a métier de l'ESS, asks for them by email, forgets the consent
(said in French, focus on the summary), confirms through the emailed link's button. axe-core
clean, no sideways scroll."""

import pytest

from emplois.models import JobAlert
from tests.emplois.factories import make_offer
from tests.helpers.browser import look
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CONFIRM = r"/emplois/alertes/confirmation/[^/\s]+/"


@pytest.mark.parametrize("width", [360, 1280])
def test_save_a_search_as_an_alert_and_confirm_it(page, live_server, width):
    make_offer("Aide à domicile", rome_code="K1302")
    make_offer("Comptable d'association", rome_code="M1203")
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url

    page.goto(base + "/emplois/")
    page.get_by_label("Métier de l'ESS").select_option(label="Aide et soin à domicile (1)")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.get_by_role("heading", name="1 offre ouverte").wait_for()
    page.get_by_role("link", name="Recevoir ces offres par courriel").click()
    page.get_by_role("heading", name="Recevoir les offres par courriel").wait_for()
    assert page.get_by_text("métier aide et soin à domicile").is_visible()
    look(page, "emplois-alerte-formulaire")

    page.get_by_label("Votre adresse électronique").fill("josette@exemple.re")
    page.get_by_label("Chaque jour").check()
    page.get_by_role("button", name="Créer l'alerte").click()
    assert page.get_by_text("Votre accord est nécessaire pour vous envoyer les alertes.").first.is_visible()
    assert not JobAlert.objects.exists()
    look(page, "emplois-alerte-erreur")

    page.locator("#id_consent").check()
    page.get_by_role("button", name="Créer l'alerte").click()
    page.get_by_role("heading", name="Vérifiez votre messagerie").wait_for()
    alert = JobAlert.objects.get()
    assert alert.confirmed_at is None and alert.query == "metier_ess=aide-et-soin-a-domicile"
    assert alert.frequency == JobAlert.Frequency.DAILY

    page.goto(base + link_path(sent_email(kind="emplois/alerte_confirmation"), CONFIRM))
    page.get_by_role("heading", name="Confirmer votre alerte").wait_for()
    alert.refresh_from_db()
    assert alert.confirmed_at is None, "opening the link is not confirming: a mail scanner opens links too"
    page.get_by_role("button", name="Confirmer").click()
    page.get_by_role("heading", name="Alerte confirmée").wait_for()
    look(page, "emplois-alerte-confirmee")
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
