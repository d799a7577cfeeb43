"""What the public pages read: published millésimes only, every value through the secrecy
mask (`cube.read`), a fixed number of queries whatever the size of the data."""

from dataclasses import dataclass, field

from observatoire import cube
from observatoire.formatting import SECRET
from observatoire.models import ALL_FAMILIES, ALL_SECTORS, Figure, Millesime, MillesimeState, Scope, SectorLevel, Source
from observatoire.secrecy import PublishedCell
from observatoire.sectors import FAMILY_LABELS, GROUPINGS, OTHER
from referentiels.models import EssFamily, NafDivision, NafSection, Territory, TerritoryKind

MEASURES = {
    "etablissements": ("establishments", "Établissements employeurs", ""),
    "salaries": ("employees", "Salariés", ""),
    "etp": ("fte", "Équivalents temps plein", ""),
    "masse_salariale": ("payroll", "Masse salariale brute (euros)", ""),
    "part": ("share", "Part de l'emploi salarié privé (%)", " %"),
}
BREAKDOWNS = {
    "famille": "Famille de l'ESS",
    "groupe": "Secteur (regroupements de l'ESS)",
    "section": "Secteur (sections NAF)",
    "division": "Secteur (divisions NAF)",
    "territoire": "Territoire",
}
SOURCE_ORDER = (Source.BASE, Source.FLORES, Source.URSSAF)


def published_millesimes() -> list[Millesime]:
    return list(Millesime.objects.filter(state=MillesimeState.PUBLISHED).order_by("year"))


def sources_of(millesime: Millesime) -> list[str]:
    present = set(
        Figure.objects.filter(millesime=millesime, territory__isnull=False).values_list("source", flat=True).distinct()
    )
    return [source for source in SOURCE_ORDER if source in present]


def territories() -> list[Territory]:
    order = {TerritoryKind.REGION: 0, TerritoryKind.ARRONDISSEMENT: 1, TerritoryKind.EPCI: 2, TerritoryKind.COMMUNE: 3}
    found = list(Territory.objects.only("pk", "kind", "code", "name", "slug", "parent_id", "arrondissement_id"))
    return sorted(found, key=lambda t: (order[t.kind], t.name))


def sectors() -> list[tuple[str, str, str]]:
    choices = [(ALL_SECTORS, SectorLevel.ALL, "Tous secteurs")]
    choices += [(g.code, SectorLevel.GROUPING, g.label) for g in (*GROUPINGS, OTHER)]
    choices += [(s.code, SectorLevel.SECTION, f"{s.code} — {s.label}") for s in NafSection.objects.all()]
    choices += [(d.code, SectorLevel.DIVISION, f"{d.code} — {d.label}") for d in NafDivision.objects.all()]
    return choices


@dataclass
class Row:
    code: str
    label: str
    cell: PublishedCell
    value: object  # the measure's value, « s », or None when the source does not give it
    is_total: bool = False


@dataclass
class ExplorerResult:
    millesime: Millesime
    source: str
    territory: Territory
    family: str
    sector: str
    measure: str
    breakdown: str
    rows: list[Row] = field(default_factory=list)
    series: list[tuple[int, object]] = field(default_factory=list)
    secret_reasons: list[str] = field(default_factory=list)


def _share(ess: PublishedCell, economy: PublishedCell):
    """ESS employees / all private employees, shown only when both are published: from a
    published share and one published value, the other would be recomputed."""
    if ess.is_secret or economy.is_secret:
        return SECRET
    if not economy.employees or ess.employees is None:
        return None
    return ess.employees / economy.employees


def _value(cell: PublishedCell, measure: str, economy: PublishedCell | None = None):
    if measure == "part":
        return _share(cell, economy)
    return cell.value(MEASURES[measure][0])


def breakdown_codes(*, breakdown: str, territory: Territory, all_territories: list[Territory], sector_choices):
    """The rows of a breakdown: (code, label) in the order shown."""
    if breakdown == "famille":
        return [(family, FAMILY_LABELS[family]) for family in EssFamily.values]
    if breakdown == "territoire":
        if territory.kind == TerritoryKind.REGION:
            children = [t for t in all_territories if t.kind == TerritoryKind.EPCI]
        elif territory.kind == TerritoryKind.EPCI:
            children = [t for t in all_territories if t.kind == TerritoryKind.COMMUNE and t.parent_id == territory.pk]
        elif territory.kind == TerritoryKind.ARRONDISSEMENT:
            children = [
                t for t in all_territories if t.kind == TerritoryKind.COMMUNE and t.arrondissement_id == territory.pk
            ]
        else:
            children = []
        return [(str(t.pk), t.name) for t in children]
    level = {"groupe": SectorLevel.GROUPING, "section": SectorLevel.SECTION, "division": SectorLevel.DIVISION}[
        breakdown
    ]
    return [(code, label) for code, choice_level, label in sector_choices if choice_level == level]


def explore(
    *,
    millesime: Millesime,
    source: str,
    territory: Territory,
    family: str,
    sector: str,
    measure: str,
    breakdown: str,
    all_territories: list[Territory],
    sector_choices,
    millesimes: list[Millesime],
) -> ExplorerResult:
    """The table (total then one row per breakdown value) and the evolution of the total
    over the published millésimes. Three queries: the cells, the whole-economy cells when
    the measure is a share, and the series."""
    result = ExplorerResult(millesime, source, territory, family, sector, measure, breakdown)
    codes = breakdown_codes(
        breakdown=breakdown, territory=territory, all_territories=all_territories, sector_choices=sector_choices
    )

    def key_for(code: str) -> tuple[str, str, str]:
        if breakdown == "famille":
            return (str(territory.pk), code, sector)
        if breakdown == "territoire":
            return (code, family, sector)
        return (str(territory.pk), family, code)

    total_key = (str(territory.pk), family, sector)
    keys = [total_key, *(key_for(code) for code, _ in codes)]
    figures = _figures(millesime=millesime, source=source, scope=Scope.ESS, keys=keys)
    economy = {}
    if measure == "part":
        economy_keys = [(t, ALL_FAMILIES, s) for t, _, s in keys]
        economy = _figures(millesime=millesime, source=source, scope=Scope.ECONOMY, keys=economy_keys)

    def row(key, code, label, is_total=False):
        cell = cube.read(figures.get(key), key=key)
        economy_cell = cube.read(economy.get((key[0], ALL_FAMILIES, key[2])), key=key) if measure == "part" else None
        value = _value(cell, measure, economy_cell)
        if value == SECRET:
            reason = cell.reason or (economy_cell.reason if economy_cell else "")
            if reason and reason not in result.secret_reasons:
                result.secret_reasons.append(reason)
        return Row(code, label, cell, value, is_total)

    result.rows.append(row(total_key, "total", "Ensemble", is_total=True))
    result.rows += [row(key_for(code), code, label) for code, label in codes]
    result.series = _series(millesimes=millesimes, source=source, key=total_key, measure=measure, territory=territory)
    return result


def _figures(*, millesime, source, scope, keys) -> dict:
    territory_ids = {int(k[0]) for k in keys if k[0] != cube.FRANCE_KEY}
    families = {k[1] for k in keys}
    sector_codes = {k[2] for k in keys}
    found = cube.rows(
        Figure.objects.filter(
            millesime=millesime,
            source=source,
            scope=scope,
            territory_id__in=territory_ids,
            family__in=families,
            sector__in=sector_codes,
        )
    )
    wanted = set(keys)
    return {cube.key_of(f): f for f in found if cube.key_of(f) in wanted}


def _series(*, millesimes, source, key, measure, territory) -> list[tuple[int, object]]:
    """The total's value in each published millésime (one query, two with a share)."""
    _, family, sector = key
    found = {
        (f.millesime_id, f.scope): f
        for f in cube.rows(
            Figure.objects.filter(
                millesime__in=millesimes,
                source=source,
                territory=territory,
                family__in={family, ALL_FAMILIES},
                sector=sector,
            )
        )
        if f.family == family or f.scope == Scope.ECONOMY
    }
    series = []
    for millesime in millesimes:
        cell = cube.read(found.get((millesime.pk, Scope.ESS)), key=key)
        economy = cube.read(found.get((millesime.pk, Scope.ECONOMY)), key=key) if measure == "part" else None
        series.append((millesime.year, _value(cell, measure, economy)))
    return series


@dataclass
class KeyFigures:
    millesime: Millesime
    source: str
    establishments: object
    employees: object
    payroll: object
    share: object


def key_figures(*, millesime: Millesime, territory: Territory | None = None) -> KeyFigures | None:
    """The region's (or a territory's) ESS totals and its share of private employment."""
    sources = sources_of(millesime)
    if not sources:
        return None
    source = sources[0]
    territory = territory or Territory.objects.get(kind=TerritoryKind.REGION)
    found = {
        f.scope: f
        for f in Figure.objects.filter(
            millesime=millesime,
            source=source,
            territory=territory,
            family=ALL_FAMILIES,
            sector=ALL_SECTORS,
        )
    }
    key = (str(territory.pk), ALL_FAMILIES, ALL_SECTORS)
    ess = cube.read(found.get(Scope.ESS), key=key)
    economy = cube.read(found.get(Scope.ECONOMY), key=key)
    return KeyFigures(millesime, source, ess.establishments, ess.employees, ess.payroll, _share(ess, economy))
