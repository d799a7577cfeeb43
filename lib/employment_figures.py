"""Salaried employment in the ESS for a set of activities: the regional figure that the
observatory publishes for NAF divisions (the ESS métiers pages show it for each family of
métiers).

The page that shows it (in `emplois`) iterates the registry and knows nothing of who filled
it; an app registers its source in its `AppConfig.ready()`:

    employment_figures.register(EmploymentSource(name="observatoire", figure=..., version=...))

A source has two functions:

- `figure(naf_divisions)` returns an `EmploymentFigure` for these NAF divisions (two-digit
  codes) in the latest published data, or None when it has none. It applies its own
  statistical secrecy: a figure it may not publish comes back with `is_secret` and the
  value « secret statistique », never the number. A bounded number of queries;
- `version()` returns a hashable value that changes whenever `figure()` would return
  something else (a data version bumped on publication).
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

SECRET_LABEL = "secret statistique"  # noqa: S105 — shown in place of a hidden figure


@dataclass(frozen=True)
class EmploymentFigure:
    value: str  # as written: « 4 120 », or « secret statistique »
    label: str  # what it counts: « salarié·es de l'ESS dans ces activités »
    source: str  # « Insee, Flores »
    year: int | None
    is_secret: bool = False
    note: str = ""  # the activities counted, a caveat
    link_url: str = ""
    link_label: str = ""


@dataclass(frozen=True)
class EmploymentSource:
    name: str
    figure: Callable[[list[str]], EmploymentFigure | None]
    version: Callable[[], Hashable]


_SOURCES: dict[str, EmploymentSource] = {}


def register(source: EmploymentSource) -> None:
    """Add (or replace, by name) a source."""
    _SOURCES[source.name] = source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[EmploymentSource]:
    return list(_SOURCES.values())


def versions() -> tuple:
    return tuple((source.name, source.version()) for source in _SOURCES.values())


def figures_for(naf_divisions: Iterable[str]) -> list[EmploymentFigure]:
    """Each source's figure for these divisions, in registration order; none without a division."""
    codes = sorted(set(naf_divisions))
    if not codes:
        return []
    return [figure for source in _SOURCES.values() if (figure := source.figure(codes)) is not None]
