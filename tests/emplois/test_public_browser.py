"""A person looking for work in the ESS, on a phone and on a desktop screen: searches the
offers in their own words, narrows by commune, opens an offer and reads how to apply; an
offer that has closed says so with similar open offers. axe-core clean, no sideways scroll."""

from datetime import timedelta
from decimal import Decimal

import pytest

from emplois.models import Contract, Offer
from tests.annuaire.factories import OrganisationFactory
from tests.emplois.factories import make_offer
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def seed_offers():
    lakaz = OrganisationFactory(name="Association Lakaz Kréol")
    make_offer(
        "Aide à domicile (H/F)",
        organisation=lakaz,
        contract=Contract.CDD,
        duration_months=12,
        working_time="temps_partiel",
        hours_per_week=Decimal("28"),
        pay_min=Decimal("1450"),
        pay_max=Decimal("1650"),
        description="<p>Vous accompagnez des personnes âgées à leur domicile : aide au lever, aux repas, "
        "aux courses.</p><ul><li>Tournées à Saint-Denis et Sainte-Marie</li><li>Véhicule de service</li></ul>",
        profile="<p>DEAES ou expérience équivalente. Permis B.</p>",
    )
    make_offer("Auxiliaire de vie de nuit", commune_code="97415", published_ago=timedelta(days=2))
    make_offer("Animateur ou animatrice périscolaire", rome_code="G1203", description="<p>Accueil du soir.</p>")
    make_offer("Comptable associatif", rome_code="M1203", description="<p>Paie et bilans.</p>", commune_code="97416")
    make_offer(
        "Bénévole à l'épicerie solidaire",
        contract=Contract.VOLUNTEERING,
        description="<p>Accueillir les familles, ranger les rayons.</p>",
    )
    make_offer("Webmestre", commune_code=None, remote="total", rome_code="M1805", description="<p>Site.</p>")
    return make_offer("Aide à domicile de jour", status=Offer.Status.EXPIRED)


@pytest.mark.parametrize("width", [390, 1280])
def test_search_an_offer_then_read_it(page, live_server, width):
    closed = seed_offers()
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/emplois/")
    assert page.get_by_role("heading", level=1).inner_text() == "Emplois et bénévolat dans l'ESS"
    assert page.get_by_role("heading", name="6 offres ouvertes").is_visible()
    look(page, "emplois-liste")

    page.get_by_label("Métier, mot-clé, structure").fill("aides à domicile")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url("**/emplois/?q=*")
    assert page.get_by_role("heading", name="2 offres ouvertes pour « aides à domicile »").is_visible()
    page.get_by_label("Commune").select_option("97411")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**commune=97411*")
    assert page.locator(".offer-card").count() == 1
    look(page, "emplois-recherche")

    page.get_by_role("link", name="Aide à domicile (H/F)").click()
    page.wait_for_url("**/emplois/offres/*-aide-a-domicile-hf/")
    assert page.get_by_role("heading", level=1).inner_text() == "Aide à domicile (H/F)"
    assert page.get_by_text("1\u202f450 – 1\u202f650 € brut par mois").first.is_visible()
    assert page.get_by_role("heading", name="Comment candidater").is_visible()
    assert page.get_by_role("link", name="Association Lakaz Kréol").first.is_visible()
    look(page, "emplois-offre")
    assert problems == []

    # A closed offer: the browser logs its 410 as a failed resource, which is what it is.
    response = page.goto(live_server.url + f"/emplois/offres/{closed.pk}-{closed.slug}/")
    assert response.status == 410
    assert page.get_by_text("Cette offre n'est plus ouverte aux candidatures.").is_visible()
    assert page.locator(".offer-card").count() == 3  # the open offers of the same grand domaine
    look(page, "emplois-offre-close")
