"""A member of an organisation, on a phone and on a desk: logs in from « L'ESS et vous », finds
its badge and the code to paste, then opens the verification page its link leads to. Each
page axe-clean, fitting the width."""

import pytest
from django.utils import timezone

from appartenance.models_badges import Membership, MembershipState
from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory
from tests.comptes.factories import PASSWORD, UserFactory
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_a_member_finds_its_badge_and_its_verification_page(page, live_server, width):
    year = timezone.localdate().year
    organisation = OrganisationFactory(name="Ressourcerie Lespas Recyclage")
    Membership.objects.create(
        organisation=organisation,
        year=year,
        state=MembershipState.PAID,
        fee_amount="120",
        fee_paid_on=timezone.localdate(),
    )
    PartnerMembershipFactory(organisation=organisation, user=UserFactory(email="lea@lespas.re"))
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_server.url + "/ess/")
    look(page, "appartenance-index")
    page.get_by_role("link", name="Le badge des adhérents").click()
    page.wait_for_url("**/compte/connexion/**")
    page.get_by_label("Adresse électronique").fill("lea@lespas.re")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/ess/mes-badges/")
    page.get_by_role("heading", name="Ressourcerie Lespas Recyclage").wait_for()
    snippet = page.get_by_label("Code à coller dans votre site (image SVG)").input_value()
    assert snippet.startswith('<a href="') and "/badge.svg" in snippet
    assert page.get_by_role("img", name=f"Entreprise de l'ESS — adhérente de la CRESS Réunion {year}").is_visible()
    look(page, "appartenance-badge-membre")

    page.get_by_role("link", name="Voir la page de vérification").click()
    page.get_by_role("heading", name="Vérification d'un badge").wait_for()
    assert page.get_by_text("Badge valide.").is_visible()
    look(page, "appartenance-badge-verification")
