"""The blocks of a territory page: what each action shows about one territory (the
observatory's figures, the directory's organisations, the plan and policies, the agenda,
the partners active there, the intake's figures).

The territory page (in `territoires`) iterates the registry and knows nothing of who filled
it; an app registers its block in its `AppConfig.ready()` (DESIGN.md, « Where two actions
meet: registries »):

    territory_blocks.register(TerritoryBlock(name="annuaire", title="Les acteurs de l'ESS",
                                             order=20, template="annuaire/_bloc_territoire.html",
                                             context=..., version=...))

A block has two functions:

- `context(territory)` is called with a `referentiels.models.Territory` (région,
  arrondissement, EPCI or commune) and returns the dict its template renders; it returns
  `{"empty": "…"}` (an honest sentence in French) when the action has nothing to show there
  yet. It runs a bounded number of queries whatever the number of rows;
- `version()` returns a hashable value that changes whenever `context()` would return
  something else after a write (a data version bumped on commit): the page caches each
  block's rendering under (block, territory, version), so a change shows at once and a
  cached block costs no query.

`template` belongs to the app that registers the block (templates/<app>/...): the page
includes it, as the frame includes the apps' pages.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class TerritoryBlock:
    name: str  # unique, stable: part of the cache key and the block's HTML id
    title: str  # the block's heading: « Les acteurs de l'ESS »
    order: int  # blocks show in increasing order
    template: str
    context: Callable[[object], dict]
    version: Callable[[], Hashable]
    kinds: tuple[str, ...] = ("region", "arrondissement", "epci", "commune")  # where it shows


_BLOCKS: dict[str, TerritoryBlock] = {}


def register(block: TerritoryBlock) -> None:
    """Add (or replace, by name) a block."""
    _BLOCKS[block.name] = block


def unregister(name: str) -> None:
    _BLOCKS.pop(name, None)


def blocks(kind: str | None = None) -> list[TerritoryBlock]:
    """The blocks, in order; only those shown for a territory of `kind` when given."""
    found = [block for block in _BLOCKS.values() if kind is None or kind in block.kinds]
    return sorted(found, key=lambda block: (block.order, block.name))
