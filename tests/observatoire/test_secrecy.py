"""Statistical secrecy (observatoire/secrecy.py): a hand-computed table, then random cubes."""

import dataclasses
import random
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatoire.secrecy import (
    REASON_SECONDARY,
    REASON_SOURCE,
    SECRET,
    Cell,
    Dimensions,
    Hierarchy,
    SecrecyMask,
    Secret,
    Status,
    Thresholds,
    compute_mask,
    publish,
)

TOO_FEW = "moins de 3\u00a0établissements"
DOMINANT = "un établissement représente plus de 85\u00a0%"


# --- A table computed by hand -------------------------------------------------------------
#
# Territories R = A + B + C, one family (ESS, no parts), sectors TOUT = X + Y.
# Establishments (employees, largest establishment's employees):
#
#              X               Y              TOUT
#   A     2 (10, 6)       4 (30, 12)      6 (40, 12)
#   B     5 (40, 15)      6 (100, 90)    11 (140, 90)
#   C     7 (50, 20)      0               7 (50, 20)
#   R    14 (100, 20)    10 (130, 90)    24 (230, 90)
#
# Primary: A·X has 2 establishments; in B·Y one establishment has 90 of 100 employees (90 %).
# Relations, examined in the order of their total: A·TOUT = A·X + A·Y has one hidden cell:
# the cheapest of A·Y (4 establishments) and A·TOUT (6) is A·Y. B·TOUT = B·X + B·Y: B·X (5)
# rather than B·TOUT (11). Then column X (A·X, B·X hidden) and column Y (A·Y, B·Y hidden)
# each have two hidden cells, the other relations none: the classic rectangle.

TABLE = {
    ("A", "ESS", "X"): Cell(establishments=2, employees=10, largest_employees=6),
    ("A", "ESS", "Y"): Cell(establishments=4, employees=30, largest_employees=12),
    ("A", "ESS", "TOUT"): Cell(establishments=6, employees=40, largest_employees=12),
    ("B", "ESS", "X"): Cell(establishments=5, employees=40, largest_employees=15),
    ("B", "ESS", "Y"): Cell(establishments=6, employees=100, largest_employees=90),
    ("B", "ESS", "TOUT"): Cell(establishments=11, employees=140, largest_employees=90),
    ("C", "ESS", "X"): Cell(establishments=7, employees=50, largest_employees=20),
    ("C", "ESS", "Y"): Cell(establishments=0, employees=0),
    ("C", "ESS", "TOUT"): Cell(establishments=7, employees=50, largest_employees=20),
    ("R", "ESS", "X"): Cell(establishments=14, employees=100, largest_employees=20),
    ("R", "ESS", "Y"): Cell(establishments=10, employees=130, largest_employees=90),
    ("R", "ESS", "TOUT"): Cell(establishments=24, employees=230, largest_employees=90),
}
TABLE_DIMENSIONS = Dimensions(
    territory=Hierarchy.from_parents({"A": "R", "B": "R", "C": "R"}),
    family=Hierarchy.flat(),
    sector=Hierarchy.from_parents({"X": "TOUT", "Y": "TOUT"}),
)


def test_hand_computed_table_gives_the_rectangle_with_its_reasons():
    mask = compute_mask(cells=TABLE, dimensions=TABLE_DIMENSIONS)

    assert dict(mask.hidden) == {
        ("A", "ESS", "X"): Secret(Status.PRIMARY, TOO_FEW),
        ("B", "ESS", "Y"): Secret(Status.PRIMARY, DOMINANT),
        ("A", "ESS", "Y"): Secret(Status.SECONDARY, REASON_SECONDARY),
        ("B", "ESS", "X"): Secret(Status.SECONDARY, REASON_SECONDARY),
    }
    assert REASON_SECONDARY == "secret induit (protège une autre case)"


def test_previous_mask_is_preferred_for_complements():
    # Last year A·TOUT and B·TOUT were hidden: they are taken as complements of the rows
    # first; then column X (only A·X hidden) takes B·X (5 establishments, cheaper than
    # C·X and R·X) and column Y (only B·Y hidden) takes A·Y (4) rather than R·Y (10) or
    # the true zero C·Y, which is a last resort.
    previous = SecrecyMask.from_entries(
        [
            (("A", "ESS", "TOUT"), "secondary", REASON_SECONDARY),
            (("B", "ESS", "TOUT"), "secondary", REASON_SECONDARY),
        ]
    )

    mask = compute_mask(cells=TABLE, dimensions=TABLE_DIMENSIONS, previous=previous)

    assert {key: secret.status for key, secret in mask.hidden.items()} == {
        ("A", "ESS", "X"): Status.PRIMARY,
        ("B", "ESS", "Y"): Status.PRIMARY,
        ("A", "ESS", "TOUT"): Status.SECONDARY,
        ("B", "ESS", "TOUT"): Status.SECONDARY,
        ("B", "ESS", "X"): Status.SECONDARY,
        ("A", "ESS", "Y"): Status.SECONDARY,
    }


def test_publish_replaces_every_measure_of_a_hidden_cell_with_s():
    mask = compute_mask(cells=TABLE, dimensions=TABLE_DIMENSIONS)

    shown = publish(key=("B", "ESS", "Y"), cell=TABLE[("B", "ESS", "Y")], mask=mask)

    assert dataclasses.astuple(shown) == (Status.PRIMARY, DOMINANT, SECRET, SECRET, SECRET, SECRET)
    assert shown.is_secret
    assert shown.value("employees") == "s"


def test_publish_gives_the_values_of_a_published_cell_and_zeros_of_an_absent_one():
    mask = compute_mask(cells=TABLE, dimensions=TABLE_DIMENSIONS)

    shown = publish(key=("R", "ESS", "TOUT"), cell=TABLE[("R", "ESS", "TOUT")], mask=mask)
    zero = publish(key=("C", "ESS", "Z"), cell=None, mask=mask)

    assert (shown.status, shown.reason, shown.establishments, shown.employees) == (Status.PUBLISHED, "", 24, 230)
    assert (zero.is_secret, zero.establishments, zero.employees) == (False, 0, 0)


def test_a_cell_without_establishment_is_a_published_true_zero():
    cells = {("R", "ESS", "TOUT"): Cell(establishments=0, employees=0)}

    mask = compute_mask(cells=cells, dimensions=Dimensions(Hierarchy.flat(), Hierarchy.flat(), Hierarchy.flat()))

    assert mask.hidden == {}


def test_dominance_reads_fte_and_payroll_too_and_thresholds_are_parameters():
    from observatoire.secrecy import Thresholds, primary_secret

    dominated_payroll = Cell(establishments=9, employees=100, largest_employees=30, payroll=1000, largest_payroll=851)
    just_at_threshold = Cell(establishments=9, fte=Decimal("100.0"), largest_fte=Decimal("85.0"))

    assert primary_secret(dominated_payroll) == Secret(Status.PRIMARY, DOMINANT)
    assert primary_secret(just_at_threshold) is None
    assert primary_secret(Cell(establishments=4), thresholds=Thresholds(min_establishments=5)) == Secret(
        Status.PRIMARY, "moins de 5\u00a0établissements"
    )


def test_mask_entries_round_trip_for_storage():
    mask = compute_mask(cells=TABLE, dimensions=TABLE_DIMENSIONS)

    assert SecrecyMask.from_entries(mask.entries()).hidden == mask.hidden


def one_relation(parts: dict[str, Cell]) -> tuple[dict, Dimensions]:
    """A single relation T = sum of `parts` (T's cell summed from them)."""
    cells = {("R", "ESS", code): cell for code, cell in parts.items()}
    cells[("R", "ESS", "T")] = Cell(
        establishments=sum(cell.establishments for cell in parts.values()),
        employees=sum(cell.employees or 0 for cell in parts.values()),
        largest_employees=max(cell.largest_employees or 0 for cell in parts.values()),
    )
    sectors = Hierarchy.from_parents(dict.fromkeys(parts, "T"))
    return cells, Dimensions(territory=Hierarchy.flat(), family=Hierarchy.flat(), sector=sectors)


def test_a_complement_too_small_to_protect_the_secret_value_is_not_enough():
    # P: one establishment holds 450 of its 500 employees. Q, the cheapest complement (3
    # establishments), has 4 employees: hiding P and Q alone would publish P + Q = 504 and
    # pin P within 1 %. The complement must hold 15 % of P's employees (75): R, not T.
    cells, dimensions = one_relation(
        {
            "P": Cell(establishments=10, employees=500, largest_employees=450),
            "Q": Cell(establishments=3, employees=4, largest_employees=2),
            "R": Cell(establishments=20, employees=200, largest_employees=30),
        }
    )

    mask = compute_mask(cells=cells, dimensions=dimensions)

    assert {key[2]: secret.status for key, secret in mask.hidden.items()} == {
        "P": Status.PRIMARY,
        "R": Status.SECONDARY,
    }
    # The protection is a parameter: at 0 % the cheapest complement is enough again.
    loose = compute_mask(cells=cells, dimensions=dimensions, thresholds=Thresholds(protection_percent=0))
    assert {key[2] for key in loose.hidden} == {"P", "Q"}


def test_complements_are_added_until_the_protection_is_reached():
    # The total is secret (one establishment holds 870 of 1 000 employees) and so is D, that
    # establishment's own part. D protects T with 10 establishments of the 15 (15 % of 100)
    # required; no other part has 5 on its own: two parts of 3 are hidden.
    parts = {"D": Cell(establishments=10, employees=900, largest_employees=870)}
    parts |= {f"X{n:02d}": Cell(establishments=3, employees=3, largest_employees=1) for n in range(30)}
    cells, dimensions = one_relation(parts)

    mask = compute_mask(cells=cells, dimensions=dimensions)

    assert mask.status(("R", "ESS", "T")) is Status.PRIMARY
    assert mask.status(("R", "ESS", "D")) is Status.PRIMARY
    assert sorted(key[2] for key, secret in mask.hidden.items() if secret.status is Status.SECONDARY) == [
        "X00",
        "X01",
    ]


def test_a_cell_secret_at_the_source_is_primary_and_protected_by_a_complement():
    cells, dimensions = one_relation(
        {
            "S": Cell(establishments=0, source_secret=True),
            "Z": Cell(establishments=0, employees=0),
            "Y": Cell(establishments=8, employees=50, largest_employees=10),
            "X": Cell(establishments=5, employees=40, largest_employees=10),
        }
    )
    cells[("R", "ESS", "T")] = Cell(establishments=15, employees=110)  # S holds the rest, unknown

    mask = compute_mask(cells=cells, dimensions=dimensions)

    assert mask.secret(("R", "ESS", "S")) == Secret(Status.PRIMARY, REASON_SOURCE)
    # A true zero protects nothing: the smallest part with establishments is hidden.
    assert {key[2] for key in mask.hidden} == {"S", "X"}


# --- Random cubes -------------------------------------------------------------------------

SIZES = st.one_of(st.integers(0, 6), st.integers(40, 400))


@st.composite
def cubes(draw):
    """A random small cube: territories R ⊃ EPCI ⊃ communes and R ⊃ arrondissements ⊃
    communes, families and their ESS total, sections ⊃ divisions and TOUT; establishments
    drawn one by one in (commune, family, division) and summed up every hierarchy."""
    epcis = [f"E{index}" for index in range(draw(st.integers(1, 3)))]
    arrondissements = [f"A{index}" for index in range(draw(st.integers(1, 2)))]
    communes = [f"C{index}" for index in range(draw(st.integers(1, 5)))]
    epci_of = {commune: draw(st.sampled_from(epcis)) for commune in communes}
    arrondissement_of = {commune: draw(st.sampled_from(arrondissements)) for commune in communes}
    families = [f"F{index}" for index in range(draw(st.integers(1, 3)))]
    division_of = {}
    for section in range(draw(st.integers(1, 2))):
        for division in range(draw(st.integers(1, 2))):
            division_of[f"S{section}D{division}"] = f"S{section}"
    sections = sorted(set(division_of.values()))

    territory_up = {c: (c, epci_of[c], arrondissement_of[c], "R") for c in communes}
    sector_up = {d: (d, division_of[d], "TOUT") for d in division_of}
    sums = defaultdict(lambda: [0, 0, Decimal(0), 0, 0])
    for commune in communes:
        for family in families:
            for division in division_of:
                for size in draw(st.lists(SIZES, max_size=4)):
                    for territory in territory_up[commune]:
                        for fam in (family, "ESS"):
                            for sector in sector_up[division]:
                                row = sums[(territory, fam, sector)]
                                row[0] += 1
                                row[1] += size
                                row[2] += Decimal(size) / 2
                                row[3] = max(row[3], size)
    cells = {
        key: Cell(
            establishments=count,
            employees=employees,
            fte=fte,
            largest_employees=largest,
            largest_fte=Decimal(largest) / 2,
        )
        for key, (count, employees, fte, largest, _) in sums.items()
    }
    territories = ["R", *epcis, *arrondissements, *communes]
    all_families = ["ESS", *families]
    sectors = ["TOUT", *sections, *division_of]
    if draw(st.booleans()):  # a dense cube lists its true zeros too
        for key in [(t, f, s) for t in territories for f in all_families for s in sectors]:
            cells.setdefault(key, Cell(establishments=0, employees=0, fte=Decimal(0)))
    dimensions = Dimensions(
        territory=Hierarchy.from_parents(
            {**epci_of, **dict.fromkeys(epcis, "R")}, {**arrondissement_of, **dict.fromkeys(arrondissements, "R")}
        ),
        family=Hierarchy.from_parents(dict.fromkeys(families, "ESS")),
        sector=Hierarchy.from_parents({**division_of, **dict.fromkeys(sections, "TOUT")}),
    )
    # The additive relations, written out here independently of the module.
    splits = {
        0: [("R", epcis), ("R", arrondissements)]
        + [(e, [c for c in communes if epci_of[c] == e]) for e in epcis]
        + [(a, [c for c in communes if arrondissement_of[c] == a]) for a in arrondissements],
        1: [("ESS", families)],
        2: [("TOUT", sections)] + [(s, [d for d in division_of if division_of[d] == s]) for s in sections],
    }
    relations = []
    for dimension, dimension_splits in splits.items():
        others = [territories, all_families, sectors]
        del others[dimension]
        for total, parts in dimension_splits:
            if not parts:
                continue
            for first in others[0]:
                for second in others[1]:
                    fixed = [first, second]

                    def key(code, fixed=fixed, dimension=dimension):
                        return (*fixed[:dimension], code, *fixed[dimension:])

                    relations.append([key(total), *(key(part) for part in parts)])
    return cells, dimensions, relations


def is_primary(cell):
    if cell.establishments == 0:
        return False
    if cell.establishments < 3:
        return True
    return any(
        value is not None and largest is not None and value > 0 and largest / value > Decimal("0.85")
        for value, largest in ((cell.employees, cell.largest_employees), (cell.fte, cell.largest_fte))
    )


RANDOM = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(cubes())
def test_no_primary_secret_value_comes_out_of_publish(cube):
    cells, dimensions, _ = cube
    mask = compute_mask(cells=cells, dimensions=dimensions)

    for key, cell in cells.items():
        shown = publish(key=key, cell=cell, mask=mask)
        if is_primary(cell):
            assert mask.status(key) is Status.PRIMARY
            assert dataclasses.astuple(shown)[2:] == (SECRET,) * 4
        elif mask.is_hidden(key):
            assert mask.status(key) is Status.SECONDARY
            assert dataclasses.astuple(shown)[2:] == (SECRET,) * 4
        else:
            assert (shown.establishments, shown.employees, shown.fte) == (
                cell.establishments,
                cell.employees,
                cell.fte,
            )


@RANDOM
@given(cubes(), st.randoms(use_true_random=False))
def test_no_relation_leaves_exactly_one_hidden_cell(cube, rng: random.Random):
    cells, dimensions, relations = cube
    # Last year's mask is any set of cells: it steers the choice, never the guarantee.
    previous = SecrecyMask(
        hidden={key: Secret(Status.SECONDARY, REASON_SECONDARY) for key in cells if rng.random() < 0.2}
    )

    for mask in (
        compute_mask(cells=cells, dimensions=dimensions),
        compute_mask(cells=cells, dimensions=dimensions, previous=previous),
    ):
        for members in relations:
            assert sum(mask.is_hidden(member) for member in members) != 1, members


@RANDOM
@given(cubes())
def test_only_what_protects_is_hidden(cube):
    cells, dimensions, relations = cube
    mask = compute_mask(cells=cells, dimensions=dimensions)

    if not any(is_primary(cell) for cell in cells.values()):
        assert mask.hidden == {}
    # A complement is hidden to protect another hidden cell of one of its relations.
    for key, secret in mask.hidden.items():
        if secret.status is Status.SECONDARY:
            assert any(
                key in members and sum(mask.is_hidden(m) for m in members if m != key) >= 1 for members in relations
            )


@RANDOM
@given(cubes(), st.randoms(use_true_random=False))
def test_the_mask_is_deterministic_and_stable_with_the_previous_one(cube, rng: random.Random):
    cells, dimensions, _ = cube
    mask = compute_mask(cells=cells, dimensions=dimensions)
    shuffled = list(cells.items())
    rng.shuffle(shuffled)

    assert compute_mask(cells=dict(shuffled), dimensions=dimensions).hidden == mask.hidden
    assert compute_mask(cells=cells, dimensions=dimensions, previous=mask).hidden == mask.hidden


def protection_holds(cells, mask, members, share=Decimal("0.15")) -> bool:
    """Every primary-secret member of the relation: its hidden partners hold at least
    `share` of its establishments (and at least one) and of its employees."""
    for member in members:
        cell = cells.get(member)
        if cell is None or not is_primary(cell):
            continue
        partners = [cells.get(other) for other in members if other != member and mask.is_hidden(other)]
        establishments = sum(partner.establishments for partner in partners if partner)
        employees = sum(partner.employees or 0 for partner in partners if partner)
        if establishments < max(1, share * cell.establishments) or employees < share * (cell.employees or 0):
            return False
    return True


@RANDOM
@given(cubes(), st.randoms(use_true_random=False))
def test_every_primary_secret_cell_is_protected_in_every_relation(cube, rng: random.Random):
    cells, dimensions, relations = cube
    previous = SecrecyMask(
        hidden={key: Secret(Status.SECONDARY, REASON_SECONDARY) for key in cells if rng.random() < 0.2}
    )

    for mask in (
        compute_mask(cells=cells, dimensions=dimensions),
        compute_mask(cells=cells, dimensions=dimensions, previous=previous),
    ):
        for members in relations:
            assert protection_holds(cells, mask, members), members
