"""The directory's block on the territory pages: the published organisations located in
the territory (its communes; the région, all), counted by ESS family, the most recent, a map
of at most MAP_POINTS points, a link to the directory filtered by the territory."""

import html
import json
import re

import pytest
from django.template.loader import render_to_string
from django.test import TestCase

from annuaire import territory_block
from annuaire.services import directory_version
from annuaire.territory_block import BLOCK, territory_directory
from referentiels.models import LegalForm, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory, commune

pytestmark = pytest.mark.django_db


def rendered(territory) -> str:
    context = territory_directory(territory)
    if "empty" in context:
        return context["empty"]
    return html.unescape(render_to_string(BLOCK.template, context))


def families(block: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr><th scope="row" class="fw-normal">([^<]+)</th><td class="num">([^<]+)</td></tr>', block)


@pytest.fixture
def directory():
    saint_denis, sainte_marie, saint_pierre = commune("97411"), commune("97418"), commune("97416")
    scop = LegalForm.objects.get(code="5458")
    OrganisationFactory(name="Kaz Nord", commune=saint_denis, email="contact@kaz.re", phone="0262 00 00 00")
    OrganisationFactory(name="Jardin de Sainte-Marie", commune=sainte_marie)
    OrganisationFactory(name="SCOP du Sud", commune=saint_pierre, legal_form=scop)
    OrganisationFactory(name="Brouillon caché", commune=saint_denis, is_published=False)
    return saint_denis, sainte_marie, saint_pierre


def test_the_block_is_registered_with_the_directory_version_and_the_map_assets():
    assert BLOCK.version is directory_version and BLOCK.wide
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in BLOCK.scripts
    assert BLOCK.scripts[-1] == "js/carte-territoire.js" and "vendor/leaflet/leaflet.css" in BLOCK.stylesheets


def test_a_territory_holds_its_communes_and_the_region_holds_all(directory):
    saint_denis, _sainte_marie, saint_pierre = directory
    block = rendered(saint_denis)
    assert "Kaz Nord" in block and "Jardin" not in block and "Brouillon caché" not in block
    assert families(block) == [("Association", "1")]
    block = rendered(saint_denis.parent)  # the CINOR
    assert "Kaz Nord" in block and "Jardin de Sainte-Marie" in block and "SCOP du Sud" not in block
    assert families(block) == [("Association", "2")]
    block = rendered(saint_pierre.arrondissement)
    assert "SCOP du Sud" in block and "Kaz Nord" not in block
    assert families(block) == [("Coopérative", "1")]
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    block = rendered(region)
    assert "<strong>3</strong> structures" in block
    assert families(block) == [("Association", "2"), ("Coopérative", "1")]


def test_the_six_most_recent_and_a_link_to_the_directory_filtered_by_the_territory():
    saint_denis = commune("97411")
    for n in range(8):
        OrganisationFactory(name=f"Structure n°{n}", commune=saint_denis)
    block = rendered(saint_denis)
    listed = re.findall(r'<li><a href="/annuaire/structure/[^"]+/">([^<]+)</a>', block)
    assert listed == [f"Structure n°{n}" for n in range(7, 1, -1)]
    assert 'href="/annuaire/?commune=97411"' in block
    assert 'href="/annuaire/?epci=cinor"' in rendered(saint_denis.parent)
    assert 'href="/annuaire/"' in rendered(saint_denis.arrondissement)


def test_the_map_gets_the_points_as_json_capped_and_says_so(directory, monkeypatch):
    saint_denis = directory[0]
    block = rendered(saint_denis.parent)
    points = json.loads(
        re.search(r'<script id="points-carte-territoire" type="application/json">(.*?)</script>', block).group(1)
    )
    assert sorted(point[2] for point in points) == ["Jardin de Sainte-Marie", "Kaz Nord"]
    assert 'id="carte-territoire"' in block and "2 structures localisées" in block
    monkeypatch.setattr(territory_block, "MAP_POINTS", 1)
    block = rendered(saint_denis.parent)
    assert "la carte en montre au plus 1" in block
    assert len(json.loads(re.search(r'type="application/json">(.*?)</script>', block).group(1))) == 1


def test_no_personal_data_of_an_organisation_leaves_with_the_block(directory):
    block = rendered(directory[0])
    assert "contact@kaz.re" not in block and "0262" not in block


def test_a_territory_without_organisations_says_so():
    assert territory_directory(commune("97424"))["empty"] == (
        "Aucune structure de l'annuaire n'est encore enregistrée sur ce territoire."
    )


def test_a_committed_change_to_the_directory_changes_the_version():
    before = BLOCK.version()
    with TestCase.captureOnCommitCallbacks(execute=True):
        OrganisationFactory(commune=commune("97411"))
    assert BLOCK.version() != before
