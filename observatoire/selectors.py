"""What the public pages read: published millésimes only, every value through the secrecy
mask (`cube.read`), a fixed number of queries whatever the size of the data."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from observatoire import cube, niches
from observatoire.formatting import SECRET
from observatoire.models import ALL_FAMILIES, ALL_SECTORS, Figure, Millesime, MillesimeState, Scope, SectorLevel, Source
from observatoire.secrecy import PublishedCell
from observatoire.sectors import FAMILY_LABELS, GROUPING_LABELS, GROUPINGS, OTHER
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
SECTOR_BREAKDOWNS = {"groupe": SectorLevel.GROUPING, "section": SectorLevel.SECTION, "division": SectorLevel.DIVISION}
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
    reason: str = ""  # why the value is « s »: the cell's own reason, or the one of the cell it is divided by


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


employment_share = _share  # the same rule for the panorama (observatoire.report)


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
    level = SECTOR_BREAKDOWNS[breakdown]
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
    codes: list[tuple[str, str]] | None = None,
) -> ExplorerResult:
    """The table (total then one row per breakdown value) and the evolution of the total
    over the published millésimes, in one query: the cells, the whole-economy cells when the
    measure is a share, and the series. `codes` are the breakdown's rows when the caller
    already has them (`breakdown_codes`)."""
    result = ExplorerResult(millesime, source, territory, family, sector, measure, breakdown)
    if codes is None:
        codes = breakdown_codes(
            breakdown=breakdown, territory=territory, all_territories=all_territories, sector_choices=sector_choices
        )
    here = str(territory.pk)
    if breakdown == "famille":
        keys = [(here, family, sector), *((here, code, sector) for code, _ in codes)]
    elif breakdown == "territoire":
        keys = [(here, family, sector), *((code, family, sector) for code, _ in codes)]
    else:
        keys = [(here, family, sector), *((here, family, code) for code, _ in codes)]
    share = measure == "part"
    table, series = _cells(
        millesime=millesime, source=source, keys=keys, share=share, millesimes=millesimes, breakdown=breakdown
    )

    def row(key, code, label, is_total=False):
        cell = cube.read(table.get((Scope.ESS, key)), key=key)
        economy_cell = cube.read(table.get((Scope.ECONOMY, (key[0], ALL_FAMILIES, key[2]))), key=key) if share else None
        value = _value(cell, measure, economy_cell)
        reason = ""
        if value == SECRET:
            reason = cell.reason or (economy_cell.reason if economy_cell else "")
            if reason and reason not in result.secret_reasons:
                result.secret_reasons.append(reason)
        return Row(code, label, cell, value, is_total, reason)

    result.rows.append(row(keys[0], "total", "Ensemble", is_total=True))
    result.rows += [row(key, code, label) for key, (code, label) in zip(keys[1:], codes, strict=True)]
    for year_millesime in millesimes:
        cell = cube.read(series.get((year_millesime.pk, Scope.ESS)), key=keys[0])
        economy = cube.read(series.get((year_millesime.pk, Scope.ECONOMY)), key=keys[0]) if share else None
        result.series.append((year_millesime.year, _value(cell, measure, economy)))
    return result


_COLUMNS = ", ".join(Figure._meta.get_field(name.removesuffix("_id")).column for name in cube.FigureRow._fields)
# The cells of a table (one millésime) and the series of its total (every published
# millésime), in one statement: the ORM's compilation of the two querysets cost more than
# PostgreSQL's answer. Every branch names the sector level, so that the unique index finds
# a breakdown's sectors in one range instead of one descent per sector.
_EXPLORE_SQL = """
SELECT {columns} FROM {table}
WHERE source = %s AND (
    (millesime_id = %s AND scope = ANY(%s) AND territory_id = ANY(%s) AND family = ANY(%s) AND {breakdown_sectors})
    OR (millesime_id = ANY(%s) AND scope = ANY(%s) AND territory_id = %s AND family = ANY(%s)
        AND sector_level = %s AND sector = %s)
)"""
_EXPLORE_SQL_BY_SECTOR, _EXPLORE_SQL_ONE_SECTOR = (
    _EXPLORE_SQL.format(columns=_COLUMNS, table=Figure._meta.db_table, breakdown_sectors=sectors)
    for sectors in ("sector_level = %s", "sector_level = %s AND sector = %s")
)


def _cells_orm(parameters: list, *, one_sector: bool) -> list:
    """`_EXPLORE_SQL`'s rows, from its parameters, for databases without arrays."""
    values = iter(parameters)
    source, millesime_id, scopes, territories, families, level = (next(values) for _ in range(6))
    table = Q(millesime_id=millesime_id, scope__in=scopes, territory_id__in=territories, family__in=families)
    table &= Q(sector_level=level, sector=next(values)) if one_sector else Q(sector_level=level)
    millesime_ids, series_scopes, territory, series_families, series_level, series_sector = values
    series = Q(
        millesime_id__in=millesime_ids,
        scope__in=series_scopes,
        territory_id=territory,
        family__in=series_families,
        sector_level=series_level,
        sector=series_sector,
    )
    rows = Figure.objects.filter(Q(source=source) & (table | series)).values_list(*cube.FigureRow._fields)
    return [cube.FigureRow(*row) for row in rows]


def _cells(*, millesime, source, keys, share, millesimes, breakdown) -> tuple[dict, dict]:
    """{(scope, key): figure} of the table's keys (`keys[0]` is the total) in `millesime`,
    with their whole-economy cells when `share`; {(millesime id, scope): figure} of the
    total's series."""
    scopes = [str(Scope.ESS), str(Scope.ECONOMY)] if share else [str(Scope.ESS)]
    total = keys[0]
    total_territory, total_family, total_sector = int(total[0]), total[1], total[2]
    families = list({k[1] for k in keys} | ({ALL_FAMILIES} if share else set()))
    parameters = [source, millesime.pk, scopes, list({int(k[0]) for k in keys}), families]
    if breakdown in SECTOR_BREAKDOWNS:
        sql = _EXPLORE_SQL_BY_SECTOR
        parameters.append(str(SECTOR_BREAKDOWNS[breakdown]))
    else:
        sql = _EXPLORE_SQL_ONE_SECTOR
        parameters += [str(cube.sector_level(total_sector)), total_sector]
    parameters += [
        [m.pk for m in millesimes],
        scopes,
        total_territory,
        [total_family, ALL_FAMILIES],
        str(cube.sector_level(total_sector)),
        total_sector,
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            found = [cube.FigureRow(*values) for values in cursor.fetchall()]
    else:  # the zero-setup SQLite of `make run` has no ANY(array): the same rows through the ORM
        found = _cells_orm(parameters, one_sector=sql is _EXPLORE_SQL_ONE_SECTOR)
    wanted = set(keys)
    economy_wanted = {(t, ALL_FAMILIES, s) for t, _, s in keys} if share else set()
    table, series = {}, {}
    for figure in found:
        key = cube.key_of(figure)
        if figure.millesime_id == millesime.pk and (
            key in wanted if figure.scope == Scope.ESS else key in economy_wanted
        ):
            table[(figure.scope, key)] = figure
        if (
            figure.territory_id == total_territory
            and figure.sector == total_sector
            and (figure.family == total_family if figure.scope == Scope.ESS else share)
        ):
            series[(figure.millesime_id, figure.scope)] = figure
    return table, series


@dataclass
class KeyFigures:
    millesime: Millesime
    source: str
    establishments: object
    employees: object
    payroll: object
    share: object
    has_data: bool = True  # False: the millésime holds no figure for the territory


def key_figures(
    *, millesime: Millesime, territory: Territory | None = None, source: str | None = None
) -> KeyFigures | None:
    """The region's (or a territory's) ESS totals and its share of private employment, from
    `source` (else the millésime's preferred source, one more query)."""
    if source is None:
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
    return KeyFigures(
        millesime, source, ess.establishments, ess.employees, ess.payroll, _share(ess, economy), has_data=bool(found)
    )


# --- Territory portraits ------------------------------------------------------------------


def share_of(ess: PublishedCell, economy: PublishedCell, measure: str = "employees"):
    """The ESS's part of all private employers for one measure (employees, establishments,
    payroll): « s » unless both terms are published (see `_share`)."""
    if ess.is_secret or economy.is_secret:
        return SECRET
    whole, part = economy.value(measure), ess.value(measure)
    if not whole or part is None:
        return None
    return part / whole


def neighbours(territory: Territory, all_territories: list[Territory]) -> list[Territory]:
    """The territories a portrait compares with, the territory itself included: the other
    EPCI for an EPCI, the communes of the same EPCI for a commune, the arrondissements for
    an arrondissement, the EPCI for the région."""
    kind = territory.kind
    if kind in (TerritoryKind.REGION, TerritoryKind.EPCI):
        return [t for t in all_territories if t.kind == TerritoryKind.EPCI]
    if kind == TerritoryKind.ARRONDISSEMENT:
        return [t for t in all_territories if t.kind == TerritoryKind.ARRONDISSEMENT]
    return [t for t in all_territories if t.kind == TerritoryKind.COMMUNE and t.parent_id == territory.parent_id]


@dataclass
class PortraitLine:
    """One line of a portrait's table: a family, a sector, a territory or a year."""

    code: str
    label: str
    establishments: object
    employees: object
    share: object  # ESS part of private employment, or of the territory's ESS employment
    cells: list[PublishedCell] = field(default_factory=list)
    highlighted: bool = False


@dataclass
class WeightLine:
    measure: str
    label: str
    ess: object
    economy: object
    share: object
    region_share: object


@dataclass
class Portrait:
    millesime: Millesime
    source: str
    territory: Territory
    region: Territory
    weight: list[WeightLine]
    region_weight: object  # the territory's part of the région's ESS employees
    families: list[PortraitLine]
    sectors: list[PortraitLine]
    neighbours: list[PortraitLine]
    evolution: list[PortraitLine]
    quotients: list  # (label, niches.LocationQuotient) per ESS grouping, against the région
    over: list
    potential: list
    secret_reasons: list[str] = field(default_factory=list)


def _reason(result_reasons: list[str], *cells: PublishedCell | None) -> None:
    for cell in cells:
        if cell is not None and cell.is_secret and cell.reason and cell.reason not in result_reasons:
            result_reasons.append(cell.reason)


def portrait(*, millesime: Millesime, source: str, territory: Territory, reference) -> Portrait:
    """Everything a territory's portrait shows, in two queries whatever the data: the cells
    of the millésime (the territory, the région and the neighbours; totals, families and
    ESS groupings) and the totals of every published millésime."""
    region = reference.region
    compared = neighbours(territory, reference.territories)
    ids = {territory.pk, region.pk, *(t.pk for t in compared)}
    found = {
        (f.scope, cube.key_of(f)): f
        for f in Figure.objects.filter(millesime=millesime, source=source, territory_id__in=ids).filter(
            Q(family=ALL_FAMILIES, sector_level__in=[SectorLevel.ALL, SectorLevel.GROUPING]) | Q(sector=ALL_SECTORS)
        )
    }
    reasons: list[str] = []

    def read(scope, where: Territory, family=ALL_FAMILIES, sector=ALL_SECTORS) -> PublishedCell:
        key = (str(where.pk), family, sector)
        return cube.read(found.get((scope, key)), key=key)

    ess, economy = read(Scope.ESS, territory), read(Scope.ECONOMY, territory)
    region_ess, region_economy = read(Scope.ESS, region), read(Scope.ECONOMY, region)
    _reason(reasons, ess, economy, region_ess, region_economy)
    weight = [
        WeightLine(
            measure,
            label,
            ess.value(measure),
            economy.value(measure),
            share_of(ess, economy, measure),
            share_of(region_ess, region_economy, measure),
        )
        for measure, label in (
            ("establishments", "Établissements employeurs"),
            ("employees", "Salariés"),
            ("payroll", "Masse salariale brute"),
        )
    ]
    region_weight = share_of(ess, region_ess) if territory.pk != region.pk else None

    families = []
    for family, label in FAMILY_LABELS.items():
        cell = read(Scope.ESS, territory, family=family)
        _reason(reasons, cell)
        families.append(PortraitLine(family, label, cell.establishments, cell.employees, share_of(cell, ess), [cell]))

    sectors, quotients = [], []
    for grouping in (*GROUPINGS, OTHER):
        cell = read(Scope.ESS, territory, sector=grouping.code)
        whole = read(Scope.ECONOMY, territory, sector=grouping.code)
        _reason(reasons, cell)
        share = share_of(cell, whole) if whole.employees else None
        sectors.append(PortraitLine(grouping.code, grouping.label, cell.establishments, cell.employees, share, [cell]))
        if territory.pk != region.pk:
            figures = niches.SectorFigures(
                ess=cell.employees,
                economy=whole.employees,
                reference_ess=read(Scope.ESS, region, sector=grouping.code).employees,
                reference_economy=read(Scope.ECONOMY, region, sector=grouping.code).employees,
            )
            quotients.append((grouping.label, niches.location_quotient(sector=grouping.code, figures=figures)))
    # The biggest first; a secret or unknown size goes last, in the groupings' order.
    sectors.sort(key=lambda line: (not isinstance(line.employees, int | Decimal), -(_number(line.employees))))
    over, potential = niches.niches(quotient for _, quotient in quotients)
    labels = {quotient.sector: label for label, quotient in quotients}

    compared_lines = []
    for other in compared:
        cell, whole = read(Scope.ESS, other), read(Scope.ECONOMY, other)
        _reason(reasons, cell, whole)
        compared_lines.append(
            PortraitLine(
                other.code,
                other.name,
                cell.establishments,
                cell.employees,
                share_of(cell, whole),
                [cell, whole],
                highlighted=other.pk == territory.pk,
            )
        )

    series = {
        (f.millesime_id, f.scope): f
        for f in Figure.objects.filter(
            millesime__in=reference.millesimes,
            source=source,
            territory=territory,
            family=ALL_FAMILIES,
            sector=ALL_SECTORS,
        )
    }
    key = (str(territory.pk), ALL_FAMILIES, ALL_SECTORS)
    evolution = []
    for year_millesime in reference.millesimes:
        cell = cube.read(series.get((year_millesime.pk, Scope.ESS)), key=key)
        whole = cube.read(series.get((year_millesime.pk, Scope.ECONOMY)), key=key)
        _reason(reasons, cell, whole)
        evolution.append(
            PortraitLine(
                str(year_millesime.year),
                str(year_millesime.year),
                cell.establishments,
                cell.employees,
                share_of(cell, whole),
                [cell, whole],
                highlighted=year_millesime.pk == millesime.pk,
            )
        )
    return Portrait(
        millesime=millesime,
        source=source,
        territory=territory,
        region=region,
        weight=weight,
        region_weight=region_weight,
        families=families,
        sectors=sectors,
        neighbours=compared_lines,
        evolution=evolution,
        quotients=quotients,
        over=[(labels[q.sector], q) for q in over],
        potential=[(labels[q.sector], q) for q in potential],
        secret_reasons=reasons,
    )


def _number(value) -> float:
    return float(value) if isinstance(value, int | Decimal) else 0.0


# --- Niches -----------------------------------------------------------------------------------

NICHE_LEVELS = {SectorLevel.GROUPING: "Regroupements de l'ESS", SectorLevel.DIVISION: "Divisions NAF"}


@dataclass
class QuotientLine:
    code: str
    label: str
    figures: niches.SectorFigures
    quotient: niches.LocationQuotient


@dataclass
class NicheAnalysis:
    millesime: Millesime
    territory: Territory
    reference_name: str  # « La Réunion » or « la France », as written after « par rapport à »
    level: str
    source: str  # the territory's figures
    reference_source: str  # the reference's figures ("" when there is no reference)
    lines: list[QuotientLine]
    over: list[QuotientLine]
    potential: list[QuotientLine]
    first: Millesime | None  # the shift-share runs from the first to the latest published millésime
    last: Millesime
    shift: niches.ShiftShare | None  # None when a single millésime is published or no reference
    shift_reason: str  # why there is no shift-share, in French
    shift_labels: dict[str, str]
    thresholds: niches.NicheThresholds
    secret_count: int = 0


def _sources_with(found, *, territory_id) -> list[str]:
    present = {source for (source, _, tid, _, _) in found if tid == territory_id}
    return [source for source in SOURCE_ORDER if source in present]


def niche_analysis(*, millesime: Millesime, territory: Territory, level: str, reference, source: str) -> NicheAnalysis:
    """Location quotients of ESS employment per sector of `level` for the territory against
    the région, or for the région against France (the national reference: figures with no
    territory, usually from Flores), and the shift-share of the change between the first and
    the latest published millésimes. Two queries whatever the data; every value is read
    through the mask and the computations take published values only (`observatoire.niches`)."""
    region = reference.region
    is_region = territory.pk == region.pk
    first, last = reference.millesimes[0], reference.millesimes[-1]
    if first.pk == last.pk:
        first = None
    reference_id = None if is_region else region.pk
    wanted = Q(territory_id__in={territory.pk, region.pk}) | Q(territory__isnull=True)
    cells = {}
    for f in Figure.objects.filter(wanted, millesime=millesime, family=ALL_FAMILIES, sector_level=level):
        cells[(f.source, f.scope, f.territory_id, f.sector, millesime.pk)] = f
    totals = {}
    if first is not None:
        for f in Figure.objects.filter(
            wanted,
            millesime__in=[first, last],
            scope=Scope.ESS,
            family=ALL_FAMILIES,
            sector_level__in=[SectorLevel.ALL, SectorLevel.GROUPING],
        ):
            totals[(f.source, f.scope, f.territory_id, f.sector, f.millesime_id)] = f

    # The reference's source: the page's own for the région; for France, the source of the
    # national rows (Flores as a rule), the page's own first when it has some.
    if is_region:
        national = _sources_with(cells, territory_id=None)
        reference_source = source if source in national else (national[0] if national else "")
    else:
        reference_source = source
    territory_source = source
    # Compare like with like where the région exists in the national source.
    if is_region and reference_source != source and reference_source in _sources_with(cells, territory_id=region.pk):
        territory_source = reference_source

    def value(store, src, scope, tid, sector, year_millesime):
        key = (cube.territory_key(tid), ALL_FAMILIES, sector)
        cell = cube.read(store.get((src, scope, tid, sector, year_millesime.pk)), key=key)
        return cell.employees

    lines = []
    secret_count = 0
    codes = (
        [(g.code, g.label) for g in (*GROUPINGS, OTHER)]
        if level == SectorLevel.GROUPING
        else [(code, label) for code, choice_level, label in reference.sectors if choice_level == SectorLevel.DIVISION]
    )
    if reference_source:
        for code, label in codes:
            figures = niches.SectorFigures(
                ess=value(cells, territory_source, Scope.ESS, territory.pk, code, millesime),
                economy=value(cells, territory_source, Scope.ECONOMY, territory.pk, code, millesime),
                reference_ess=value(cells, reference_source, Scope.ESS, reference_id, code, millesime),
                reference_economy=value(cells, reference_source, Scope.ECONOMY, reference_id, code, millesime),
            )
            if SECRET in (figures.ess, figures.economy, figures.reference_ess, figures.reference_economy):
                secret_count += 1
            lines.append(QuotientLine(code, label, figures, niches.location_quotient(sector=code, figures=figures)))
    by_code = {line.code: line for line in lines}
    over, potential = niches.niches(line.quotient for line in lines)

    shift, shift_reason = None, ""
    reference_years = {key[4] for key in totals if key[2] == reference_id and key[0] == reference_source}
    if first is not None and reference_source and first.pk not in reference_years:
        shift_reason = f"pas de chiffres de {'la France' if is_region else region.name} pour {first.year}"
    elif first is not None and reference_source:

        def employment(src, tid, year_millesime):
            # A sector left out is a true zero: the territory's empty sectors make no line.
            sectors = {g.code: value(totals, src, Scope.ESS, tid, g.code, year_millesime) for g in (*GROUPINGS, OTHER)}
            return niches.Employment(
                total=value(totals, src, Scope.ESS, tid, ALL_SECTORS, year_millesime),
                sectors={code: figure for code, figure in sectors.items() if figure != 0},
            )

        shift = niches.shift_share(
            before=employment(territory_source, territory.pk, first),
            after=employment(territory_source, territory.pk, last),
            reference_before=employment(reference_source, reference_id, first),
            reference_after=employment(reference_source, reference_id, last),
        )
    return NicheAnalysis(
        millesime=millesime,
        territory=territory,
        reference_name="la France" if is_region else region.name,
        level=level,
        source=territory_source,
        reference_source=reference_source,
        lines=lines,
        over=[by_code[q.sector] for q in over],
        potential=[by_code[q.sector] for q in potential],
        first=first,
        last=last,
        shift=shift,
        shift_reason=shift_reason or (shift.reason if shift is not None else ""),
        shift_labels=GROUPING_LABELS | {niches.POOLED_SECTOR: "Autres secteurs (dont secret)"},
        thresholds=niches.NicheThresholds(),
        secret_count=secret_count,
    )
