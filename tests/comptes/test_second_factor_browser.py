"""A staff member's first login in a real browser: password, enrolment of an authenticator
app from the QR code page, recovery codes, then the admin; and the code at the next login."""

import re

import pytest

from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers.auth import totp_code_from_secret
from tests.helpers.browser import serious_accessibility_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_first_staff_login_enrols_the_app_then_the_next_login_asks_the_code(page, live_server):
    StaffFactory(role="Accueil", email="nadia.payet@exemple.re")
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url

    page.goto(base + "/gestion/")
    page.fill("#id_username", "Nadia.Payet@exemple.re")
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url("**/compte/double-authentification/activation/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Activer la double authentification"
    qr_code = page.get_by_role("img", name="QR code à scanner avec votre application d'authentification")
    assert qr_code.is_visible() and qr_code.bounding_box()["width"] >= 100
    assert serious_accessibility_violations(page) == []

    # The person types the key into their app by hand; the app shows a code.
    secret = page.locator("#cle-secrete").inner_text()
    code_field = page.get_by_label("Code à 6 chiffres")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    code_field.fill("000000" if totp_code_from_secret(secret) != "000000" else "111111")
    page.get_by_role("button", name="Activer la double authentification").click()
    assert page.get_by_text("Ce code n'est pas valable").is_visible()
    page.wait_for_timeout(1100)  # django-otp waits a second after a wrong code
    page.get_by_label("Code à 6 chiffres").fill(totp_code_from_secret(secret))
    page.get_by_role("button", name="Activer la double authentification").click()

    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    codes = page.locator("#codes-de-secours li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", code) for code in codes)
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url(base + "/gestion/")
    assert page.get_by_text("Espace de gestion de la CRESS").is_visible()

    # Next login: the code is asked, and a recovery code works too.
    page.get_by_role("button", name="Déconnexion").click()
    page.goto(base + "/gestion/annuaire/organisation/")
    page.fill("#id_username", "nadia.payet@exemple.re")
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url("**/compte/connexion/verification/**")
    assert serious_accessibility_violations(page) == []
    page.get_by_text("Je n'ai pas accès à mon application").click()
    page.get_by_label("Code de secours").fill(codes[0])
    page.get_by_role("button", name="Utiliser ce code de secours").click()
    page.wait_for_url(base + "/gestion/annuaire/organisation/")
    assert page.get_by_text("Code de secours utilisé : il vous en reste 9.").is_visible()

    assert problems == [], "no CSP violation, no script error"
