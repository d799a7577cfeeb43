"""The panorama of a territory: what it shows, read from the published figures, and its PDF.

`panorama_content()` gathers every value through `cube.read` (a hidden cell comes out as
« s »), the charts through `observatoire.charts` (the same geometry and SVG templates as
the pages), the niches through `observatoire.niches` on published values.
`render_pdf()` lays it out with WeasyPrint. Four queries whatever the territory: the
cells of the millésime, the cells of the previous millésime (shift-share), the evolution,
the perimeter exclusions.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from observatoire import charts, cube, niches, selectors
from observatoire.formatting import SECRET, french_euros, french_number, french_percent
from observatoire.models import (
    ALL_FAMILIES,
    ALL_SECTORS,
    Figure,
    Millesime,
    PerimeterExclusion,
    Scope,
    Source,
)
from observatoire.reference import Reference
from observatoire.secrecy import PublishedCell
from observatoire.sectors import FAMILY_LABELS, GROUPINGS, OTHER
from referentiels.models import EssFamily, Territory, TerritoryKind

KIND_LABELS = {
    TerritoryKind.REGION: "Région",
    TerritoryKind.ARRONDISSEMENT: "Arrondissement",
    TerritoryKind.EPCI: "Intercommunalité",
    TerritoryKind.COMMUNE: "Commune",
}


NO_REFERENCE = "pas de référence nationale dans cette source"


class PanoramaUnavailable(Exception):
    """The millésime is no longer published, or has no figure: nothing to build."""


@dataclass
class TableRow:
    label: str
    cells: list[str]
    is_total: bool = False


@dataclass
class NicheRow:
    label: str
    quotient: str  # « 1,52 », or the reason no quotient is given
    representation: str


@dataclass
class PanoramaContent:
    territory: Territory
    kind_label: str
    millesime: Millesime
    source_label: str
    generated_at: datetime
    reference_name: str  # what the niches compare the territory with
    key_figures: list[tuple[str, str]]  # (value, what it counts)
    family_rows: list[TableRow]
    sector_rows: list[TableRow]
    children_rows: list[TableRow]
    children_label: str
    family_chart: charts.BarChart
    sector_chart: charts.BarChart
    evolution_chart: charts.LineChart
    evolution_rows: list[tuple[str, str]]
    niche_rows: list[NicheRow]
    over_represented: list[str]
    potential_niches: list[str]
    shift_share: niches.ShiftShare | None
    shift_share_reason: str
    shift_share_years: tuple[int, int] | None
    shift_share_rows: list[TableRow]
    exclusions: list[PerimeterExclusion]
    secret_reasons: list[str] = field(default_factory=list)


def _children(territory: Territory, territories: list[Territory]) -> tuple[list[Territory], str]:
    if territory.kind == TerritoryKind.REGION:
        return [t for t in territories if t.kind == TerritoryKind.EPCI], "Intercommunalité"
    if territory.kind == TerritoryKind.EPCI:
        return [t for t in territories if t.kind == TerritoryKind.COMMUNE and t.parent_id == territory.pk], "Commune"
    if territory.kind == TerritoryKind.ARRONDISSEMENT:
        children = [t for t in territories if t.kind == TerritoryKind.COMMUNE and t.arrondissement_id == territory.pk]
        return children, "Commune"
    return [], ""


def _reference_of(territory: Territory, region: Territory) -> tuple[str, str]:
    """The key and name of the territory the niches compare with: the région, or France for it."""
    if territory.kind == TerritoryKind.REGION:
        return cube.FRANCE_KEY, "la France"
    return str(region.pk), region.name


class _Cells:
    """The cells of one millésime and source, read through the mask."""

    def __init__(self, figures):
        self.by_key = {(f.scope, *cube.key_of(f)): f for f in figures}

    def has_territory(self, territory: str) -> bool:
        return any(key[1] == territory for key in self.by_key)

    def read(self, scope: str, territory: str, family: str, sector: str) -> PublishedCell:
        key = (territory, family, sector)
        return cube.read(self.by_key.get((scope, *key)), key=key)


def _load(millesime: Millesime, source: str, territory_keys: set[str], with_families: bool) -> _Cells:
    territory_ids = {int(k) for k in territory_keys if k != cube.FRANCE_KEY}
    figures = Figure.objects.filter(millesime=millesime, source=source, sector__in=_sector_codes())
    if cube.FRANCE_KEY in territory_keys:
        figures = figures.filter(Q(territory_id__in=territory_ids) | Q(territory__isnull=True))
    else:
        figures = figures.filter(territory_id__in=territory_ids)
    if not with_families:
        figures = figures.filter(family=ALL_FAMILIES)
    return _Cells(figures)


def _sector_codes() -> list[str]:
    return [ALL_SECTORS, *(g.code for g in (*GROUPINGS, OTHER))]


def _number(value) -> str:
    return "—" if value is None else french_number(value)


def _fte(value) -> str:
    return "—" if value is None else french_number(value, 1)


def _euros(value) -> str:
    return "—" if value is None else french_euros(value)


def _share(ess: PublishedCell, economy: PublishedCell) -> str:
    value = selectors.employment_share(ess, economy)
    return "—" if value is None else french_percent(value)


def panorama_content(*, territory: Territory, millesime: Millesime, reference: Reference) -> PanoramaContent:
    """Everything the panorama shows, every value read through the secrecy mask."""
    if not millesime.is_published:
        raise PanoramaUnavailable("Ce millésime n'est plus publié.")
    sources = selectors.sources_of(millesime)
    if not sources:
        raise PanoramaUnavailable("Ce millésime n'a aucun chiffre publié.")
    source = sources[0]
    region = reference.region
    children, children_label = _children(territory, reference.territories)
    reference_key, reference_name = _reference_of(territory, region)
    here = str(territory.pk)
    cells = _load(millesime, source, {here, reference_key, *(str(c.pk) for c in children)}, with_families=True)
    secret_reasons: list[str] = []

    def read(scope, where, family, sector) -> PublishedCell:
        cell = cells.read(scope, where, family, sector)
        if cell.is_secret and cell.reason not in secret_reasons:
            secret_reasons.append(cell.reason)
        return cell

    total = read(Scope.ESS, here, ALL_FAMILIES, ALL_SECTORS)
    economy = read(Scope.ECONOMY, here, ALL_FAMILIES, ALL_SECTORS)
    key_figures = [
        (_number(total.establishments), "établissements employeurs de l'ESS"),
        (_number(total.employees), "salariés dans l'ESS"),
        (_share(total, economy), "de l'emploi salarié privé"),
        (_euros(total.payroll), "de masse salariale brute"),
    ]

    family_rows, family_items = [], []
    for family in EssFamily.values:
        cell = read(Scope.ESS, here, family, ALL_SECTORS)
        family_items.append((FAMILY_LABELS[family], cell.employees))
        family_rows.append(
            TableRow(
                FAMILY_LABELS[family],
                [_number(cell.establishments), _number(cell.employees), _fte(cell.fte), _euros(cell.payroll)],
            )
        )
    family_rows.append(
        TableRow(
            "Ensemble de l'ESS",
            [_number(total.establishments), _number(total.employees), _fte(total.fte), _euros(total.payroll)],
            is_total=True,
        )
    )

    sector_rows, sector_items = [], []
    for grouping in (*GROUPINGS, OTHER):
        cell = read(Scope.ESS, here, ALL_FAMILIES, grouping.code)
        sector_economy = read(Scope.ECONOMY, here, ALL_FAMILIES, grouping.code)
        sector_items.append((grouping.label, cell.employees))
        sector_rows.append(
            TableRow(
                grouping.label,
                [
                    _number(cell.establishments),
                    _number(cell.employees),
                    _euros(cell.payroll),
                    _share(cell, sector_economy),
                ],
            )
        )
    sector_rows.append(
        TableRow(
            "Tous secteurs",
            [_number(total.establishments), _number(total.employees), _euros(total.payroll), _share(total, economy)],
            is_total=True,
        )
    )

    children_rows = []
    for child in children:
        cell = read(Scope.ESS, str(child.pk), ALL_FAMILIES, ALL_SECTORS)
        child_economy = read(Scope.ECONOMY, str(child.pk), ALL_FAMILIES, ALL_SECTORS)
        children_rows.append(
            TableRow(child.name, [_number(cell.establishments), _number(cell.employees), _share(cell, child_economy)])
        )

    # Niches: the location quotient of each ESS grouping against the reference.
    def employees(scope, where, sector):
        return cells.read(scope, where, ALL_FAMILIES, sector).employees

    quotients = []
    labels = {g.code: g.label for g in (*GROUPINGS, OTHER)}
    has_reference = cells.has_territory(reference_key)
    for grouping in (*GROUPINGS, OTHER) if has_reference else ():
        figures = niches.SectorFigures(
            ess=employees(Scope.ESS, here, grouping.code),
            economy=employees(Scope.ECONOMY, here, grouping.code),
            reference_ess=employees(Scope.ESS, reference_key, grouping.code),
            reference_economy=employees(Scope.ECONOMY, reference_key, grouping.code),
        )
        quotients.append(niches.location_quotient(sector=grouping.code, figures=figures))
    niche_rows = [
        NicheRow(
            labels[q.sector],
            french_number(q.quotient, 2) if q.quotient is not None else q.reason,
            q.representation.label,
        )
        for q in quotients
    ]
    over, potential = niches.niches(quotients)
    if not has_reference:  # no national figure in this source: nothing to compare the région with
        niche_rows = [
            NicheRow(g.label, NO_REFERENCE, niches.Representation.NOT_GIVEN.label) for g in (*GROUPINGS, OTHER)
        ]

    # Evolution and shift-share over the published millésimes up to this one.
    published = [m for m in reference.millesimes if m.year <= millesime.year]
    series = _series(published, source, here)
    evolution_rows = [(str(year), _number(value)) for year, value in series]
    shift, shift_years, shift_rows = _shift_share(published, source, here, reference_key, cells, labels)
    shift_reason = ""  # why the change is not split, when there is a change to split
    if len(published) >= 2 and not shift_rows:
        shift_reason = shift.reason if shift else NO_REFERENCE

    title_end = f"{territory.name}, {millesime.year}"
    return PanoramaContent(
        territory=territory,
        kind_label=KIND_LABELS[territory.kind],
        millesime=millesime,
        source_label=millesime.source_note or dict(Source.choices)[source],
        generated_at=timezone.localtime(),
        reference_name=reference_name,
        key_figures=key_figures,
        family_rows=family_rows,
        sector_rows=sector_rows,
        children_rows=children_rows,
        children_label=children_label,
        family_chart=charts.bar_chart(
            title=f"Salariés de l'ESS par famille — {title_end}",
            description="Une barre par famille de l'ESS ; « s » : valeur couverte par le secret statistique.",
            items=family_items,
        ),
        sector_chart=charts.bar_chart(
            title=f"Salariés de l'ESS par secteur — {title_end}",
            description="Une barre par regroupement de secteurs ; « s » : valeur couverte par le secret statistique.",
            items=sector_items,
        ),
        evolution_chart=charts.line_chart(
            title=f"Évolution des salariés de l'ESS — {territory.name}",
            description="Un point par millésime publié ; la courbe s'interrompt où une valeur est secrète.",
            series=series,
        ),
        evolution_rows=evolution_rows,
        niche_rows=niche_rows,
        over_represented=[labels[q.sector] for q in over],
        potential_niches=[labels[q.sector] for q in potential],
        shift_share=shift,
        shift_share_reason=shift_reason,
        shift_share_years=shift_years,
        shift_share_rows=shift_rows,
        exclusions=list(PerimeterExclusion.objects.all()),
        secret_reasons=secret_reasons,
    )


def _series(millesimes: list[Millesime], source: str, here: str) -> list[tuple[int, object]]:
    found = {
        f.millesime_id: f
        for f in Figure.objects.filter(
            millesime__in=millesimes,
            source=source,
            scope=Scope.ESS,
            territory_id=int(here),
            family=ALL_FAMILIES,
            sector=ALL_SECTORS,
        )
    }
    key = (here, ALL_FAMILIES, ALL_SECTORS)
    return [(m.year, cube.read(found.get(m.pk), key=key).employees) for m in millesimes]


def _employment(cells: _Cells, where: str) -> niches.Employment:
    return niches.Employment(
        total=cells.read(Scope.ESS, where, ALL_FAMILIES, ALL_SECTORS).employees,
        sectors={g.code: cells.read(Scope.ESS, where, ALL_FAMILIES, g.code).employees for g in (*GROUPINGS, OTHER)},
    )


def _shift_share(published, source, here, reference_key, cells, labels):
    if len(published) < 2 or not cells.has_territory(reference_key):
        return None, None, []
    before_millesime, after_millesime = published[-2], published[-1]
    before_cells = _load(before_millesime, source, {here, reference_key}, with_families=False)
    try:
        result = niches.shift_share(
            before=_employment(before_cells, here),
            after=_employment(cells, here),
            reference_before=_employment(before_cells, reference_key),
            reference_after=_employment(cells, reference_key),
        )
    except ValueError:  # published sectors above a published total: inconsistent source
        return None, None, []
    rows = []
    lines = [*result.lines, result.total] if result.total else []
    for line in lines:
        label = "Ensemble" if line.sector == "TOTAL" else labels.get(line.sector, line.sector)
        rows.append(
            TableRow(
                label,
                [
                    french_number(line.before),
                    french_number(line.after),
                    french_number(line.change),
                    french_number(line.trend, 1),
                    french_number(line.mix, 1),
                    french_number(line.local, 1),
                ],
                is_total=line.sector == "TOTAL",
            )
        )
    return result, (before_millesime.year, after_millesime.year), rows


def render_html(content: PanoramaContent) -> str:
    return render_to_string("observatoire/panorama/document.html", {"content": content, "secret": SECRET})


def _weasyprint():
    """WeasyPrint, loaded by the process that builds (heavy: Pango), not by every page.

    Importing it sets Pillow's `ImageFile.LOAD_TRUNCATED_IMAGES` for the whole process,
    which would make `lib.uploads.validate_image` accept damaged images there: the flag is
    put back (the panorama draws no raster image)."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def render_pdf(content: PanoramaContent) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    weasyprint = _weasyprint()
    stylesheet = weasyprint.CSS(string=render_to_string("observatoire/panorama/document.css"))
    document = weasyprint.HTML(string=render_html(content)).render(stylesheets=[stylesheet])
    return document.write_pdf(), len(document.pages)
