"""Journeys in headless Chromium: layout, keyboard, phone menu, accessibility, CSP."""

import pytest

from tests.helpers.browser import serious_accessibility_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PAGES = [
    "/",
    "/territoires/",
    "/annuaire/",
    "/annuaire/proposer/",
    "/annuaire/donnees/",
    "/accompagnement/",
    "/accompagnement/quel-statut/",
    "/accompagnement/suivi/",
    "/compte/connexion/",
    "/mentions-legales/",
    "/donnees-personnelles/",
]


def watch_csp(page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_serious_accessibility_violation(page, live_server, path):
    csp_violations = watch_csp(page)
    page.goto(live_server.url + path)
    assert serious_accessibility_violations(page) == []
    assert csp_violations == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_phone_menu_opens_and_reaches_every_area(chromium, live_server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu_link = page.locator("#menu-principal a", has_text="Territoires")
    assert not menu_link.is_visible()
    menu.get_by_role("button", name="Menu").click()
    menu_link.wait_for(state="visible")
    menu_link.click()
    page.wait_for_url("**/territoires/")
    assert page.get_by_role("heading", name="Les territoires de La Réunion").is_visible()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_home_call_to_action_leads_to_the_intake_area(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Déposer une demande d'accompagnement").click()
    page.wait_for_url("**/accompagnement/")
    assert page.get_by_role("heading", name="Déposer une demande d'accompagnement").is_visible()


def test_staff_logs_in_by_email_and_reaches_the_admin(page, live_server):
    from tests.comptes.factories import PASSWORD, StaffFactory
    from tests.helpers.auth import browser_second_factor

    StaffFactory(email="nadia@exemple.re", role="Accueil")
    csp_violations = watch_csp(page)
    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill("nadia@exemple.re")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    browser_second_factor(page, "nadia@exemple.re")
    page.wait_for_url("**/gestion/")
    assert page.get_by_role("heading", name="Espace de gestion de la CRESS").is_visible()
    assert csp_violations == []
