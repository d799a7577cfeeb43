"""A manager of a SAS asks « Mon entreprise fait-elle partie de l'ESS ? », on a phone and on
a desktop screen: chooses « Société commerciale » (its questions then appear), answers that
most profits are distributed, reads why the company is not of the ESS with the articles and
what to change, then asks to be followed up: the intake request opens with the legal form
already chosen, « prérempli depuis » the self-check. axe-core clean, no sideways scroll."""

import pytest

from accueil.models import IntakeRequest
from tests.accueil.factories import commune
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_self_check_then_result_with_reasons_then_a_prefilled_request(page, live_server, width):
    commune("97411")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/ess/")
    page.get_by_role("link", name="Mon entreprise fait-elle partie de l'ESS ?").click()
    page.get_by_role("heading", name="Mon entreprise fait-elle partie de l'ESS ?").wait_for()
    company_questions = page.get_by_role("heading", name="2. Pour une société commerciale : vos statuts")
    # Asked of a commercial company only: the page's script hides them once it has run.
    company_questions.wait_for(state="hidden", timeout=5000)
    look(page, "appartenance-autodiagnostic")

    page.get_by_label("Société commerciale (SAS, SARL, SA…)").check()
    company_questions.wait_for(state="visible", timeout=5000)
    questions = page.locator("#questions-societe fieldset")
    for index in range(questions.count()):
        questions.nth(index).get_by_label("Oui").check()
    page.get_by_role("group", name="Les bénéfices sont-ils majoritairement consacrés").get_by_label("Non").check()
    page.get_by_role("button", name="Voir le résultat").click()

    page.get_by_role("heading", name="Votre structure ne fait pas partie de l'ESS en l'état").wait_for()
    assert "benefices=non" in page.url  # a shareable result: the answers are in its address
    condition = page.locator(".condition-non_rempli")
    assert condition.count() == 1
    assert "art. 1er, I, 3°, a" in condition.inner_text()
    assert "Ce qu'il faudrait changer" in condition.inner_text()
    look(page, "appartenance-autodiagnostic-resultat")
    assert not IntakeRequest.objects.exists()

    page.get_by_role("button", name="Demander un accompagnement avec ces réponses").click()
    page.get_by_role("heading", name="Vous").wait_for()
    page.get_by_label("Prénom").fill("Josette")
    page.locator("#id_last_name").fill("Payet")
    page.get_by_label("Adresse électronique").fill("josette@exemple.re")
    page.get_by_label("Commune de résidence").select_option(label="Saint-Denis")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("heading", name="Votre projet").wait_for()
    assert page.get_by_text("Prérempli depuis l'autodiagnostic").is_visible()
    chosen = page.get_by_label("Forme juridique envisagée ou existante")
    assert chosen.input_value() == "societe_commerciale"
    look(page, "appartenance-demande-preremplie")
    assert not IntakeRequest.objects.exists()
