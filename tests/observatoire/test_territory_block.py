"""The observatory's block on the territory pages: the latest published millésime's key
figures of the territory, read through the secrecy mask (« s », never a hidden value), an
honest notice when nothing is published for it, a link to its portrait."""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from lib import territory_blocks
from observatoire import services
from observatoire.territory_block import BLOCK, territory_figures
from referentiels.models import Territory, TerritoryKind
from tests.observatoire.helpers import (
    SAINT_DENIS,
    SAINT_PIERRE,
    SAINTE_MARIE,
    import_and_publish,
    island,
    publish_sample_observatory,
)

pytestmark = pytest.mark.django_db


def commune(code) -> Territory:
    return Territory.objects.get(kind=TerritoryKind.COMMUNE, code=code)


def rendered(territory) -> str:
    context = territory_figures(territory)
    if "empty" in context:
        return context["empty"]
    return html.unescape(render_to_string(BLOCK.template, context)).replace("\u202f", " ").replace("\u00a0", " ")


def shown_values(block_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", value) for value in re.findall(r'<p class="value mb-1">(.*?)</p>', block_html)]


def test_the_block_is_registered_with_the_observatory_data_version():
    assert territory_blocks.blocks()[0] is BLOCK  # the figures open the page
    assert BLOCK.version is services.data_version and BLOCK.wide


def test_nothing_published_is_said_honestly():
    import_and_publish(island(), publish=False)  # imported, not published: nothing shows
    assert "pas encore publié de chiffres" in territory_figures(commune(SAINT_DENIS))["empty"]


def test_the_latest_published_figures_of_the_territory_with_source_and_portrait_link():
    publish_sample_observatory()
    saint_pierre = commune(SAINT_PIERRE)
    block = rendered(saint_pierre)
    # 2024, Saint-Pierre: 10 ESS establishments, 70 employees, of 220 private employees.
    assert shown_values(block) == ["10", "70", "31,8 %"]
    assert "données au 31 décembre 2024" in block and "secret statistique" not in block
    assert f'href="{reverse("observatoire:portrait", args=[SAINT_PIERRE])}"' in block
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    assert shown_values(rendered(region)) == ["17", "136", "31,2 %"]
    assert shown_values(rendered(commune(SAINT_DENIS).parent)) == ["7", "66", "30,6 %"]


def test_a_secret_cell_shows_s_and_never_its_value():
    publish_sample_observatory()
    block = rendered(commune(SAINTE_MARIE))  # 2 ESS establishments: under the threshold of 3
    assert shown_values(block) == ["s", "s", "s"]
    assert "secret statistique" in block
    # Its 2 establishments and 6 employees appear nowhere.
    assert not re.search(r"\b[26]\b", re.sub(r"<[^>]+>|31 décembre 2024", " ", block))
    # Saint-Denis protects it (the CINOR's total minus Saint-Denis would give it away).
    block = rendered(commune(SAINT_DENIS))
    assert shown_values(block) == ["s", "s", "s"] and "60" not in block


def test_a_territory_absent_from_the_published_millesime_is_said_so():
    publish_sample_observatory()
    cilaos = commune("97424")
    assert (
        territory_figures(cilaos)["empty"]
        == "Le dernier millésime publié (2024) ne contient pas de chiffres pour ce territoire."
    )


def test_publishing_a_millesime_changes_the_version():
    before = BLOCK.version()
    import_and_publish(island(), year=2024)
    assert BLOCK.version() != before
