"""Statistical secrecy: which cells of a table may be shown, and the one way to read them.

A table (one source, one millésime) is a cube of cells keyed by (territory, family,
sector). Each dimension has totals: the région is the sum of its EPCI and also the sum of
its arrondissements, an EPCI or an arrondissement the sum of its communes; « ESS » is the
sum of the families; « TOUT » the sum of the NAF sections, a section the sum of its
divisions. These hierarchies are input data (`Hierarchy`), nothing here knows La Réunion.

The method, in plain words:

1. **Primary secrecy.** A cell is secret when it counts fewer than 3 establishments
   (« moins de 3 établissements »), or when a single establishment holds more than 85 % of
   the cell's employees, full-time equivalents or payroll (« un établissement représente
   plus de 85 % »): publishing it would show one employer's own figures. A cell with no
   establishment at all is a true zero and is published. Both thresholds are parameters
   (`Thresholds`). A cell the source itself published as « s » is primary-secret too
   (« secret de la source »). A secret cell hides all its measures, establishments included: simpler
   to read, and no measure can serve to estimate another.

2. **Secondary secrecy.** A hidden value must not be recomputable, nor closely estimated,
   by subtraction. For every additive relation « total = sum of its parts » (along each
   dimension, for every value of the two others) two rules hold, and the cells they hide
   are « secret induit (protège une autre case) »:

   - **protection**: for every primary-secret cell of the relation, the other hidden
     cells of the relation together hold at least `protection_percent` % (15 % by
     default) of its establishments and of its employees, and at least one establishment.
     Where they do not, complements are added: the cheapest shown cell of the relation
     that covers what is missing on its own, else the shown cell that covers the most,
     and again until covered. (A reader who knows the published cells learns from the
     relation only the sum of its hidden cells: a tiny complement would pin the secret
     value; with this rule, the values the secret cell could take, from that relation
     alone, span at least 15 % of its true value.) A cell secret at the source (values
     unknown) needs only a complement with at least one establishment;
   - **no single hidden cell**: a relation never has exactly one hidden cell (it would
     equal the total minus the published parts, or the sum of the parts); if it has, the
     cheapest shown cell of the relation is hidden too.

   Each new hidden cell may break a rule in another relation; this repeats until every
   relation keeps both (a fixed point). « Cheapest » is a cost, in this order: a cell with
   establishments before a true zero (a zero is often guessable, so it protects little); a
   cell that was hidden in the previous millésime (so that the mask stays stable from one
   year to the next); the fewest establishments, then the fewest employees (the least
   information lost); then the smallest key, so that the same table always gives the same
   mask. Relations are examined in the order of their total's key.

   What is guaranteed: in every relation, taken alone, no hidden value is recomputable,
   and every primary-secret cell is protected as above — except where the relation's
   other cells together hold less than that (only with inconsistent source tables):
   then all of them are hidden. What is not: the system of equations a determined
   reader could write by combining many relations is not audited; in rare
   configurations such a reader could narrow a hidden value below the protection, or
   recover it. A full linear-programming audit (as τ-ARGUS performs) would close that
   gap; it is not done here.

   A cell that is never published but whose value is derivable from published cells (the
   employers outside the ESS: the whole economy minus the ESS) is a cell of the cube like
   any other: primary secrecy applies to it, and hiding it hides the whole economy or
   the ESS figure it derives from (`observatoire.cube`).

3. **Reading a cell.** `publish()` is the only way any output (page, chart, CSV, JSON,
   PDF) reads a cell: a hidden cell comes out with every measure replaced by the marker
   « s » and the reason, and the returned object keeps no trace of the raw values.

The mask is computed once, when a millésime is published, and stored.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Number = int | Decimal
CellKey = tuple[str, str, str]  # (territory code, family code, sector code)
SecretMarker = Literal["s"]
SECRET: SecretMarker = "s"  # noqa: S105 — the « s » shown in place of a hidden value

TERRITORY, FAMILY, SECTOR = 0, 1, 2
VALUE_MEASURES = ("employees", "fte", "payroll")
MEASURES = ("establishments", *VALUE_MEASURES)


class Status(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"
    SECONDARY = "secondary"


REASON_SECONDARY = "secret induit (protège une autre case)"
REASON_SOURCE = "secret de la source"


def reason_too_few(min_establishments: int) -> str:
    return f"moins de {min_establishments}\u00a0établissements"


def reason_dominance(dominance_percent: int) -> str:
    return f"un établissement représente plus de {dominance_percent}\u00a0%"


@dataclass(frozen=True, slots=True)
class Cell:
    """The raw figures of one cell, as aggregated at import.

    `employees`, `fte` and `payroll` are None when the source does not give them. For
    dominance, `largest_<measure>` is the value of the largest single establishment of
    the cell for that measure (for a total: the largest over its parts), None where no
    establishment-level data exists (published aggregated sources): then only the count
    rule applies. The value is stored rather than a share so that totals take the
    maximum of their parts at import.

    `source_secret` marks a cell the source itself published as secret (« s »): its
    values are unknown (what is known is kept), and it is primary-secret.
    """

    establishments: int
    employees: Number | None = None
    fte: Number | None = None
    payroll: Number | None = None
    largest_employees: Number | None = None
    largest_fte: Number | None = None
    largest_payroll: Number | None = None
    source_secret: bool = False


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Primary secrecy: a cell with 0 < establishments < `min_establishments` is secret, and
    so is one where a single establishment holds more than `dominance_percent` % of a measure.
    Secondary secrecy: the hidden complements of a primary-secret cell in a relation hold at
    least `protection_percent` % of its establishments and employees."""

    min_establishments: int = 3
    dominance_percent: int = 85
    protection_percent: int = 15


@dataclass(frozen=True, slots=True)
class Secret:
    status: Status
    reason: str


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """The additive relations of one dimension: each total with one way of splitting it into
    parts. A total may have several splits (the région into EPCI, and into arrondissements)."""

    splits: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_parents(cls, *trees: Mapping[str, str]) -> Hierarchy:
        """Build from one or more parent maps (code → code of its direct total), one per
        tree: for territories, {commune: EPCI, EPCI: région} and {commune: arrondissement,
        arrondissement: région}; for families, {family: "ESS"}; for sectors,
        {division: section, section: "TOUT"}."""
        splits: set[tuple[str, tuple[str, ...]]] = set()
        for tree in trees:
            children: dict[str, list[str]] = defaultdict(list)
            for child, parent in tree.items():
                children[parent].append(child)
            splits.update((parent, tuple(sorted(parts))) for parent, parts in children.items())
        return cls(splits=tuple(sorted(splits)))

    @classmethod
    def flat(cls) -> Hierarchy:
        """A dimension with no totals (a single code)."""
        return cls(splits=())


@dataclass(frozen=True, slots=True)
class Dimensions:
    territory: Hierarchy
    family: Hierarchy
    sector: Hierarchy

    def by_index(self) -> tuple[Hierarchy, Hierarchy, Hierarchy]:
        return (self.territory, self.family, self.sector)


@dataclass(frozen=True, slots=True)
class Relation:
    """One additive relation of the cube: `members[0]` is the total, the rest its parts."""

    dimension: int
    members: tuple[CellKey, ...]

    @property
    def total(self) -> CellKey:
        return self.members[0]


@dataclass(frozen=True)
class SecrecyMask:
    """Which cells are hidden, and why. A key the mask does not name is published."""

    hidden: Mapping[CellKey, Secret]

    def secret(self, key: CellKey) -> Secret | None:
        return self.hidden.get(key)

    def status(self, key: CellKey) -> Status:
        secret = self.hidden.get(key)
        return secret.status if secret else Status.PUBLISHED

    def is_hidden(self, key: CellKey) -> bool:
        return key in self.hidden

    def entries(self) -> Iterator[tuple[CellKey, Status, str]]:
        """The hidden cells in key order, as (key, status, reason): what gets stored."""
        for key in sorted(self.hidden):
            yield key, self.hidden[key].status, self.hidden[key].reason

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[CellKey, Status | str, str]]) -> SecrecyMask:
        hidden = {}
        for key, status, reason in entries:
            status = Status(status)
            if status is not Status.PUBLISHED:
                hidden[tuple(key)] = Secret(status=status, reason=reason)
        return cls(hidden=hidden)


def primary_secret(cell: Cell, *, thresholds: Thresholds = Thresholds()) -> Secret | None:
    """The primary-secrecy verdict of one cell on its own, or None when it may be shown."""
    if cell.source_secret:
        return Secret(Status.PRIMARY, REASON_SOURCE)
    if cell.establishments <= 0:
        return None
    if cell.establishments < thresholds.min_establishments:
        return Secret(Status.PRIMARY, reason_too_few(thresholds.min_establishments))
    for measure in VALUE_MEASURES:
        value = getattr(cell, measure)
        largest = getattr(cell, f"largest_{measure}")
        if value is None or largest is None or value <= 0:
            continue
        # Integer arithmetic on the percentage: exact for ints and Decimals alike.
        if largest * 100 > value * thresholds.dominance_percent:
            return Secret(Status.PRIMARY, reason_dominance(thresholds.dominance_percent))
    return None


def cube_relations(*, keys: Iterable[CellKey], dimensions: Dimensions) -> list[Relation]:
    """Every additive relation whose total is a cell of the cube, ordered by total then
    dimension. Parts missing from the cube are true zeros and still belong to the relation."""
    keys = set(keys)
    hierarchies = dimensions.by_index()
    splits_of = [defaultdict(list) for _ in hierarchies]
    for index, hierarchy in enumerate(hierarchies):
        for total, parts in hierarchy.splits:
            splits_of[index][total].append(parts)
    relations = []
    for key in keys:
        for index in range(3):
            for parts in splits_of[index].get(key[index], ()):
                members = [key]
                for part in parts:
                    member = list(key)
                    member[index] = part
                    members.append(tuple(member))
                relations.append(Relation(dimension=index, members=tuple(members)))
    relations.sort(key=lambda relation: (relation.total, relation.dimension, relation.members))
    return relations


def compute_mask(
    *,
    cells: Mapping[CellKey, Cell],
    dimensions: Dimensions,
    thresholds: Thresholds = Thresholds(),
    previous: SecrecyMask | None = None,
) -> SecrecyMask:
    """The secrecy mask of one cube: primary secrecy, then secondary secrecy to a fixed
    point (see the module's docstring for the method). `previous` is the stored mask of the
    previous millésime, if any: its hidden cells are preferred as complements."""
    hidden: dict[CellKey, Secret] = {}
    for key in sorted(cells):
        secret = primary_secret(cells[key], thresholds=thresholds)
        if secret:
            hidden[key] = secret
    primaries = set(hidden)

    relations = cube_relations(keys=cells.keys(), dimensions=dimensions)
    relations_of: dict[CellKey, list[int]] = defaultdict(list)
    for number, relation in enumerate(relations):
        for member in relation.members:
            relations_of[member].append(number)

    was_hidden = previous.hidden if previous is not None else {}
    zero = Cell(establishments=0)

    def cost(key: CellKey) -> tuple:
        cell = cells.get(key, zero)
        return (
            cell.establishments <= 0,
            key not in was_hidden,
            cell.establishments,
            cell.employees if cell.employees is not None else 0,
            key,
        )

    def held(key: CellKey) -> tuple[int, Number]:
        """What a hidden cell contributes to protecting another: its establishments and
        employees (nothing of what a source keeps secret)."""
        cell = cells.get(key, zero)
        if cell.source_secret:
            return (0, 0)
        return (max(cell.establishments, 0), cell.employees or 0)

    percent = thresholds.protection_percent

    def hide(key: CellKey) -> None:
        hidden[key] = Secret(Status.SECONDARY, REASON_SECONDARY)
        for number in relations_of[key]:
            heapq.heappush(pending, number)

    def protect(relation: Relation, protected: CellKey) -> None:
        """Hide complements in the relation until its other hidden cells hold the share of
        `protected` that the thresholds require (or nothing is left to hide)."""
        # What is still missing, in hundredths (exact for ints and Decimals alike).
        establishments, employees = held(protected)
        needs = [max(100, percent * establishments), percent * employees]
        for member in relation.members:
            if member != protected and member in hidden:
                needs = [need - 100 * has for need, has in zip(needs, held(member), strict=True)]
        while needs[0] > 0 or needs[1] > 0:
            shown = [member for member in relation.members if member not in hidden]
            if not shown:
                return

            def coverage(member: CellKey, needs=needs) -> float:
                # The share of what is missing that the member covers (1: all of it); a
                # float is enough to rank the members.
                shares = [100 * has / need for has, need in zip(held(member), needs, strict=True) if need > 0]
                return min(1.0, *map(float, shares))

            covering = [member for member in shown if coverage(member) >= 1]
            if covering:
                complement = min(covering, key=cost)
            else:
                complement = min(shown, key=lambda member: (-coverage(member), cost(member)))
            hide(complement)
            needs = [need - 100 * has for need, has in zip(needs, held(complement), strict=True)]

    pending = sorted({number for key in hidden for number in relations_of[key]})
    heapq.heapify(pending)
    while pending:
        relation = relations[heapq.heappop(pending)]
        for member in sorted(set(relation.members) & primaries):
            protect(relation, member)
        shown = [member for member in relation.members if member not in hidden]
        if len(relation.members) - len(shown) == 1 and shown:
            hide(min(shown, key=cost))
    return SecrecyMask(hidden=hidden)


@dataclass(frozen=True, slots=True)
class PublishedCell:
    """A cell as every output shows it: the values, or « s » for each measure of a hidden
    cell, with the reason. It holds nothing else, so a hidden value cannot leak from it."""

    status: Status
    reason: str
    establishments: int | SecretMarker
    employees: Number | SecretMarker | None
    fte: Number | SecretMarker | None
    payroll: Number | SecretMarker | None

    @property
    def is_secret(self) -> bool:
        return self.status is not Status.PUBLISHED

    def value(self, measure: str) -> Number | SecretMarker | None:
        if measure not in MEASURES:
            raise ValueError(f"unknown measure {measure!r}")
        return getattr(self, measure)


def publish(*, key: CellKey, cell: Cell | None, mask: SecrecyMask) -> PublishedCell:
    """The one way to read a cell for any output. `cell` is None for a cell absent from the
    cube (no establishment: a true zero)."""
    secret = mask.secret(key)
    if secret is not None:
        return PublishedCell(
            status=secret.status,
            reason=secret.reason,
            establishments=SECRET,
            employees=SECRET,
            fte=SECRET,
            payroll=SECRET,
        )
    cell = cell if cell is not None else Cell(establishments=0, employees=0, fte=0, payroll=0)
    return PublishedCell(
        status=Status.PUBLISHED,
        reason="",
        establishments=cell.establishments,
        employees=cell.employees,
        fte=cell.fte,
        payroll=cell.payroll,
    )


def publish_many(
    *, keys: Sequence[CellKey], cells: Mapping[CellKey, Cell], mask: SecrecyMask
) -> dict[CellKey, PublishedCell]:
    """`publish()` for several cells (a table, a chart's series)."""
    return {key: publish(key=key, cell=cells.get(key), mask=mask) for key in keys}
