"""A commune's and an intercommunality's page in Chromium, at a desk's and a phone's width:
every action's block, the directory's map drawn with its points, no serious axe-core
violation, no sideways scroll, no script refused by the CSP."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accueil.orientation import orient
from lib import territory_blocks
from partenariats.models import PartnerKind
from referentiels.models import LegalForm, Territory, TerritoryKind
from territoires.models import Policy
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory, commune
from tests.communication.factories import EventFactory
from tests.comptes.factories import StaffFactory
from tests.formation.catalogue_factories import SessionFactory, TrainingFactory
from tests.helpers import browser
from tests.observatoire.helpers import publish_sample_observatory
from tests.partenariats.factories import make_convention, make_partner
from tests.territoires.factories import make_policy, sample_plan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NAMES = (
    "Ressourcerie du Butor", "Épicerie solidaire du Chaudron", "Jardins partagés de la Montagne",
    "SCOP Bat Karé", "Kaz à lire", "Tiers-lieu de Sainte-Clotilde", "Repair café du Moufia",
    "Mutuelle des planteurs", "Fondation Lacaze", "Atelier vélo Bellepierre", "Cuisine solidaire Vauban",
    "Association Lékol Kréol",
)  # fmt: skip


def seed() -> None:
    saint_denis, sainte_marie = commune("97411"), commune("97418")
    codes = [("SCOP", "5458"), ("Mutuelle", "8210"), ("Fondation", "9300"), ("", "9220")]
    forms = {word: LegalForm.objects.get(code=code) for word, code in codes}
    for n, name in enumerate(NAMES):
        place = saint_denis if n % 3 else sainte_marie
        OrganisationFactory(
            name=name,
            commune=place,
            legal_form=next(form for word, form in forms.items() if word in name),
            latitude=place.latitude + (n % 4 - 1.5) * 0.006,
            longitude=place.longitude + (n // 4 - 1) * 0.008,
            email=f"contact{n}@structure.re",
        )
    now = timezone.now()
    EventFactory(title="Forum de l'ESS du Nord", commune=saint_denis, starts_at=now + timedelta(days=4))
    EventFactory(title="Mois de l'ESS : portes ouvertes", commune=sainte_marie, starts_at=now + timedelta(days=12))
    SessionFactory(
        training=TrainingFactory(title="Gouvernance associative"),
        commune=saint_denis,
        starts_at=now + timedelta(days=8),
    )
    partner = make_partner(name="Chambre de métiers et de l'artisanat", kind=PartnerKind.CHAMBER)
    make_convention(partner, status="en_vigueur")
    make_partner(name="France Travail", kind=PartnerKind.EMPLOYMENT).territories.set([saint_denis.parent])
    sample_plan(saint_denis.parent)
    make_policy(Territory.objects.get(kind=TerritoryKind.REGION), title="Stratégie régionale de l'ESS")
    make_policy(saint_denis.parent, title="PTCE Nord solidaire", level=Policy.Level.EPCI, kind=Policy.Kind.PTCE)
    staff = StaffFactory(role="Accueil")
    structure = OrganisationFactory(name="Boutique de gestion", commune=saint_denis, email="bge@structure.re")
    for n in range(4):
        intake, _token = make_request(email=f"porteur{n}@exemple.re", activity_commune=saint_denis)
        if n < 3:
            orient(intake=intake, organisations=[structure], by=staff)
    publish_sample_observatory()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_commune_and_an_intercommunality_page_read_well_with_their_map(chromium, live_server, width):
    seed()
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    for path, name, heading in [
        ("/territoires/commune/saint-denis/", "territoire-commune", "Saint-Denis"),
        ("/territoires/epci/cinor/", "territoire-epci", "Communauté intercommunale du Nord de La Réunion"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        titles = page.locator("h2.territory-block-title").all_inner_texts()
        assert titles == [block.title for block in territory_blocks.blocks("commune")]
        # The map is drawn, with its points grouped or alone, and sits in view on scrolling.
        page.wait_for_selector("#carte-territoire[data-ready]", timeout=10_000)
        carte = page.locator("#carte-territoire")
        carte.scroll_into_view_if_needed()
        expect(carte).to_be_visible()
        assert carte.bounding_box()["height"] > 200
        assert page.locator("#carte-territoire .leaflet-marker-icon").count() >= 1
        assert "indisponible" not in page.content()
        browser.look(page, name)
    assert problems == []
    # The breadcrumbs lead up to the intercommunality, then to the région.
    page.goto(live_server.url + "/territoires/commune/saint-denis/")
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="CINOR").click()
    page.wait_for_url("**/territoires/epci/cinor/")
    context.close()
