"""The home page's key figures: a registry where the apps that compute figures offer them.

The home page (in `cress`) iterates the registry and knows nothing of who filled it; an app
registers its provider in its `AppConfig.ready()`:

    keyfigures.register(KeyFigureProvider(name="observatoire", figures=..., version=...))

A provider has two functions, called with no argument:

- `figures()` returns a `KeyFigureBlock` (the figures, as written, with their source and
  year, and a link to where they come from), or None while it has nothing to show;
- `version()` returns a hashable value that changes whenever `figures()` would return
  something else (a data version bumped on publication): the home page caches its figures
  under the versions of every provider, so a change shows at once and nothing is recomputed
  per request.

When no provider has figures the home page shows its own, typed, with their source.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyFigure:
    value: str  # as written on the page: « 2 100 », « 11,1 % », « s »
    label: str  # what it counts: « salariés dans l'ESS »
    note: str = ""  # a precision: « fin 2015 »


@dataclass(frozen=True)
class KeyFigureBlock:
    figures: tuple[KeyFigure, ...]
    source: str  # cited under the figures: « Insee, Flores »
    year: int | None = None  # the year the figures describe
    link_url: str = ""  # where to read more
    link_label: str = ""
    caveat: str = ""  # said beside the figures: « données synthétiques de démonstration »


@dataclass(frozen=True)
class KeyFigureProvider:
    name: str
    figures: Callable[[], KeyFigureBlock | None]
    version: Callable[[], Hashable]


_PROVIDERS: dict[str, KeyFigureProvider] = {}


def register(provider: KeyFigureProvider) -> None:
    """Add (or replace, by name) a provider; blocks keep the order of registration."""
    _PROVIDERS[provider.name] = provider


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def providers() -> list[KeyFigureProvider]:
    return list(_PROVIDERS.values())


def versions() -> tuple:
    """(name, version) of every provider: what a cached rendering of the blocks depends on."""
    return tuple((provider.name, provider.version()) for provider in _PROVIDERS.values())


def blocks() -> list[KeyFigureBlock]:
    """The blocks the providers have to show now, in registration order."""
    return [block for provider in _PROVIDERS.values() if (block := provider.figures()) is not None]
