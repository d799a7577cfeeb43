"""Good practices of ESS organisations by theme × family × territory, from the sources of
`lib.practice_aggregates` (issue 20, point 4), under the observatory's statistical secrecy.

Each theme is a cube of its own: (territory, family) cells whose « establishments » are the
organisations counted and whose « employees » are those that mostly answer « oui », with the
totals added — the région is the sum of its EPCI, « ESS » the sum of the families. The mask
of `observatoire.secrecy` hides a cell of fewer than 3 organisations, then what would let a
reader recompute it by subtraction (secondary secrecy). `secrecy.publish` is the only way a
cell is read. Themes are not added together (an organisation answers several), so the
third dimension has no total.
"""

from dataclasses import dataclass

from django.conf import settings

from lib.practice_aggregates import PracticeSource
from observatoire.secrecy import (
    SECRET,
    Cell,
    Dimensions,
    Hierarchy,
    PublishedCell,
    Thresholds,
    compute_mask,
    publish,
)
from referentiels.models import EssFamily, Territory, TerritoryKind

ESS_TOTAL = "ESS"


@dataclass(frozen=True)
class PracticeValue:
    organisations: int | str  # a count, or « s »
    share: int | None  # per cent practising, None when hidden or nobody
    reason: str = ""

    @property
    def is_secret(self) -> bool:
        return self.organisations == SECRET


@dataclass(frozen=True)
class ThemeTable:
    id: str
    title: str
    rows: list[tuple[Territory, list[PracticeValue]]]  # one value per family, then ESS


@dataclass(frozen=True)
class PracticeTables:
    source: PracticeSource
    year: int
    years: list[int]
    families: list[tuple[str, str]]  # (code, label), then (ESS, « Ensemble de l'ESS »)
    themes: list[ThemeTable]


def _value(cell: PublishedCell) -> PracticeValue:
    if cell.is_secret:
        return PracticeValue(
            organisations=SECRET, share=None, reason=cell.reason.replace("établissements", "structures")
        )
    total, practising = cell.establishments, cell.employees
    return PracticeValue(organisations=total, share=round(100 * practising / total) if total else None)


def tables(source: PracticeSource, *, year: int | None = None) -> PracticeTables | None:
    """The published tables of one source and year (the latest by default); None without data."""
    years = source.years()
    if not years:
        return None
    year = year if year in years else years[0]
    territories = list(Territory.objects.filter(kind__in=[TerritoryKind.REGION, TerritoryKind.EPCI]).order_by("name"))
    region = next(t for t in territories if t.kind == TerritoryKind.REGION)
    epcis = [t for t in territories if t.kind == TerritoryKind.EPCI]
    families = list(EssFamily.choices)
    dimensions = Dimensions(
        territory=Hierarchy.from_parents({t.code: region.code for t in epcis}),
        family=Hierarchy.from_parents({code: ESS_TOTAL for code, _label in families}),
        sector=Hierarchy.flat(),
    )
    by_theme: dict[str, dict[tuple, list[int]]] = {}
    for count in source.counts(year):
        cells = by_theme.setdefault(count.theme, {})
        for territory in (count.territory, region.code):
            for family in (count.family, ESS_TOTAL):
                totals = cells.setdefault((territory, family, count.theme), [0, 0])
                totals[0] += count.organisations
                totals[1] += count.practising
    thresholds = Thresholds(protection_percent=settings.OBSERVATOIRE_SECRECY_PROTECTION_PERCENT)
    themes = []
    for theme_id, title in source.themes():
        raw = {key: Cell(establishments=total, employees=practising)
               for key, (total, practising) in by_theme.get(theme_id, {}).items()}  # fmt: skip
        mask = compute_mask(cells=raw, dimensions=dimensions, thresholds=thresholds)
        codes = [*(code for code, _label in families), ESS_TOTAL]
        rows = []
        for territory in [*epcis, region]:
            keys = [(territory.code, family, theme_id) for family in codes]
            rows.append((territory, [_value(publish(key=key, cell=raw.get(key), mask=mask)) for key in keys]))
        themes.append(ThemeTable(id=theme_id, title=title, rows=rows))
    return PracticeTables(
        source=source,
        year=year,
        years=years,
        families=[*families, (ESS_TOTAL, "Ensemble de l'ESS")],
        themes=themes,
    )
