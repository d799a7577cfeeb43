"""The partners' block on the territory pages: the public partners active in the territory
(there, above it, within it, or on the whole island), with their kind and their public
conventions in force; no amount, no contact."""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.test import TestCase

from partenariats.cache import current_version
from partenariats.models import PartnerKind
from partenariats.territory_block import BLOCK, territory_partners
from referentiels.models import Territory, TerritoryKind
from tests.annuaire.factories import commune
from tests.partenariats.factories import make_contact, make_convention, make_partner

pytestmark = pytest.mark.django_db


def rendered(territory) -> str:
    context = territory_partners(territory)
    if "empty" in context:
        return context["empty"]
    return html.unescape(render_to_string(BLOCK.template, context))


def names(territory) -> list[str]:
    return re.findall(r'<a href="/annuaire/structure/[^"]+/">([^<]+)</a>', rendered(territory))


@pytest.fixture
def partners():
    saint_denis, saint_pierre = commune("97411"), commune("97416")
    island = make_partner(name="CGSS", kind=PartnerKind.SOCIAL_PROTECTION)  # no territory: the whole island
    north = make_partner(name="Mission locale Nord", kind=PartnerKind.EMPLOYMENT)
    north.territories.set([saint_denis.parent])
    south = make_partner(name="Pépinière du Sud", kind=PartnerKind.SUPPORT)
    south.territories.set([saint_pierre])
    hidden = make_partner(name="Partenaire discret")
    hidden.is_public = False
    hidden.save()
    return island, north, south


def test_partners_active_there_above_within_or_everywhere(partners):
    saint_denis, saint_pierre = commune("97411"), commune("97416")
    assert names(saint_denis) == ["CGSS", "Mission locale Nord"]
    assert names(saint_denis.parent) == ["CGSS", "Mission locale Nord"]
    assert names(saint_pierre) == ["CGSS", "Pépinière du Sud"]
    assert names(saint_pierre.parent) == ["CGSS", "Pépinière du Sud"]  # active in one of its communes
    assert names(saint_pierre.arrondissement) == ["CGSS", "Pépinière du Sud"]
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    assert names(region) == ["CGSS", "Mission locale Nord", "Pépinière du Sud"]
    assert "Partenaire discret" not in rendered(region)


def test_each_partner_with_its_kind_and_public_conventions_in_force(partners):
    island = partners[0]
    make_convention(island, status="en_vigueur", amount=25000, amount_is_public=False)
    make_convention(island, status="a_renouveler")
    make_convention(island, status="echue")
    make_convention(island, status="projet")
    make_convention(island, status="en_vigueur", is_public=False)
    make_contact(island, name="Josiane Hoarau", email="josiane@cgss.re")
    block = rendered(commune("97411"))
    assert "Protection sociale" in block and "Service public de l'emploi et orientation" in block
    assert "2 conventions en vigueur" in block and "aucune convention en vigueur" in block
    assert "25" not in block and "Hoarau" not in block and "cgss.re" not in block


def test_no_partner_there_is_said_honestly():
    assert territory_partners(commune("97411"))["empty"] == (
        "Aucun partenaire de la CRESS n'est signalé sur ce territoire pour le moment."
    )


def test_the_partners_page_is_linked_only_once_routed(partners):
    assert territory_partners(commune("97411"))["partners_url"] in ("", "/partenaires/")


def test_a_committed_change_to_the_partners_changes_the_version():
    assert BLOCK.version is current_version
    before = BLOCK.version()
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_partner(name="URSCOP")
    assert BLOCK.version() != before
