"""A member of an organisation, on a phone and on a desk: logs in, opens « Mon espace » from
the header (from the menu on a phone), sees what it can do in each action, and follows the
badge's card to its snippets. Each page axe-clean, fitting the width."""

import pytest

from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory
from tests.comptes.factories import PASSWORD, UserFactory
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_a_member_finds_every_action_it_can_act_in_from_mon_espace(page, live_server, width):
    organisation = OrganisationFactory(name="Ressourcerie Lespas Recyclage")
    PartnerMembershipFactory(organisation=organisation, user=UserFactory(email="lea@lespas.re", first_name="Léa"))
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_server.url + "/compte/connexion/")
    page.get_by_label("Adresse électronique").fill("lea@lespas.re")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if width < 992:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_role("heading", name="Mon espace").wait_for()
    for title in (
        "Fiche de l'annuaire : Ressourcerie Lespas Recyclage",
        "Porteurs de projet orientés vers vous",
        "Offres d'emploi et de bénévolat",
        "Guide des bonnes pratiques",
    ):
        assert page.get_by_role("link", name=title).is_visible(), title
    look(page, "mon-espace")

    page.get_by_role("link", name="Badge « Entreprise de l'ESS »").click()
    page.wait_for_url("**/ess/mes-badges/")
    page.get_by_role("heading", name="Ressourcerie Lespas Recyclage").wait_for()
