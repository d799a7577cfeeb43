"""A visitor browses the partners page on a desktop screen and on a phone: partners by kind
with their logos, a kind chosen from the list, then a partner's page; axe-core clean."""

import pytest

from annuaire.models import Organisation
from partenariats.demo import seed_partnerships
from tests.annuaire.factories import OrganisationFactory
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_browse_the_partners_by_kind_and_open_one(page, live_server, width):
    OrganisationFactory(name="Kaz Initiatives Est — incubateur ESS", is_published=True)
    seed_partnerships(incubator="Kaz Initiatives Est — incubateur ESS")
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/")
    if width >= 992:  # the main menu; on a phone it is folded behind its button
        page.get_by_role("link", name="Partenaires", exact=True).first.click()
    else:
        page.goto(live_server.url + "/partenaires/")
    page.wait_for_url("**/partenaires/")
    assert page.get_by_role("heading", level=1).inner_text() == "Les partenaires de la CRESS"
    assert page.get_by_role("heading", name="Chambres consulaires", level=2).is_visible()
    assert page.locator(".partner-card").count() == 8
    logos = page.locator("img.partner-logo")
    assert logos.count() == 7
    for index in range(logos.count()):
        logos.nth(index).scroll_into_view_if_needed()
        assert logos.nth(index).evaluate("img => img.complete && img.naturalWidth > 0"), "the logo is served"
    look(page, "partenaires")

    page.get_by_role("link", name="Emploi et orientation").click()
    page.wait_for_url("**/partenaires/?type=emploi")
    assert page.locator(".partner-card").count() == 2
    assert page.get_by_role("link", name="Emploi et orientation").get_attribute("aria-current") == "page"
    look(page, "partenaires-emploi")

    page.goto(live_server.url + "/partenaires/?type=inconnu")
    assert page.get_by_role("status").filter(has_text="Ce type de partenaire n'existe pas").is_visible()

    page.goto(live_server.url + "/partenaires/")
    page.get_by_role("link", name="Union régionale des SCOP et SCIC de La Réunion").click()
    page.wait_for_url("**/partenaires/union-regionale-des-scop-et-scic-de-la-reunion/")
    assert page.get_by_role("heading", name="Ce que le partenariat apporte").is_visible()
    assert page.get_by_text("Transmettre des entreprises artisanales en SCOP").is_visible()
    assert page.get_by_role("link", name="Chambre de métiers et de l'artisanat de La Réunion").count() >= 1
    directory = page.get_by_role("link", name="Sa fiche dans l'annuaire de l'ESS")
    slug = Organisation.objects.get(acronym="URSCOP").slug
    assert directory.get_attribute("href") == f"/annuaire/structure/{slug}/"
    look(page, "partenaire-urscop")
    assert problems == []
