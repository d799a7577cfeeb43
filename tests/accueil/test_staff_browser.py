"""The accueil staff's day in Chromium, on a desktop and on a phone: the list, a request
taken (and so assigned) from the action bar at the top of its page, oriented to a structure
found by a search after reading the emails, then found again under « Mes demandes »."""

import pytest

from accueil.models import IntakeRequest, Orientation
from tests.accueil.factories import commune, make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers import browser
from tests.helpers.auth import browser_login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_take_orient_to_a_searched_structure_and_find_their_requests(page, live_server, width):
    def look(name):
        browser.look(page, f"equipe-{name}")

    nadia = StaffFactory(email="nadia@exemple.re", role="Accueil", first_name="Nadia", last_name="Payet")
    intake, _ = make_request(title="Épicerie solidaire du Chaudron")
    for index in range(3):
        make_request(email=f"autre{index}@exemple.re", title=f"Projet de quartier numéro {index}")
    OrganisationFactory(name="Kaz Initiatives", commune=commune(), is_support_structure=True, email="kaz@exemple.re")
    OrganisationFactory(name="Ressourcerie Kaz Lontan", commune=commune("97416"), email="rkl@exemple.re")
    page.set_viewport_size({"width": width, "height": 800})
    base = live_server.url
    browser_login(page, base, nadia.email, PASSWORD)

    page.goto(base + "/gestion/")
    assert page.get_by_role("heading", name="Aujourd'hui à l'accueil").is_visible()
    look("accueil-gestion")
    page.get_by_role("link", name="4 nouvelles demandes à prendre en charge").click()
    look("liste")
    if width >= 1280:
        # The whole list shows, its last column included, without scrolling inside its box.
        assert (
            page.evaluate("(r => r.scrollWidth - r.clientWidth)(document.querySelector('#changelist .results'))") <= 0
        )
        assert page.get_by_role("columnheader", name="Sans action").is_visible()
    page.get_by_role("link", name=intake.reference).click()
    # The actions come first, within the first screen, erasure not among them (a superuser's).
    take = page.get_by_role("button", name="Prendre en charge (qualification)")
    assert take.bounding_box()["y"] < 800
    assert page.get_by_role("link", name="Effacer les données de la personne…").count() == 0
    look("demande")
    take.click()
    page.wait_for_load_state()
    assert page.locator("#workbar-assignee").inner_text() == "Nadia Payet"

    page.get_by_role("link", name="Orienter vers des structures…").click()
    page.get_by_label("Kaz Initiatives").check()
    # The admin's search of the directory: a published structure that no rule recommends.
    page.locator(".orient-search .select2-selection").click()
    page.locator(".select2-search__field").fill("Lontan")
    page.get_by_role("option", name="Ressourcerie Kaz Lontan").click()
    look("orienter")
    page.get_by_role("button", name="Voir le courriel de chaque structure avant l'envoi").click()
    assert page.get_by_text("Pourquoi vous : Installée à Saint-Denis.").is_visible()
    look("apercu")
    page.get_by_role("button", name="Envoyer 2 orientations").click()
    page.wait_for_load_state()
    assert set(Orientation.objects.values_list("organisation__name", flat=True)) == {
        "Kaz Initiatives",
        "Ressourcerie Kaz Lontan",
    }
    assert IntakeRequest.objects.get(pk=intake.pk).status == "orientee"

    page.goto(base + "/gestion/accueil/intakerequest/?attribuee=moi")
    assert page.get_by_role("link", name=intake.reference).is_visible()
    assert page.locator("#result_list tbody tr").count() == 1
    look("mes-demandes")
