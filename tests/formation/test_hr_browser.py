"""The HR support journey in Chromium, at a phone's and a desk's width: an employer files the
form (the structure picked from the directory's suggestions), follows the emailed link to
the follow-up page, a staff member takes the request and writes in the admin, the employer
follows the new email's link, reads and answers, and the staff member is emailed."""

import re

import pytest

from formation.models import HrRequest
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.formation.hr_factories import make_training
from tests.helpers import browser
from tests.helpers.auth import browser_login
from tests.helpers.mail import link_path, sent_email

FOLLOW_UP = r"/formations/appui-rh/suivi/\S+/"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
]


@pytest.mark.parametrize("width", [360, 1280])
def test_an_employer_asks_for_hr_support_and_talks_with_the_staff(chromium, live_server, width):
    staff = StaffFactory(role="Formation", email="paul@cress.re", first_name="Paul")
    kaz = OrganisationFactory(name="Kaz Initiatives", is_published=True)
    training = make_training(title="Recruter son premier salarié")
    base = live_server.url
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    employer = context.new_page()

    # The form, with an error first: the summary names it, in French.
    employer.goto(base + "/formations/appui-rh/")
    browser.look(employer, "appui-rh-formulaire")
    employer.get_by_role("button", name="Envoyer ma demande").click()
    summary = employer.get_by_role("alert")
    assert summary.get_by_text("réponses sont à corriger").is_visible()
    assert summary.get_by_role("link", name=re.compile("Votre structure : Indiquez le nom")).is_visible()
    browser.look(employer, "appui-rh-erreurs")

    field = employer.get_by_label("Votre structure")
    field.press_sequentially("Kaz Ini", delay=30)
    employer.get_by_role("option", name="Kaz Initiatives").click()
    assert field.input_value() == "Kaz Initiatives"
    employer.get_by_label("Nombre de salarié·es").fill("8")
    employer.get_by_label("Vos prénom et nom").fill("Josiane Hoarau")
    employer.get_by_label("Adresse électronique").fill("josiane@kaz.re")
    employer.get_by_label("Recrutement").check()
    employer.get_by_label("Décrivez votre question").fill("Nous recrutons notre premier salarié : quel contrat ?")
    employer.locator("#id_consent").check()
    employer.get_by_role("button", name="Envoyer ma demande").click()
    employer.wait_for_url("**/appui-rh/envoyee/")
    reference = re.search(r"RH-\d{4}-\d{5}", employer.content()).group(0)
    browser.look(employer, "appui-rh-envoyee")
    assert HrRequest.objects.get(reference=reference).organisation == kaz

    acknowledgement = sent_email(kind="formation/hr_confirmation")
    assert reference in acknowledgement.subject
    employer.goto(base + link_path(acknowledgement, FOLLOW_UP))
    assert employer.get_by_text("Nouvelle", exact=True).is_visible()
    assert employer.get_by_text("Aucun message pour l'instant").is_visible()
    browser.look(employer, "appui-rh-suivi-nouvelle")

    # The staff member takes the request, points to a training and writes to the employer.
    admin = context.new_page()
    browser_login(admin, base, staff.email, PASSWORD)
    admin.goto(base + "/gestion/formation/hrrequest/")
    admin.get_by_role("link", name=reference).click()
    admin.get_by_role("button", name="Prendre en charge").click()
    admin.get_by_text("C'est fait").wait_for()
    admin.get_by_label("Formation conseillée").select_option(label=training.title)
    admin.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    admin.get_by_text("a été modifié").first.wait_for()
    admin.get_by_label("Message (l'employeur le lit").fill("Bonjour, un CDI aidé est possible : regardons ensemble.")
    admin.get_by_role("button", name="Envoyer le message").click()
    admin.get_by_text("l'employeur est prévenu par courriel").wait_for()
    assert admin.get_by_role("button", name="Demander des précisions à l'employeur").is_visible()
    browser.look(admin, "appui-rh-gestion")

    # The employer follows the new email's link, reads the message and answers.
    written = sent_email(kind="formation/hr_message_employeur")
    assert "un CDI aidé est possible" in written.body
    employer.goto(base + link_path(written, FOLLOW_UP))
    exchanges = employer.get_by_role("region", name="Vos échanges avec la CRESS")
    assert exchanges.get_by_text("un CDI aidé est possible").is_visible()
    advice = employer.get_by_role("region", name="La formation que nous vous conseillons")
    assert advice.get_by_text(training.title).is_visible()
    browser.look(employer, "appui-rh-suivi-message")
    employer.get_by_label("Votre message").fill("Merci ! Le poste est à 24 heures par semaine.")
    employer.get_by_role("button", name="Envoyer à la CRESS").click()
    employer.get_by_text("votre message est envoyé à l'équipe de la CRESS").wait_for()
    assert exchanges.get_by_text("24 heures par semaine").is_visible()
    browser.look(employer, "appui-rh-suivi-reponse")

    to_staff = sent_email(kind="formation/hr_message_equipe")
    assert to_staff.to == ["paul@cress.re"] and "24 heures par semaine" in to_staff.body
    admin.goto(base + link_path(to_staff, r"/gestion/formation/hrrequest/\d+/change/"))
    assert admin.get_by_text("24 heures par semaine").first.is_visible()
    assert csp == []
    context.close()
