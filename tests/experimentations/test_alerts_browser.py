"""A visitor saves a search (from the list, then from the finder's questionnaire and its
results) as an alert, reads the confirmation email and confirms it."""

from datetime import timedelta

import pytest

from messagerie.models import OutgoingEmail
from tests.experimentations.factories import make_call, make_tool
from tests.helpers.browser import look
from tests.helpers.mail import deliver, link_path

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_search_then_subscribe_then_confirm_by_email(page, live_server):
    make_tool(name="Garantie France Active", instrument="garantie")
    call = make_call(name="Appel Économie circulaire", closes_in=timedelta(days=40))
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/financer-et-acheter/outils/?instrument=garantie")
        page.get_by_role("link", name="Recevoir une alerte pour cette recherche").click()
        page.wait_for_url("**/alertes/nouvelle/?instrument=garantie")
        assert page.get_by_role("heading", level=1).inner_text() == "Recevoir une alerte"
        assert page.get_by_text("Financements : garantie").is_visible()
        look(page, "alerte-nouvelle")
    # From the finder's questionnaire and its results, the same way.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/financer-et-acheter/trouver/")
    page.get_by_label("Stade du projet").select_option("creation")
    page.get_by_label("Famille de l'ESS").select_option("association")
    page.get_by_role("button", name="Voir les financements").click()
    page.wait_for_url("**/trouver/?*")
    assert page.get_by_text("Garantie France Active").first.is_visible()
    page.get_by_role("link", name="Recevoir une alerte pour cette recherche").click()
    page.wait_for_url("**/alertes/nouvelle/?*")
    assert "stage=creation" in page.url and "family=association" in page.url
    page.get_by_label("Votre adresse électronique").fill("lectrice@exemple.re")
    page.get_by_label("Chaque jour").check()
    page.get_by_label("J'accepte de recevoir").check()
    page.get_by_role("button", name="Créer l'alerte").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez votre messagerie"
    look(page, "alerte-verifiez")

    message = deliver(OutgoingEmail.objects.get(kind="experimentations/alerte_confirmation"))
    page.goto(live_server.url + link_path(message, r"/financer-et-acheter/alertes/confirmation/[\w-]+/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmer votre alerte"
    look(page, "alerte-confirmer")
    page.get_by_role("button", name="Confirmer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alerte confirmée"
    assert page.get_by_text("confirmée").first.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    look(page, "alerte-confirmee")

    # Following one call from its page: reminders only, no frequency asked.
    page.goto(f"{live_server.url}/financer-et-acheter/alertes/nouvelle/?outil={call.slug}")
    assert page.get_by_role("heading", level=1).inner_text() == "Suivre un appel à projets"
    assert page.get_by_label("Chaque jour").count() == 0
    look(page, "alerte-suivre-appel")
    assert problems == []
