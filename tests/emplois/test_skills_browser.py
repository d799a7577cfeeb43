"""A volunteer starts a skills record, opens it from the email, adds an experience with its
skills and reads the compte d'engagement citoyen's reasons, on a phone and on a desk:
axe-core clean, no sideways scroll, each page saved for `make screenshots`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpers.browser import look
from tests.helpers.mail import link_path, sent_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [390, 1280])
def test_start_a_record_add_an_experience_and_read_the_cec_reasons(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/emplois/competences/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon dossier de compétences"
    look(page, "competences-debut")
    page.get_by_role("button", name="Créer mon dossier").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()  # the summary of the errors, in French
    assert "Indiquez l'adresse" in page.get_by_role("alert").inner_text()
    look(page, "competences-debut-erreurs")
    page.get_by_label("Votre adresse électronique").fill("benevole@exemple.re")
    page.get_by_label("J'accepte que la CRESS").check()
    page.get_by_role("button", name="Créer mon dossier").click()
    page.wait_for_url("**/competences/envoye/")
    look(page, "competences-envoye")

    path = link_path(sent_email(kind="emplois/competences_lien"), r"/emplois/competences/dossier/[\w-]+/")
    page.goto(live_server.url + path)
    look(page, "competences-dossier-vide")
    page.get_by_role("link", name="Ajouter une expérience").click()
    page.wait_for_url("**/experience/")
    page.get_by_label("Fonction ou mission").fill("Trésorière")
    page.get_by_label("Structure").fill("Les Jardins partagés du Chaudron")
    page.get_by_label("Bénévole", exact=True).check()
    start = timezone.localdate() - timedelta(days=800)
    page.get_by_label("Début").fill(start.isoformat())
    page.get_by_label("Ou heures par semaine").fill("5")
    page.get_by_label("Écrire", exact=True).check()
    page.get_by_label("Travailler en équipe", exact=True).check()
    page.get_by_label("Oui").first.check()
    page.locator("#id_general_interest_0").check()
    page.get_by_label("Membre de l'organe de direction").check()
    look(page, "competences-experience")
    page.get_by_role("button", name="Enregistrer l'expérience").click()
    page.wait_for_url("**/dossier/*/#experiences")
    assert page.get_by_role("heading", name="Trésorière", exact=True).is_visible()
    assert page.get_by_text("Peut ouvrir des droits (240 €").first.is_visible()
    look(page, "competences-dossier")
    # The refused form answers 400 on purpose: the only console line allowed.
    assert [p for p in problems if "status of 400" not in p] == []
