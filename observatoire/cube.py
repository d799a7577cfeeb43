"""The stored figures as cubes for `observatoire.secrecy`: the mask computed at publication
and stored on each figure, and the one way pages, files and reports read a figure.

A cube is one (millésime, source). Its cells are keyed by (territory, family, sector)
codes: the territory's primary key (« FR » for France), the family, the sector code
(« tout », a NAF section letter, a division number or an ESS grouping code — never the
same code at two levels).

The ESS and the whole economy (« ensemble ») are one cube, because pages publish them side
by side and the difference would otherwise show the employers outside the ESS: the family
dimension reads « ensemble » = « toutes » (the ESS) + « hors ESS », and « toutes » = the sum
of the ESS families. The « hors ESS » cells are never stored nor published; they take part
in the mask only, with primary secrecy like any cell (from the establishment file, with
the largest establishment for dominance; from a published table, by difference).
"""

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from typing import NamedTuple

from django.db.models import Q

from observatoire.models import (
    ALL_FAMILIES,
    ALL_SECTORS,
    Figure,
    Millesime,
    MillesimeState,
    Scope,
    Secrecy,
    SectorLevel,
    Source,
)
from observatoire.secrecy import (
    Cell,
    CellKey,
    Dimensions,
    Hierarchy,
    PublishedCell,
    SecrecyMask,
    Status,
    Thresholds,
    compute_mask,
    publish,
)
from observatoire.sectors import GROUPINGS, OTHER, grouping_of
from referentiels.models import EssFamily, NafDivision, Territory, TerritoryKind

FRANCE_KEY = "FR"
# Family codes of the joint cube that are no ESS family (EssFamily values are never these).
ECONOMY_FAMILY = "ensemble"
OUTSIDE_ESS_FAMILY = "hors-ess"
_NOTHING_HIDDEN = SecrecyMask(hidden={})


class FigureRow(NamedTuple):
    """What `read` needs of a figure, read with `values_list(*FigureRow._fields)`: pages
    read many cells, and model instances cost more than the query."""

    millesime_id: int
    scope: str
    territory_id: int | None
    family: str
    sector: str
    establishments: int
    employees: int | None
    fte: object
    payroll: int | None
    largest_employees: int | None
    largest_fte: object
    largest_payroll: int | None
    secrecy: str
    secrecy_reason: str


def rows(queryset) -> list[FigureRow]:
    return [FigureRow(*values) for values in queryset.values_list(*FigureRow._fields)]


def territory_key(territory_id: int | None) -> str:
    return FRANCE_KEY if territory_id is None else str(territory_id)


def key_of(figure: Figure) -> CellKey:
    return (territory_key(figure.territory_id), figure.family, figure.sector)


def cell_of(figure: Figure) -> Cell:
    return Cell(
        establishments=figure.establishments,
        employees=figure.employees,
        fte=figure.fte,
        payroll=figure.payroll,
        largest_employees=figure.largest_employees,
        largest_fte=figure.largest_fte,
        largest_payroll=figure.largest_payroll,
    )


def dimensions() -> Dimensions:
    """The additive relations of a cube: communes → EPCI → région and communes →
    arrondissements → région; families → ESS (« toutes »), ESS + outside the ESS → whole
    economy; divisions → sections → all and divisions → ESS groupings → all. France stands
    alone (no territory relation)."""
    by_epci, by_arrondissement = {}, {}
    for pk, kind, parent_id, arrondissement_id in Territory.objects.values_list(
        "pk", "kind", "parent_id", "arrondissement_id"
    ):
        if kind == TerritoryKind.COMMUNE:
            by_epci[str(pk)] = str(parent_id)
            if arrondissement_id:
                by_arrondissement[str(pk)] = str(arrondissement_id)
        elif kind == TerritoryKind.EPCI:
            by_epci[str(pk)] = str(parent_id)
        elif kind == TerritoryKind.ARRONDISSEMENT:
            by_arrondissement[str(pk)] = str(parent_id)
    sections = dict(NafDivision.objects.values_list("code", "section__code"))
    by_section = dict(sections) | dict.fromkeys(set(sections.values()), ALL_SECTORS)
    by_grouping = {division: grouping_of(division).code for division in sections} | {
        grouping.code: ALL_SECTORS for grouping in (*GROUPINGS, OTHER)
    }
    families = dict.fromkeys(EssFamily.values, ALL_FAMILIES) | {
        ALL_FAMILIES: ECONOMY_FAMILY,
        OUTSIDE_ESS_FAMILY: ECONOMY_FAMILY,
    }
    return Dimensions(
        territory=Hierarchy.from_parents(by_epci, by_arrondissement),
        family=Hierarchy.from_parents(families),
        sector=Hierarchy.from_parents(by_section, by_grouping),
    )


def joint_key(figure: Figure) -> CellKey:
    """The key of a figure in the joint cube of its source (the whole economy's cells on
    the « ensemble » family)."""
    family = ECONOMY_FAMILY if figure.scope == Scope.ECONOMY else figure.family
    return (territory_key(figure.territory_id), family, figure.sector)


def previous_mask(*, millesime: Millesime, source: str) -> SecrecyMask | None:
    """The stored mask of the latest millésime published before this one, same source."""
    earlier = (
        Millesime.objects.filter(year__lt=millesime.year, state=MillesimeState.PUBLISHED).order_by("-year").first()
    )
    if earlier is None:
        return None
    hidden = Figure.objects.filter(millesime=earlier, source=source).filter(
        Q(secrecy=Secrecy.PRIMARY) | Q(secrecy=Secrecy.SECONDARY)
    )
    return SecrecyMask.from_entries((joint_key(figure), figure.secrecy, figure.secrecy_reason) for figure in hidden)


def outside_ess_cells(
    cells: Mapping[CellKey, Cell], outside_ess: Mapping[tuple[int | None, str], Cell] | None
) -> dict[CellKey, Cell]:
    """The « hors ESS » cell of every (territory, sector) the whole economy has: given (from
    the establishment file, keyed by (territory id, sector)), else the whole economy minus
    the ESS (no dominance: a published table has no establishment data). Unknown where
    either side is secret at the source."""
    outside = {}
    for (territory, family, sector), economy in cells.items():
        if family != ECONOMY_FAMILY:
            continue
        key = (territory, OUTSIDE_ESS_FAMILY, sector)
        territory_id = None if territory == FRANCE_KEY else int(territory)
        if outside_ess is not None:
            outside[key] = outside_ess.get((territory_id, sector), Cell(establishments=0, employees=0))
            continue
        ess = cells.get((territory, ALL_FAMILIES, sector))
        if economy.source_secret or (ess is not None and ess.source_secret):
            outside[key] = Cell(establishments=0, source_secret=True)
            continue

        def difference(measure, economy=economy, ess=ess):
            whole = getattr(economy, measure)
            part = getattr(ess, measure) if ess is not None else 0
            if whole is None:
                return None
            return max(whole - (part or 0), 0)

        outside[key] = Cell(
            establishments=difference("establishments"),
            employees=difference("employees"),
            fte=difference("fte"),
            payroll=difference("payroll"),
        )
    return outside


def mark_secrecy(
    *,
    millesime: Millesime,
    outside_ess: Mapping[tuple[int | None, str], Cell] | None = None,
    thresholds: Thresholds | None = None,
) -> dict[tuple[str, str], int]:
    """Compute and store the mask of every cube (source) of the millésime, the ESS and the
    whole economy together; returns the number of hidden stored cells per (source, scope).

    `outside_ess` holds the cells of the employers outside the ESS computed from the
    establishment file (`services.outside_ess_cells`), for the base source; without it they
    are the whole economy minus the ESS, with no dominance."""
    cubes = defaultdict(dict)
    for figure in Figure.objects.filter(millesime=millesime):
        cubes[figure.source][joint_key(figure)] = figure
    hidden_counts = {}
    for source, figures in cubes.items():
        cells = {
            key: dataclasses.replace(cell_of(figure), source_secret=figure.source_secret)
            for key, figure in figures.items()
        }
        cells |= outside_ess_cells(cells, outside_ess if source == Source.BASE else None)
        mask = compute_mask(
            cells=cells,
            dimensions=dimensions(),
            thresholds=thresholds or Thresholds(),
            previous=previous_mask(millesime=millesime, source=source),
        )
        Figure.objects.filter(millesime=millesime, source=source).update(secrecy=Secrecy.PUBLISHED, secrecy_reason="")
        by_verdict = defaultdict(list)
        missing = []
        for key, status, reason in mask.entries():
            if key[1] == OUTSIDE_ESS_FAMILY:
                continue  # never stored nor published: it only took part in the mask
            scope = Scope.ECONOMY if key[1] == ECONOMY_FAMILY else Scope.ESS
            hidden_counts[(source, scope)] = hidden_counts.get((source, scope), 0) + 1
            if key in figures:
                by_verdict[(status, reason)].append(figures[key].pk)
            else:  # a hidden true zero has no row: it shows « s » by its relation
                missing.append((key, scope))
        for (status, reason), pks in by_verdict.items():
            Figure.objects.filter(pk__in=pks).update(secrecy=Secrecy(str(status)), secrecy_reason=reason)
        if missing:
            # Zero cells hidden as complements: stored as rows with no establishment so that
            # every output reads them through the mask like any other cell.
            Figure.objects.bulk_create(
                [
                    Figure(
                        millesime=millesime,
                        source=source,
                        scope=scope,
                        territory_id=None if key[0] == FRANCE_KEY else int(key[0]),
                        family=ALL_FAMILIES if scope == Scope.ECONOMY else key[1],
                        sector_level=sector_level(key[2]),
                        sector=key[2],
                        establishments=0,
                        secrecy=Secrecy(str(mask.hidden[key].status)),
                        secrecy_reason=mask.hidden[key].reason,
                    )
                    for key, scope in missing
                ]
            )
    return hidden_counts


def sector_level(code: str) -> str:
    if code == ALL_SECTORS:
        return SectorLevel.ALL
    if len(code) == 1 and code.isalpha():
        return SectorLevel.SECTION
    if len(code) == 2 and code.isdigit():
        return SectorLevel.DIVISION
    return SectorLevel.GROUPING


def read(figure: Figure | FigureRow | None, *, key: CellKey | None = None) -> PublishedCell:
    """The one way every output reads a stored figure: its values, or « s » with the reason
    when the stored mask hides it. A missing figure is a true zero. A figure whose mask was
    never computed (a millésime not yet published) is read as hidden: nothing leaks by
    mistake."""
    if figure is None:
        return publish(key=key or ("", "", ""), cell=None, mask=SecrecyMask(hidden={}))
    key = key_of(figure)
    if figure.secrecy == Secrecy.PUBLISHED:
        mask = _NOTHING_HIDDEN
    else:
        status = Status(figure.secrecy) if figure.secrecy else Status.PRIMARY
        reason = figure.secrecy_reason or "secret non encore calculé"
        mask = SecrecyMask.from_entries([(key, status, reason)])
    return publish(key=key, cell=cell_of(figure), mask=mask)
