"""Small counts: never published as such, and never recoverable by subtraction from the
totals published beside them. The proof is by brute force: every assignment of counts
that agrees with what is published is enumerated, and each small count must still have
two possible values at least."""

from functools import cache
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from lib.small_counts import HIDDEN, SHOWN, SMALL, Group, protect

# A region of two arrondissements: A1 is one intercommunality of two communes, A2 two
# intercommunalities (communes c3 and c4, and c5 alone), as La Réunion nests them.
COMMUNES = ("c1", "c2", "c3", "c4", "c5")
EPCI = {"E1": ("c1", "c2"), "E2": ("c3", "c4"), "E3": ("c5",)}
ARRONDISSEMENTS = {"A1": ("E1",), "A2": ("E2", "E3")}
GROUPS = [
    *(Group(epci, communes) for epci, communes in EPCI.items()),
    *(Group(arr, tuple(c for e in epcis for c in EPCI[e])) for arr, epcis in ARRONDISSEMENTS.items()),
    *(Group(arr, epcis) for arr, epcis in ARRONDISSEMENTS.items()),
    Group("R", tuple(ARRONDISSEMENTS)),
    Group("R", tuple(EPCI)),
    Group("R", COMMUNES),
]
LARGEST = 6  # the counts enumerated per commune: 0 to LARGEST


def cells(communes: tuple[int, ...]) -> dict[str, int]:
    counts = dict(zip(COMMUNES, communes, strict=True))
    for epci, members in EPCI.items():
        counts[epci] = sum(counts[c] for c in members)
    for arr, epcis in ARRONDISSEMENTS.items():
        counts[arr] = sum(counts[e] for e in epcis)
    counts["R"] = sum(counts[a] for a in ARRONDISSEMENTS)
    return counts


@cache
def every_assignment() -> list[dict[str, int]]:
    return [cells(values) for values in product(range(LARGEST + 1), repeat=len(COMMUNES))]


def agrees(assignment: dict, counts: dict, state: dict) -> bool:
    for cell, shown in state.items():
        value = assignment[cell]
        if shown == SHOWN and value != counts[cell]:
            return False
        if shown != SHOWN and value < 1:  # « s »: not zero, nothing more
            return False
    return True


@settings(max_examples=150, deadline=None)
@given(st.tuples(*[st.integers(0, 4)] * len(COMMUNES)))
def test_no_small_count_can_be_recovered_from_the_published_totals(communes):
    counts = cells(communes)
    state = protect(counts, GROUPS)
    assert all((state[cell] == SMALL) == (0 < counts[cell] < 3) for cell in counts)
    assert all(counts[cell] >= 3 for cell in counts if state[cell] == HIDDEN)
    possible = [assignment for assignment in every_assignment() if agrees(assignment, counts, state)]
    for cell in (cell for cell in counts if state[cell] == SMALL):
        assert len({assignment[cell] for assignment in possible}) >= 2, (cell, state)


def test_a_small_commune_alone_in_its_intercommunality_hides_its_smallest_neighbour():
    counts = cells((1, 4, 9, 5, 0))
    state = protect(counts, GROUPS)
    assert state["c1"] == SMALL and state["c2"] == HIDDEN
    # The rest stays as it is: the other arrondissement, the totals.
    assert {cell for cell, shown in state.items() if shown == SHOWN} == {"c3", "c4", "c5", "E1", "E2", "E3", "A1",
                                                                          "A2", "R"}  # fmt: skip


def test_when_no_part_can_hide_the_small_one_the_total_is_hidden():
    # c1 = 1 and c2 = 0 (never hidden: a hidden cell is not zero): E1 goes, and with it,
    # in the region's groups, enough of A2, E2 or E3 and the communes to cover it.
    counts = cells((1, 0, 3, 3, 3))
    state = protect(counts, GROUPS)
    assert state["c1"] == state["E1"] == state["A1"] == SMALL and state["c2"] == SHOWN
    assert HIDDEN in {state["E2"], state["E3"]} and HIDDEN in {state["c3"], state["c4"], state["c5"]}
    assert state["A2"] == HIDDEN and state["R"] == SHOWN


def test_two_small_communes_of_a_small_intercommunality_are_not_read_as_one_each():
    # Told apart, « moins de 3 » for c1, c2 and E1 would say 1 and 1; with one mark it says nothing.
    counts = cells((1, 1, 4, 3, 3))
    state = protect(counts, GROUPS)
    assert state["c1"] == state["c2"] == state["E1"] == SMALL
