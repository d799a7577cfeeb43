"""lib.territory_blocks: the registry's contract, checked with a fake block, then every
block the apps register held to it (a template of its own app, a hashable version that holds
while nothing is written, a context for each kind of territory it shows on)."""

from collections.abc import Hashable

import pytest
from django.template.loader import get_template

from lib import territory_blocks
from lib.territory_blocks import KINDS, TerritoryBlock
from referentiels.models import Territory


def fake(name, order, **extra) -> TerritoryBlock:
    return TerritoryBlock(
        name=name,
        title=f"Bloc {name}",
        order=order,
        template="essai/_bloc.html",
        context=lambda territory: {"empty": "Rien à montrer."},
        version=lambda: 1,
        **extra,
    )


@pytest.fixture
def registry():
    saved = dict(territory_blocks._BLOCKS)
    territory_blocks._BLOCKS.clear()
    yield territory_blocks
    territory_blocks._BLOCKS.clear()
    territory_blocks._BLOCKS.update(saved)


def test_blocks_come_in_order_then_by_name_and_only_for_their_kinds(registry):
    registry.register(fake("b", 20))
    registry.register(fake("a", 20))
    registry.register(fake("premier", 5))
    registry.register(fake("communes", 1, kinds=("commune",)))
    assert [block.name for block in registry.blocks()] == ["communes", "premier", "a", "b"]
    assert [block.name for block in registry.blocks("epci")] == ["premier", "a", "b"]
    assert [block.name for block in registry.blocks("commune")] == ["communes", "premier", "a", "b"]


def test_a_block_is_replaced_by_name_and_unregistered(registry):
    registry.register(fake("a", 10))
    registry.register(fake("a", 30, wide=True))
    (block,) = registry.blocks()
    assert block.order == 30 and block.wide
    registry.unregister("a")
    registry.unregister("absent")  # nothing to remove: no error
    assert registry.blocks() == []


def test_a_block_shows_everywhere_narrow_and_without_assets_by_default():
    block = fake("a", 10)
    assert block.kinds == KINDS == ("region", "arrondissement", "epci", "commune")
    assert not block.wide and block.stylesheets == () and block.scripts == ()


def test_the_assets_of_the_blocks_come_once_each_in_order(registry):
    first = fake("carte", 1, stylesheets=("a.css",), scripts=("leaflet.js", "carte.js"))
    second = fake("autre", 2, stylesheets=("a.css", "b.css"), scripts=("leaflet.js",))
    assert registry.assets([first, second]) == (["a.css", "b.css"], ["leaflet.js", "carte.js"])
    assert registry.assets([]) == ([], [])


# --- Every block the apps register --------------------------------------------------------


def test_each_action_registers_its_block():
    names = {block.name for block in territory_blocks.blocks()}
    assert {"observatoire", "annuaire", "plans", "agenda", "partenaires", "accueil"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("block", territory_blocks.blocks(), ids=lambda block: block.name)
def test_each_registered_block_keeps_the_contract(block, django_capture_on_commit_callbacks):
    app = block.template.split("/")[0]
    assert block.template == f"{app}/_bloc_territoire.html"
    get_template(block.template)
    assert set(block.kinds) <= set(KINDS) and block.title and block.name.replace("-", "").isalnum()
    version = block.version()
    assert isinstance(version, Hashable) and hash(version) == hash(block.version())
    for kind in block.kinds:
        territory = Territory.objects.filter(kind=kind).order_by("code").first()
        context = block.context(territory)
        assert isinstance(context, dict)
        # With no data anywhere, each action says so in a sentence of its own.
        assert isinstance(context.get("empty"), str) and context["empty"].endswith("."), (block.name, kind)
    assert block.version() == version, "reading wrote nothing: the version holds"
