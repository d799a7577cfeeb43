"""Location quotients and shift-share (observatoire/niches.py) against hand-computed figures."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatoire.niches import (
    POOLED_SECTOR,
    Employment,
    NicheThresholds,
    Representation,
    SectorFigures,
    location_quotient,
    location_quotients,
    niches,
    shift_share,
)
from observatoire.secrecy import SECRET

# --- Location quotients -------------------------------------------------------------------
#
# sector  ESS_t  ALL_t  ESS_r  ALL_r   by hand
# X         30    200    400   8000    (30/200) / (400/8000) = 0.15 / 0.05 = 3.00  over
# Y         10    100    300   1500    (10/100) / (300/1500) = 0.10 / 0.20 = 0.50  under
# U         12    100    100   1000    0.12 / 0.10 = 1.20                          near
# K         25    100    200   1000    0.25 / 0.20 = 1.25 (threshold included)     over
# L         16    100    200   1000    0.16 / 0.20 = 0.80 (threshold included)     under
# Z          0     80     50   1000    no ESS job in t, sector big enough, ESS in r: absent
# W          5     40    100   1000    ALL_t < 50                                  too small
# T          3    100     10    500    ESS_r < 20                                  too small
# V          s    120    100   1000    ESS_t is secret                             not given

SECTORS = {
    "X": SectorFigures(ess=30, economy=200, reference_ess=400, reference_economy=8000),
    "Y": SectorFigures(ess=10, economy=100, reference_ess=300, reference_economy=1500),
    "U": SectorFigures(ess=12, economy=100, reference_ess=100, reference_economy=1000),
    "K": SectorFigures(ess=25, economy=100, reference_ess=200, reference_economy=1000),
    "L": SectorFigures(ess=16, economy=100, reference_ess=200, reference_economy=1000),
    "Z": SectorFigures(ess=0, economy=80, reference_ess=50, reference_economy=1000),
    "W": SectorFigures(ess=5, economy=40, reference_ess=100, reference_economy=1000),
    "T": SectorFigures(ess=3, economy=100, reference_ess=10, reference_economy=500),
    "V": SectorFigures(ess=SECRET, economy=120, reference_ess=100, reference_economy=1000),
}


def test_location_quotients_match_the_hand_computed_table():
    results = {lq.sector: (lq.quotient, lq.representation, lq.reason) for lq in location_quotients(sectors=SECTORS)}

    assert results == {
        "X": (Decimal("3.00"), Representation.OVER, ""),
        "Y": (Decimal("0.50"), Representation.UNDER, ""),
        "U": (Decimal("1.20"), Representation.NEAR, ""),
        "K": (Decimal("1.25"), Representation.OVER, ""),
        "L": (Decimal("0.80"), Representation.UNDER, ""),
        "Z": (Decimal("0"), Representation.ABSENT, ""),
        "W": (None, Representation.NOT_GIVEN, "effectif trop faible"),
        "T": (None, Representation.NOT_GIVEN, "effectif trop faible"),
        "V": (None, Representation.NOT_GIVEN, "secret statistique"),
    }


def test_niches_lists_over_represented_then_potential_niches():
    over, potential = niches(location_quotients(sectors=SECTORS))

    assert [lq.sector for lq in over] == ["X", "K"]
    assert [lq.sector for lq in potential] == ["Z", "Y", "L"]


@pytest.mark.parametrize(
    "figures",
    [
        SectorFigures(ess=SECRET, economy=200, reference_ess=400, reference_economy=8000),
        SectorFigures(ess=30, economy=SECRET, reference_ess=400, reference_economy=8000),
        SectorFigures(ess=30, economy=200, reference_ess=SECRET, reference_economy=8000),
        SectorFigures(ess=30, economy=200, reference_ess=400, reference_economy=SECRET),
        # « absent » needs a published ALL_t: with it hidden, nothing is said.
        SectorFigures(ess=0, economy=SECRET, reference_ess=400, reference_economy=8000),
    ],
)
def test_no_quotient_or_class_comes_from_a_secret_input(figures):
    lq = location_quotient(sector="X", figures=figures)

    assert (lq.quotient, lq.representation, lq.reason) == (None, Representation.NOT_GIVEN, "secret statistique")


def test_unknown_inputs_and_other_thresholds():
    missing = location_quotient(sector="X", figures=SectorFigures(None, 200, 400, 8000))
    strict = location_quotient(
        sector="U", figures=SECTORS["U"], thresholds=NicheThresholds(min_economy=150, min_reference_ess=20)
    )
    looser = location_quotient(sector="U", figures=SECTORS["U"], thresholds=NicheThresholds(over=Decimal("1.1")))

    assert (missing.representation, missing.reason) == (Representation.NOT_GIVEN, "donnée manquante")
    assert strict.reason == "effectif trop faible"
    assert looser.representation is Representation.OVER


# --- Shift-share --------------------------------------------------------------------------
#
# Reference (région): A 1000 → 1100 (g_A = +0.10), B 500 → 450 (g_B = −0.10),
# total 1500 → 1550: G = 50 / 1500 = 1/30.
# Territory: A 100 → 120, B 50 → 40, total 150 → 160 (change +10).
#   A: trend 100 × 1/30 = 3.33; mix 100 × (0.10 − 1/30) = 6.67; local 100 × (0.20 − 0.10) = 10
#      3.33 + 6.67 + 10 = 20 = 120 − 100
#   B: trend 50 × 1/30 = 1.67; mix 50 × (−0.10 − 1/30) = −6.67; local 50 × (−0.20 + 0.10) = −5
#      1.67 − 6.67 − 5 = −10 = 40 − 50
#   total: trend 150/30 = 5; mix 6.67 − 6.67 = 0; local 10 − 5 = 5; 5 + 0 + 5 = 10.
# Shown to one decimal, local absorbing the rounding: A 3.3 / 6.7 / 10.0, B 1.7 / −6.7 / −5.0.

REFERENCE_BEFORE = Employment(total=1500, sectors={"A": 1000, "B": 500})
REFERENCE_AFTER = Employment(total=1550, sectors={"A": 1100, "B": 450})


def test_shift_share_matches_the_hand_computed_example():
    result = shift_share(
        before=Employment(total=150, sectors={"A": 100, "B": 50}),
        after=Employment(total=160, sectors={"A": 120, "B": 40}),
        reference_before=REFERENCE_BEFORE,
        reference_after=REFERENCE_AFTER,
    )

    assert result.reason == ""
    assert result.reference_growth == Decimal("0.0333")
    lines = {
        line.sector: (line.before, line.after, line.change, line.trend, line.mix, line.local) for line in result.lines
    }
    assert lines == {
        "A": (100, 120, 20, Decimal("3.3"), Decimal("6.7"), Decimal("10.0")),
        "B": (50, 40, -10, Decimal("1.7"), Decimal("-6.7"), Decimal("-5.0")),
    }
    total = result.total
    assert (total.change, total.trend, total.mix, total.local) == (10, Decimal("5.0"), Decimal("0.0"), Decimal("5.0"))


def test_a_new_sector_is_all_local_effect_and_a_gone_sector_loses_everything():
    # C is new in the territory (0 → 5); B is gone (50 → 0). Reference as above plus C 100 → 110.
    result = shift_share(
        before=Employment(total=150, sectors={"A": 100, "B": 50}),
        after=Employment(total=125, sectors={"A": 120, "C": 5}),
        reference_before=Employment(total=1600, sectors={"A": 1000, "B": 500, "C": 100}),
        reference_after=Employment(total=1660, sectors={"A": 1100, "B": 450, "C": 110}),
    )

    lines = {line.sector: line for line in result.lines}
    # G = 60/1600 = 0.0375. B: trend 50 × 0.0375 = 1.875 → 1.9; mix 50 × (−0.1 − 0.0375) = −6.875 → −6.9;
    # local 50 × (−1 + 0.1) = −45 (shown −50 − 1.9 + 6.9 = −45.0).
    assert (lines["C"].trend, lines["C"].mix, lines["C"].local) == (Decimal("0.0"), Decimal("0.0"), Decimal("5.0"))
    assert (lines["B"].change, lines["B"].trend, lines["B"].mix, lines["B"].local) == (
        -50,
        Decimal("1.9"),
        Decimal("-6.9"),
        Decimal("-45.0"),
    )
    assert result.total.change == -25


def test_shift_share_pools_secret_sectors_and_needs_published_totals():
    # B and C are hidden for the territory in the later year: they are shown only as one
    # pooled line, whose figures are the published totals minus the published sector A.
    result = shift_share(
        before=Employment(total=170, sectors={"A": 100, "B": 50, "C": 20}),
        after=Employment(total=180, sectors={"A": 120, "B": SECRET, "C": SECRET}),
        reference_before=Employment(total=1800, sectors={"A": 1000, "B": 500, "C": 300}),
        reference_after=Employment(total=1880, sectors={"A": 1100, "B": 450, "C": 330}),
    )
    secret_total = shift_share(
        before=Employment(total=170, sectors={"A": 100}),
        after=Employment(total=SECRET, sectors={"A": 120}),
        reference_before=REFERENCE_BEFORE,
        reference_after=REFERENCE_AFTER,
    )

    assert [(line.sector, line.before, line.after) for line in result.lines] == [
        ("A", 100, 120),
        (POOLED_SECTOR, 70, 60),
    ]
    # Pooled: G = 80/1800 = 2/45, g = (780 − 800)/800 = −1/40; trend 70 × 2/45 = 3.11 → 3.1;
    # mix 70 × (−1/40 − 2/45) = −4.86 → −4.9; local −10 − 3.1 + 4.9 = −8.2.
    pooled = result.lines[1]
    assert (pooled.trend, pooled.mix, pooled.local) == (Decimal("3.1"), Decimal("-4.9"), Decimal("-8.2"))
    assert (secret_total.total, secret_total.lines, secret_total.reason) == (None, (), "secret statistique")


employment = st.integers(0, 500)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from("ABCDEF"), st.tuples(employment, employment, employment, employment), min_size=1)
)
def test_effects_always_add_up_to_the_change(table):
    before = {s: v[0] for s, v in table.items()}
    after = {s: v[1] for s, v in table.items()}
    reference_before = {s: v[0] + v[2] for s, v in table.items()}
    reference_after = {s: v[1] + v[3] for s, v in table.items()}
    if not sum(reference_before.values()):
        return

    result = shift_share(
        before=Employment(total=sum(before.values()), sectors=before),
        after=Employment(total=sum(after.values()), sectors=after),
        reference_before=Employment(total=sum(reference_before.values()), sectors=reference_before),
        reference_after=Employment(total=sum(reference_after.values()), sectors=reference_after),
    )

    for line in (*result.lines, result.total):
        assert line.trend + line.mix + line.local == line.change
    assert result.total.change == sum(after.values()) - sum(before.values())
    exact_trend = Fraction(sum(before.values())) * Fraction(
        sum(reference_after.values()) - sum(reference_before.values()), sum(reference_before.values())
    )
    assert abs(result.total.trend - Decimal(float(exact_trend))) <= Decimal("0.05") + Decimal("1e-9")
