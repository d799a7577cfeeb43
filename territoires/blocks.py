"""The machinery of the territory pages: the tree of territories and the blocks of
`lib.territory_blocks`, each rendered from its app's template and cached with the version
it was made under.

A warm page asks the database nothing and the cache once: the versions every block depends
on (`lib.cacheversion.prefetched`), the tree's stamp and every block's entry come back in
one round trip. A block's entry is kept under a key of its own (block, territory) with the
digest of the version it was made under inside: an entry whose digest is not the block's
current version is rendered again (a write shows at once). The tree (a few dozen rows of
reference data) is kept an hour in the cache and, while its stamp holds, in the process.
A block that fails (its version, its context or its template raises) is logged and shown as
unavailable; the other blocks are not affected.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from lib.territory_blocks import EXPIRES_AT, TerritoryBlock
from referentiels.models import Territory, TerritoryKind

logger = logging.getLogger(__name__)

# The tree is pickled: a change to `Tree` changes TREE_FORMAT, so that a process never
# reads a tree pickled by an older release.
TREE_FORMAT = 2
TREE_KEY = f"territoires:arbre:{TREE_FORMAT}"
TREE_STAMP_KEY = f"territoires:arbre:{TREE_FORMAT}:tampon"
# Reference data changes about once a year: like the overview, the tree is kept an hour.
TREE_SECONDS = 3600
# A block's entry is replaced when its version moves; a day is what an unused entry costs.
BLOCK_SECONDS = 24 * 3600
UNAVAILABLE = "Cette rubrique est indisponible pour le moment. Réessayez un peu plus tard."


@dataclass
class Tree:
    """Every territory, with its parent, its parent's parent and its arrondissement set on
    it (so that a block reads them without a query), and the communes of each."""

    by_pk: dict[int, Territory]
    by_kind_slug: dict[tuple[str, str], Territory]
    children: dict[int, list[Territory]] = field(default_factory=dict)  # EPCI, arrondissement → communes
    by_kind: dict[str, list[Territory]] = field(default_factory=dict)  # in name order
    stamp: str = ""  # names this build (see `tree`)

    def find(self, kind: str, slug: str) -> Territory | None:
        return self.by_kind_slug.get((kind, slug))

    def communes_of(self, territory: Territory) -> list[Territory]:
        if territory.kind == TerritoryKind.COMMUNE:
            return [territory]
        if territory.kind == TerritoryKind.REGION:
            return self.of_kind(TerritoryKind.COMMUNE)
        return self.children.get(territory.pk, [])

    def of_kind(self, kind: str) -> list[Territory]:
        return self.by_kind.get(kind, [])

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
    by_kind: dict[str, list[Territory]] = {}
    for territory in territories:
        by_kind.setdefault(territory.kind, []).append(territory)
        territory.page_url = reverse("territoires:territoire", args=[territory.kind, territory.slug])
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
        by_kind=by_kind,
    )


_latest: list[Tree] = []  # this process's last tree read, if any


def tree(found: dict) -> Tree:
    """The tree in force. `found` holds the cache's value of TREE_STAMP_KEY (read with the
    page's other entries): while it names the tree this process holds, nothing more is read."""
    stamp = found.get(TREE_STAMP_KEY)
    if stamp is not None:
        if _latest and _latest[0].stamp == stamp:
            return _latest[0]
        cached = cache.get(TREE_KEY)
        if cached is not None and cached.stamp == stamp:
            _latest[:] = [cached]
            return cached
    built = build_tree()
    built.stamp = secrets.token_hex(8)
    # The tree first, then the stamp that names it: a reader never finds a stamp whose tree
    # is missing (but for eviction, which only costs a rebuild).
    cache.set(TREE_KEY, built, TREE_SECONDS)
    cache.set(TREE_STAMP_KEY, built.stamp, TREE_SECONDS)
    _latest[:] = [built]
    return built


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


def block_key(block: TerritoryBlock, kind: str, slug: str) -> str:
    """Where a block's entry for a territory is kept (the page knows the kind and slug from
    its address: the key is read with the versions, before the tree)."""
    return f"territoires:bloc:{block.name}:{kind}:{slug}"


def _digest(version) -> str:
    return hashlib.sha256(repr(version).encode()).hexdigest()[:20]


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


def render_blocks(territory: Territory, found_blocks: list[TerritoryBlock], found: dict) -> list[RenderedBlock]:
    """Each block's HTML: its entry in `found` (read ahead with the versions) when made under
    the block's current version, else rendered and stored."""
    rendered = []
    for block in found_blocks:
        try:
            digest = _digest(block.version())
        except Exception:
            rendered.append(_failed(block, territory, "version"))
            continue
        key = block_key(block, territory.kind, territory.slug)
        entry = found.get(key)
        if entry is not None and entry[0] == digest:
            html = entry[1]
        else:
            try:
                html, timeout = _render(block, territory)
            except Exception:
                rendered.append(_failed(block, territory, "rendu"))
                continue
            cache.set(key, (digest, html), timeout)
        rendered.append(RenderedBlock(block.name, block.title, mark_safe(html), wide=block.wide))  # noqa: S308 — a template's output
    return rendered
