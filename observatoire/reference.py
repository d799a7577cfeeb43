"""What every observatory page needs besides its figures — the published millésimes and
their sources, the territories, the sectors — read once per data version and kept in the
cache, so that a page asks the database only for its own cells."""

from dataclasses import dataclass

from django.core.cache import cache

from observatoire import selectors, services
from observatoire.models import Millesime, Source
from referentiels.models import Territory, TerritoryKind


@dataclass
class Reference:
    millesimes: list[Millesime]  # published, oldest first
    sources: dict[int, list[str]]  # year → sources with regional figures, preferred first
    territories: list[Territory]
    sectors: list[tuple[str, str, str]]  # (code, level, label)

    @property
    def region(self) -> Territory:
        return next(t for t in self.territories if t.kind == TerritoryKind.REGION)

    @property
    def sector_labels(self) -> dict[str, str]:
        return {code: label for code, _, label in self.sectors}

    @property
    def source_labels(self) -> dict[str, str]:
        return dict(Source.choices)

    @property
    def synthetic(self) -> bool:
        return any(m.is_synthetic for m in self.millesimes)

    def territory(self, code: str) -> Territory | None:
        return next((t for t in self.territories if t.code == code), None)


def build_reference() -> Reference:
    millesimes = selectors.published_millesimes()
    return Reference(
        millesimes=millesimes,
        sources={m.year: selectors.sources_of(m) for m in millesimes},
        territories=selectors.territories(),
        sectors=selectors.sectors(),
    )


def current_reference() -> Reference:
    key = f"observatoire:{services.data_version()}:reference"
    reference = cache.get(key)
    if reference is None:
        reference = build_reference()
        cache.set(key, reference, timeout=24 * 3600)
    return reference
