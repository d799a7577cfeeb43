"""A member of an organisation fills two themes of the good-practices guide in Chromium, at a
phone's and a desk's width: the first by clicking answers that save as soon as they change
(no button), the second with its button after a wrong number explained in French; then sets
an improvement action. axe-core clean, no sideways scroll."""

import pytest
from django.test import Client

from annuaire.models import PartnerMembership
from appartenance import guide
from appartenance.models_guide import GuideAction, GuideAssessment
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import UserFactory
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_an_organisation_fills_two_themes_and_sets_an_action(chromium, live_server, width):
    kaz = OrganisationFactory(name="Association Kaz Solidaire")
    marie = UserFactory(email="marie@kaz.re", first_name="Marie")
    PartnerMembership.objects.create(user=marie, organisation=kaz)
    client = Client()
    client.force_login(marie)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()

    page.goto(live_server.url + "/ess/")
    page.get_by_role("link", name="Le guide des bonnes pratiques").click()
    look(page, "guide-accueil")
    page.get_by_role("button", name="Commencer l'évaluation").click()
    page.get_by_role("heading", name="Bonnes pratiques").wait_for()
    look(page, "guide-evaluation")

    # Theme 1: each answer saves as it changes.
    page.get_by_role("link", name="Gouvernance démocratique").click()
    first = page.get_by_role("group", name="Les instances prévues par les statuts")
    first.get_by_label("Oui").check()
    page.get_by_text("Réponse enregistrée.").first.wait_for()
    page.get_by_role("group", name="Les salariés sont représentés").get_by_label("En partie").check()
    page.locator("[data-question]").nth(2).get_by_text("Réponse enregistrée.").wait_for()
    assessment = GuideAssessment.objects.get(organisation=kaz)
    answers = guide.answers_of(assessment)
    assert answers["gouvernance.instances"].choice == "oui" and answers["gouvernance.salaries"].choice == "partiel"
    look(page, "guide-theme-enregistrement")

    # Theme 2: with its button; a wrong number first.
    page.get_by_role("link", name="Thème suivant : Concertation dans l'élaboration de la stratégie").click()
    page.wait_for_url("**/strategie/")
    page.get_by_role("group", name="Un projet stratégique écrit").get_by_label("Non").check()
    page.get_by_label("Comment la concertation s'est-elle organisée").fill("Deux réunions avec l'équipe.")
    page.get_by_role("button", name="Enregistrer et revenir aux thèmes").click()
    page.get_by_text(
        "Vos réponses sur « Concertation dans l'élaboration de la stratégie » sont enregistrées."
    ).wait_for()
    assert page.get_by_role("row", name="Gouvernance démocratique").get_by_text("2 / 5").is_visible()
    assert (
        page.get_by_role("row", name="Concertation dans l'élaboration de la stratégie")
        .get_by_text("2 / 4")
        .is_visible()
    )

    # A wrong number in the territory theme is explained and not saved.
    page.get_by_role("link", name="Territorialisation de l'activité économique et des emplois").click()
    page.get_by_label("Part des achats faits auprès de fournisseurs réunionnais").fill("cent vingt")
    page.get_by_role("button", name="Enregistrer et revenir aux thèmes").click()
    page.get_by_role("alert").get_by_text("Indiquez un nombre, par exemple 42 ou 12,5.").wait_for()
    look(page, "guide-theme-erreur")
    page.goto(live_server.url + f"/ess/bonnes-pratiques/{kaz.pk}/{assessment.year}/")

    # An improvement action.
    page.get_by_label("Thème", exact=True).select_option(label="Développement durable")
    page.get_by_label("Porteur").fill("Le trésorier")
    page.get_by_label("Action", exact=True).fill("Installer un composteur pour les biodéchets")
    page.get_by_role("button", name="Ajouter l'action").click()
    page.get_by_text("L'action est ajoutée.").wait_for()
    assert GuideAction.objects.get().title == "Installer un composteur pour les biodéchets"
    look(page, "guide-actions")
    context.close()
