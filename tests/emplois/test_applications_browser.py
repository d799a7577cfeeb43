"""A candidate's and an employer's journey in Chromium, at a phone's and a desk's width: the
candidate searches the board, opens the offer, applies with a CV (an error first, explained
in French), the employer opens the application from the emailed link, downloads the CV and
proposes an interview, the candidate sees the proposal on their own private link; axe-core
clean and no sideways scroll."""

import pytest

from emplois.models import Application
from tests.emplois.factories import PDF, make_offer
from tests.helpers import browser
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EMPLOYER_PAGE = r"/emplois/employeur/candidature/\S+/"
CANDIDATE_PAGE = r"/emplois/ma-candidature/\S+/"


@pytest.mark.parametrize("width", [390, 1280])
def test_apply_then_the_employer_proposes_an_interview_and_the_candidate_sees_it(chromium, live_server, width):
    make_offer("Accompagnant éducatif et social", contact_email="rh@kaz-services.re")
    make_offer(
        "Comptable d'association", rome_code="M1203", description="<p>Tenir les comptes.</p>", profile="<p>BTS.</p>"
    )
    base = live_server.url
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR", accept_downloads=True)
    csp = []
    context.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    candidate = context.new_page()

    candidate.goto(f"{base}/emplois/")
    candidate.get_by_role("searchbox", name="Métier, mot-clé, structure").fill("éducatifs")
    candidate.get_by_role("button", name="Rechercher").click()
    candidate.get_by_role("heading", name="1 offre ouverte").wait_for()
    candidate.get_by_role("link", name="Accompagnant éducatif et social").click()
    candidate.get_by_role("link", name="Candidater sur le portail").click()
    candidate.wait_for_url("**/candidater/")
    assert candidate.get_by_role("heading", name="Accompagnant éducatif et social").is_visible()
    browser.look(candidate, "emplois-candidature-formulaire")
    candidate.get_by_role("button", name="Envoyer ma candidature").click()
    assert candidate.get_by_role("alert").get_by_text("réponses sont à corriger").is_visible()
    browser.look(candidate, "emplois-candidature-erreurs")

    candidate.get_by_label("Nom et prénom").fill("Josette Hoarau")
    candidate.get_by_label("Adresse électronique").fill("josette@exemple.re")
    candidate.get_by_label("Votre message à l'employeur").fill("Six ans d'aide à domicile à Saint-Denis.")
    candidate.get_by_label("Votre CV").set_input_files({"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF})
    candidate.locator("#id_consent").check()
    candidate.get_by_role("button", name="Envoyer ma candidature").click()
    candidate.wait_for_url("**/emplois/candidature/envoyee/")
    reference = Application.objects.get().reference
    assert reference in candidate.content()
    browser.look(candidate, "emplois-candidature-envoyee")

    employer = context.new_page()
    employer.goto(base + link_path(sent_email(kind="emplois/candidature_employeur"), EMPLOYER_PAGE))
    assert employer.get_by_role("heading", name="Josette Hoarau").is_visible()
    assert employer.get_by_role("heading", name="État : Vue").is_visible()
    browser.look(employer, "emplois-candidature-employeur")
    with employer.expect_download() as download:
        employer.get_by_role("link", name="Télécharger le CV").click()
    assert download.value.suggested_filename.startswith(reference) and download.value.suggested_filename.endswith(
        ".pdf"
    )
    employer.get_by_label("Votre proposition d'entretien").fill("Mardi 12 à 9 h, 3 rue de Paris à Saint-Denis.")
    employer.get_by_role("button", name="Proposer un entretien").click()
    employer.get_by_text("Votre proposition d'entretien est envoyée").wait_for()
    assert employer.get_by_role("heading", name="État : Entretien proposé").is_visible()

    candidate.goto(base + link_path(sent_email(kind="emplois/candidature_entretien"), CANDIDATE_PAGE))
    assert candidate.get_by_role("heading", name="Proposition d'entretien").is_visible()
    assert candidate.get_by_text("3 rue de Paris à Saint-Denis").is_visible()
    assert candidate.get_by_text("Entretien proposé").first.is_visible()
    browser.look(candidate, "emplois-candidature-candidat")
    assert csp == []
    context.close()
