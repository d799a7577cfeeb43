"""A person looks for a statute model on a phone and on a desktop screen: searches without
accents, narrows by format, opens the resource, downloads its file (counted). axe-core
clean, no sideways scroll."""

import pytest

from appartenance.models_resources import Resource, ResourceFormat
from tests.appartenance.resources_factories import make_resource
from tests.helpers.browser import look

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [360, 1280])
def test_search_a_resource_open_it_and_download_it(page, live_server, width):
    make_resource(
        "Modèle de statuts de SCIC",
        kind=ResourceFormat.STATUTES,
        summary="Les statuts types d'une société coopérative d'intérêt collectif.",
        themes=["creation", "cooperation"],
        audiences=["porteur"],
    )
    make_resource("Créer une coopérative pas à pas", summary="Les étapes de la création d'une coopérative.")
    make_resource("Panorama de l'ESS", kind=ResourceFormat.OBSERVATORY, themes=["chiffres"])
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url

    page.goto(base + "/ess/")
    page.get_by_role("link", name="Centre de ressources").click()
    page.get_by_role("heading", name="3 ressources").wait_for()
    page.get_by_label("Mots-clés").fill("cooperatives")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("heading", name="2 ressources pour « cooperatives »").wait_for()
    page.get_by_label("Format").select_option(label="Modèle de statuts (1)")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.get_by_role("heading", name="1 ressource pour « cooperatives »").wait_for()
    assert "format=modele_statuts" in page.url
    look(page, "ressources-recherche")

    page.get_by_role("link", name="Modèle de statuts de SCIC").click()
    page.get_by_role("heading", name="Modèle de statuts de SCIC", level=1).wait_for()
    look(page, "ressources-ressource")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (PDF)").click()
    assert download.value.suggested_filename == "modele-de-statuts-de-scic.pdf"
    assert Resource.objects.get(slug="modele-de-statuts-de-scic").download_count == 1
