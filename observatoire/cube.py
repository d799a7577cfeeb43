"""The stored figures as cubes for `observatoire.secrecy`: the mask computed at publication
and stored on each figure, and the one way pages, files and reports read a figure.

A cube is one (millésime, source, scope). Its cells are keyed by (territory, family,
sector) codes: the territory's primary key (« FR » for France), the family code or
« toutes », the sector code (« tout », a NAF section letter, a division number or an ESS
grouping code — never the same code at two levels).
"""

from collections import defaultdict
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
)
from observatoire.secrecy import (
    Cell,
    CellKey,
    Dimensions,
    Hierarchy,
    PublishedCell,
    SecrecyMask,
    Status,
    compute_mask,
    publish,
)
from observatoire.sectors import GROUPINGS, OTHER, grouping_of
from referentiels.models import EssFamily, NafDivision, Territory, TerritoryKind

FRANCE_KEY = "FR"
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


def dimensions(scope: str) -> Dimensions:
    """The additive relations of a cube: communes → EPCI → région and communes →
    arrondissements → région; families → all; divisions → sections → all and divisions →
    ESS groupings → all. France stands alone (no relation)."""
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
    families = Hierarchy.flat() if scope == Scope.ECONOMY else Hierarchy.from_parents(
        dict.fromkeys(EssFamily.values, ALL_FAMILIES)
    )  # fmt: skip
    return Dimensions(
        territory=Hierarchy.from_parents(by_epci, by_arrondissement),
        family=families,
        sector=Hierarchy.from_parents(by_section, by_grouping),
    )


def previous_mask(*, millesime: Millesime, source: str, scope: str) -> SecrecyMask | None:
    """The stored mask of the latest millésime published before this one, same cube."""
    earlier = (
        Millesime.objects.filter(year__lt=millesime.year, state=MillesimeState.PUBLISHED).order_by("-year").first()
    )
    if earlier is None:
        return None
    hidden = Figure.objects.filter(millesime=earlier, source=source, scope=scope).filter(
        Q(secrecy=Secrecy.PRIMARY) | Q(secrecy=Secrecy.SECONDARY)
    )
    return SecrecyMask.from_entries((key_of(figure), figure.secrecy, figure.secrecy_reason) for figure in hidden)


def mark_secrecy(*, millesime: Millesime) -> dict[tuple[str, str], int]:
    """Compute and store the mask of every cube of the millésime; returns the number of
    hidden cells per (source, scope)."""
    cubes = defaultdict(dict)
    for figure in Figure.objects.filter(millesime=millesime):
        cubes[(figure.source, figure.scope)][key_of(figure)] = figure
    hidden_counts = {}
    for (source, scope), figures in cubes.items():
        mask = compute_mask(
            cells={key: cell_of(figure) for key, figure in figures.items()},
            dimensions=dimensions(scope),
            previous=previous_mask(millesime=millesime, source=source, scope=scope),
        )
        cube = Figure.objects.filter(millesime=millesime, source=source, scope=scope)
        cube.update(secrecy=Secrecy.PUBLISHED, secrecy_reason="")
        by_verdict = defaultdict(list)
        for key, status, reason in mask.entries():
            if key in figures:  # a hidden true zero has no row: it shows « s » by its relation
                by_verdict[(status, reason)].append(figures[key].pk)
        for (status, reason), pks in by_verdict.items():
            Figure.objects.filter(pk__in=pks).update(secrecy=Secrecy(str(status)), secrecy_reason=reason)
        hidden_counts[(source, scope)] = len(mask.hidden)
        missing = [key for key in mask.hidden if key not in figures]
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
                        family=key[1],
                        sector_level=sector_level(key[2]),
                        sector=key[2],
                        establishments=0,
                        secrecy=Secrecy(str(mask.hidden[key].status)),
                        secrecy_reason=mask.hidden[key].reason,
                    )
                    for key in missing
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
