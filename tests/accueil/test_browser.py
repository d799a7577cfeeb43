"""A project holder files a request in Chromium, follows it, and sees staff act on it."""

import re

import pytest

from messagerie.models import OutgoingEmail
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers.browser import serious_accessibility_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_holder_files_a_request_and_follows_it(page, live_server, tmp_path):
    staff = StaffFactory(email="nadia@exemple.re", role="Accueil")
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    base = live_server.url

    page.goto(base + "/")
    page.get_by_role("link", name="Déposer une demande d'accompagnement").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Commencer ma demande").click()

    page.get_by_label("Prénom").fill("Céline")
    page.locator("#id_last_name").fill("Dijoux")
    page.get_by_label("Adresse électronique").fill("celine@exemple.re")
    page.get_by_label("Commune de résidence").select_option(label="Saint-Denis")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label("Nom ou titre du projet").fill("Épicerie solidaire du Chaudron")
    page.get_by_label("Décrivez votre projet").fill("Une épicerie à petits prix pour les familles.")
    page.get_by_label("Commune où le projet aura lieu").select_option(label="Saint-Denis")
    page.get_by_label("Création").check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label("Financement").check()
    page.get_by_role("button", name="Continuer").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Continuer").click()  # every FSE question refused

    document = tmp_path / "budget.pdf"
    document.write_bytes(b"%PDF-1.7\nbudget previsionnel")
    page.get_by_label("Documents (facultatif)").set_input_files(str(document))
    page.locator("#id_consent").check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/demande/envoyee/")
    reference = re.search(r"ESS-\d{4}-\d{5}", page.content()).group(0)

    email = OutgoingEmail.objects.get(kind="accueil/confirmation")
    link = re.search(r"http://\S+(/accompagnement/suivi/\S+/)", email.body_text).group(1)
    page.goto(base + link)
    assert page.get_by_text("Nouvelle", exact=True).is_visible()
    assert page.get_by_text("budget.pdf").is_visible()
    assert serious_accessibility_violations(page) == []

    # A staff member takes the request into qualification in the admin.
    staff_page = page.context.browser.new_page()
    staff_page.goto(base + "/gestion/login/")
    staff_page.fill("#id_username", staff.email)
    staff_page.fill("#id_password", PASSWORD)
    staff_page.click("input[type=submit]")
    staff_page.goto(base + "/gestion/accueil/intakerequest/")
    staff_page.get_by_role("link", name=reference).click()
    staff_page.get_by_role("button", name="Prendre en charge (qualification)").click()
    staff_page.wait_for_load_state()
    assert "C'est fait" in staff_page.content() or "C&#x27;est fait" in staff_page.content()
    staff_page.close()

    page.reload()
    assert page.get_by_text("En qualification", exact=True).first.is_visible()
    assert csp == []
