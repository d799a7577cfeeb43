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
  arrondissement, EPCI or commune; its `parent`, its parent's `parent` and its
  `arrondissement` already loaded) and returns the dict its template renders; it returns
  `{"empty": "…"}` (an honest sentence in French) when the action has nothing to show there
  yet: the page then shows that sentence in place of the template. It runs a bounded
  number of queries whatever the number of rows. When what it shows changes with time
  alone (an event ends, a year begins), it adds `EXPIRES_AT`: an aware datetime, the
  moment its rendering goes stale with no write;
- `version()` returns a hashable value that changes whenever `context()` would return
  something else after a write (a data version bumped on commit): the page caches each
  block's rendering under (block, territory, version), so a change shows at once and a
  cached block costs no query.

`template` belongs to the app that registers the block (templates/<app>/...): the page
includes it, as the frame includes the apps' pages. It is rendered without a request
(no CSRF token, no CSP nonce, no context processor): what it needs is in its context.
A block that needs static files (a map's script and style sheet) names them in
`stylesheets` and `scripts` (paths under STATIC_URL): the page loads them, once each, with
its own nonce. A block whose context or template raises is logged and shown as
unavailable, alone: the rest of the page stands.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass

# The context key of the moment a block's rendering goes stale with no write.
EXPIRES_AT = "expires_at"
KINDS = ("region", "arrondissement", "epci", "commune")


@dataclass(frozen=True)
class TerritoryBlock:
    name: str  # unique, stable: part of the cache key and the block's HTML id
    title: str  # the block's heading: « Les acteurs de l'ESS »
    order: int  # blocks show in increasing order
    template: str
    context: Callable[[object], dict]
    version: Callable[[], Hashable]
    kinds: tuple[str, ...] = KINDS  # where it shows
    wide: bool = False  # takes the whole width of the page's grid (a map)
    stylesheets: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()


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


def assets(found: list[TerritoryBlock]) -> tuple[list[str], list[str]]:
    """The style sheets and scripts of these blocks, each once, in the blocks' order."""
    stylesheets = list(dict.fromkeys(path for block in found for path in block.stylesheets))
    scripts = list(dict.fromkeys(path for block in found for path in block.scripts))
    return stylesheets, scripts
