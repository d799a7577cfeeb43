"""The machinery of the territory pages: the tree of territories, read once an hour, and
the blocks of `lib.territory_blocks`, each rendered from its app's template and cached under
(block, territory, block version).

A warm page asks the database nothing: the tree comes from the cache, and so does every
block whose version has not moved. A block that fails (its version, its context or its
template raises) is logged and shown as unavailable; the other blocks are not affected.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from lib.territory_blocks import EXPIRES_AT, TerritoryBlock
from referentiels.models import Territory, TerritoryKind

logger = logging.getLogger(__name__)

TREE_KEY = "territoires:arbre"
# Reference data changes about once a year: like the overview, the tree is kept an hour.
TREE_SECONDS = 3600
# A block's rendering lives under its version: a day is only what an unused key costs.
BLOCK_SECONDS = 24 * 3600
UNAVAILABLE = "Cette rubrique est indisponible pour le moment. Réessayez un peu plus tard."


@dataclass
class Tree:
    """Every territory, with its parent, its parent's parent and its arrondissement set on
    it (so that a block reads them without a query), and the communes of each."""

    by_pk: dict[int, Territory]
    by_kind_slug: dict[tuple[str, str], Territory]
    children: dict[int, list[Territory]] = field(default_factory=dict)  # EPCI, arrondissement → communes

    def find(self, kind: str, slug: str) -> Territory | None:
        return self.by_kind_slug.get((kind, slug))

    def communes_of(self, territory: Territory) -> list[Territory]:
        if territory.kind == TerritoryKind.COMMUNE:
            return [territory]
        if territory.kind == TerritoryKind.REGION:
            return self.of_kind(TerritoryKind.COMMUNE)
        return self.children.get(territory.pk, [])

    def of_kind(self, kind: str) -> list[Territory]:
        return sorted((t for t in self.by_pk.values() if t.kind == kind), key=lambda t: t.name)

    def population(self, territory: Territory) -> int | None:
        """The territory's own population, else the sum of its communes'."""
        if territory.population:
            return territory.population
        communes = self.communes_of(territory)
        if not communes or any(commune.population is None for commune in communes):
            return None
        return sum(commune.population for commune in communes)

    def population_year(self, territory: Territory) -> int | None:
        years = {commune.population_year for commune in self.communes_of(territory)} - {None}
        return max(years) if years else None


def build_tree() -> Tree:
    territories = list(Territory.objects.order_by("name"))  # a few dozen rows
    by_pk = {territory.pk: territory for territory in territories}
    children: dict[int, list[Territory]] = {}
    for territory in territories:
        # Setting the relations makes the descriptors' caches: no lazy query later.
        territory.parent = by_pk.get(territory.parent_id)
        territory.arrondissement = by_pk.get(territory.arrondissement_id)
        if territory.kind == TerritoryKind.COMMUNE:
            for above in (territory.parent_id, territory.arrondissement_id):
                if above is not None:
                    children.setdefault(above, []).append(territory)
    return Tree(
        by_pk=by_pk,
        by_kind_slug={(territory.kind, territory.slug): territory for territory in territories},
        children=children,
    )


def tree() -> Tree:
    found = cache.get(TREE_KEY)
    if found is None:
        found = build_tree()
        cache.set(TREE_KEY, found, TREE_SECONDS)
    return found


@dataclass(frozen=True)
class RenderedBlock:
    name: str
    title: str
    html: SafeString
    wide: bool = False
    failed: bool = False

    @property
    def anchor(self) -> str:
        return f"bloc-{self.name}"


def _key(block: TerritoryBlock, territory: Territory, version) -> str:
    digest = hashlib.sha256(repr(version).encode()).hexdigest()[:20]
    return f"territoires:bloc:{block.name}:{territory.pk}:{digest}"


def _timeout(context: dict) -> int:
    expires_at: datetime | None = context.get(EXPIRES_AT)
    if expires_at is None:
        return BLOCK_SECONDS
    return int(min(BLOCK_SECONDS, max(1, (expires_at - timezone.now()).total_seconds())))


def _render(block: TerritoryBlock, territory: Territory) -> tuple[str, int]:
    context = block.context(territory)
    if context.get("empty"):
        html = render_to_string("territoires/pages/_bloc_vide.html", {"sentence": context["empty"]})
    else:
        html = render_to_string(block.template, context)
    return html, _timeout(context)


def _failed(block: TerritoryBlock, territory: Territory, stage: str) -> RenderedBlock:
    logger.exception("Bloc de territoire « %s » en échec (%s) pour %s (%s)", block.name, stage, territory, territory.pk)
    return RenderedBlock(block.name, block.title, mark_safe(""), wide=block.wide, failed=True)


def render_blocks(territory: Territory, found: list[TerritoryBlock]) -> list[RenderedBlock]:
    """Each block's HTML, from the cache when its version has not moved (one round trip for
    all of them), else rendered and stored."""
    keys: dict[str, str] = {}
    failed: dict[str, RenderedBlock] = {}
    for block in found:
        try:
            keys[block.name] = _key(block, territory, block.version())
        except Exception:
            failed[block.name] = _failed(block, territory, "version")
    cached = cache.get_many(list(keys.values())) if keys else {}
    rendered = []
    for block in found:
        if block.name in failed:
            rendered.append(failed[block.name])
            continue
        key = keys[block.name]
        html = cached.get(key)
        if html is None:
            try:
                html, timeout = _render(block, territory)
            except Exception:
                rendered.append(_failed(block, territory, "rendu"))
                continue
            cache.set(key, html, timeout)
        rendered.append(RenderedBlock(block.name, block.title, mark_safe(html), wide=block.wide))  # noqa: S308 — a template's output
    return rendered
