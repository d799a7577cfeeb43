"""The territory pages: one territory (région, arrondissement, EPCI, commune), its place in
the tree, and the block of every action that has something to say about it
(lib.territory_blocks, rendered and cached by territoires.blocks)."""

from functools import lru_cache

from django.http import Http404
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from lib import cacheversion, territory_blocks
from referentiels.models import Territory, TerritoryKind
from territoires import blocks

KIND_LABELS = {
    TerritoryKind.REGION: "Région",
    TerritoryKind.ARRONDISSEMENT: "Arrondissement",
    TerritoryKind.EPCI: "Intercommunalité",
    TerritoryKind.COMMUNE: "Commune",
}


def heading(territory: Territory) -> str:
    if territory.kind == TerritoryKind.ARRONDISSEMENT:
        return f"Arrondissement de {territory.name}"
    return territory.name


def _link(territory: Territory) -> dict:
    label = territory.short_name or heading(territory)
    return {"label": label, "name": heading(territory), "url": territory.page_url}


def _crumbs(territory: Territory) -> list[dict]:
    """Région > EPCI > commune (an arrondissement hangs from the région): the ancestors."""
    above = []
    parent = territory.parent
    while parent is not None:
        above.insert(0, _link(parent))
        parent = parent.parent
    return above


def _nearby(territory: Territory, tree: blocks.Tree) -> list[tuple[str, list[dict]]]:
    """The territories one goes on to from this one: (caption, links)."""
    if territory.kind == TerritoryKind.REGION:
        return [
            ("Les intercommunalités", [_link(t) for t in tree.of_kind(TerritoryKind.EPCI)]),
            ("Les arrondissements", [_link(t) for t in tree.of_kind(TerritoryKind.ARRONDISSEMENT)]),
        ]
    if territory.kind in (TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT):
        return [("Ses communes", [_link(t) for t in tree.communes_of(territory)])]
    if territory.parent is not None:
        others = [_link(t) for t in tree.communes_of(territory.parent) if t.pk != territory.pk]
        if others:
            return [(f"Les autres communes de {territory.parent.short_name or territory.parent.name}", others)]
    return []


@lru_cache(maxsize=64)
def _asset_urls(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The static files' URLs, once per process: the manifest does not change while it runs,
    and each lookup costs as much as a block read from the cache."""
    return tuple(static(path) for path in paths)


@require_GET
def territory_page(request, kind: str, slug: str):
    found_blocks = territory_blocks.blocks(kind)
    # One round trip to the cache: every block's version, the tree's stamp, every block's entry.
    keys = [blocks.TREE_STAMP_KEY, *(blocks.block_key(block, kind, slug) for block in found_blocks)]
    with cacheversion.prefetched(keys) as found:
        tree = blocks.tree(found)
        territory = tree.find(kind, slug)
        if territory is None:
            raise Http404("Territoire inconnu.")
        rendered = blocks.render_blocks(territory, found_blocks, found)
    stylesheets, scripts = territory_blocks.assets(found_blocks)
    context = {
        "territory": territory,
        "heading": heading(territory),
        "kind_label": KIND_LABELS[territory.kind],
        "population": tree.population(territory),
        "population_year": tree.population_year(territory),
        "commune_count": len(tree.communes_of(territory)) if territory.kind != TerritoryKind.COMMUNE else None,
        "crumbs": _crumbs(territory),
        "arrondissement": _link(territory.arrondissement) if territory.arrondissement else None,
        "nearby": _nearby(territory, tree),
        "blocks": rendered,
        "unavailable": blocks.UNAVAILABLE,
        "stylesheets": _asset_urls(tuple(stylesheets)),
        "scripts": _asset_urls(tuple(scripts)),
    }
    return render(request, "territoires/pages/territoire.html", context)
