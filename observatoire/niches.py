"""Niches: where the ESS is over- or under-represented, and why its employment changed.

Every function here takes **published** figures only: the values `secrecy.publish()`
returns, where a hidden value is the marker « s ». A result that would need a hidden value
is not given, so nothing computed here can reveal a secret cell.

Location quotient
-----------------
For a sector s of a territory t compared with a reference r (a commune or an EPCI against
the région, the région against France):

    LQ = (ESS_ts / ALL_ts) / (ESS_rs / ALL_rs)

ESS_ts is the ESS employment of sector s in t, ALL_ts the employment of all private
employers of sector s in t (the whole economy), ESS_rs and ALL_rs the same in the
reference. LQ = 1 means the ESS weighs in that sector of t exactly what it weighs in the
same sector of the reference; LQ = 2, twice as much.

Small numbers make noisy quotients: no LQ is given when the sector employs fewer than 50
people in t (all employers), or when the ESS employs fewer than 20 people in that sector in
the reference (« effectif trop faible »). The quotient is rounded to two decimals and
classified on that rounded value: over-represented from 1.25, under-represented up to 0.80,
close to the reference in between. A sector where the ESS employs nobody in t although the
sector is big enough there and the ESS is present in it in the reference is « absent »: a
potential niche for a new activity. (Saying so reveals ESS_ts = 0, which is a published
true zero.) Every threshold is a parameter (`NicheThresholds`).

Shift-share
-----------
The change of ESS employment of t between two millésimes, e1 − e0, is split into three
effects, summed over the sectors s with e0_s the employment of t in s at the start:

- trend effect  = Σ e0_s × G: what t would have gained growing like the reference as a
  whole (G is the reference's total growth rate);
- sector-mix effect = Σ e0_s × (g_s − G): what t gains or loses because its jobs are in
  sectors that grow faster or slower than the reference as a whole (g_s is the
  reference's growth rate in sector s);
- local effect = Σ e0_s × (g_ts − g_s): what t does better or worse than the reference in
  the same sectors (g_ts is t's own growth rate in s).

Per sector the three add up to e0_s × g_ts = e1_s − e0_s, so in total they add up to the
actual change. A sector new in t (e0_s = 0) has no trend or mix effect: its jobs are all
local effect; a sector gone has g_ts = −1. Where the reference had no job in a sector at
the start, g_s is taken equal to G (no mix effect).

Secrecy: a sector whose figure is hidden in either year, for t or for the reference, is
not shown on its own: all such sectors are pooled into one line « autres secteurs (dont
secret) », whose figures are the published totals minus the published sectors. That line
only reveals the sum of the hidden cells, which the published total already gives away
(secondary secrecy ensures such a sum covers at least two cells). Without a published total
for t or the reference in both years, no shift-share is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from observatoire.secrecy import SECRET, Number, SecretMarker

Figure = Number | SecretMarker | None  # a published value, « s », or unknown

REASON_TOO_SMALL = "effectif trop faible"
REASON_SECRET = "secret statistique"  # noqa: S105 — a reason shown to readers
REASON_MISSING = "donnée manquante"
POOLED_SECTOR = "autres secteurs (dont secret)"

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


class Representation(StrEnum):
    OVER = "over"
    NEAR = "near"
    UNDER = "under"
    ABSENT = "absent"
    NOT_GIVEN = "not_given"

    @property
    def label(self) -> str:
        return {
            "over": "surreprésentée",
            "near": "proche de la référence",
            "under": "sous-représentée",
            "absent": "absente",
            "not_given": "non calculé",
        }[self.value]


@dataclass(frozen=True, slots=True)
class NicheThresholds:
    min_economy: int = 50  # employment of all employers of the sector in the territory
    min_reference_ess: int = 20  # ESS employment of the sector in the reference
    over: Decimal = Decimal("1.25")  # LQ ≥ over: over-represented
    under: Decimal = Decimal("0.80")  # LQ ≤ under: under-represented


@dataclass(frozen=True, slots=True)
class SectorFigures:
    """The published employment of one sector: the ESS and all private employers (ALL),
    in the territory and in the reference."""

    ess: Figure
    economy: Figure
    reference_ess: Figure
    reference_economy: Figure


@dataclass(frozen=True, slots=True)
class LocationQuotient:
    sector: str
    quotient: Decimal | None  # rounded to two decimals; None when not given
    representation: Representation
    reason: str  # why no quotient is given, else ""


def _missing(*figures: Figure) -> str:
    if any(figure == SECRET for figure in figures):
        return REASON_SECRET
    if any(figure is None for figure in figures):
        return REASON_MISSING
    return ""


def location_quotient(
    *, sector: str, figures: SectorFigures, thresholds: NicheThresholds = NicheThresholds()
) -> LocationQuotient:
    """The location quotient of one sector and its class (see the module's docstring)."""

    def not_given(reason: str) -> LocationQuotient:
        return LocationQuotient(sector=sector, quotient=None, representation=Representation.NOT_GIVEN, reason=reason)

    # The sizes first, when they are published: « too small » says more than « secret ».
    if reason := _missing(figures.economy, figures.reference_ess):
        return not_given(reason)
    if figures.economy < thresholds.min_economy or figures.reference_ess < thresholds.min_reference_ess:
        return not_given(REASON_TOO_SMALL)
    if reason := _missing(figures.ess, figures.reference_economy):
        return not_given(reason)
    if figures.ess == 0:
        return LocationQuotient(sector=sector, quotient=Decimal(0), representation=Representation.ABSENT, reason="")
    exact = (Fraction(figures.ess) / Fraction(figures.economy)) / (
        Fraction(figures.reference_ess) / Fraction(figures.reference_economy)
    )
    quotient = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(TWO_PLACES, ROUND_HALF_UP)
    if quotient >= thresholds.over:
        representation = Representation.OVER
    elif quotient <= thresholds.under:
        representation = Representation.UNDER
    else:
        representation = Representation.NEAR
    return LocationQuotient(sector=sector, quotient=quotient, representation=representation, reason="")


def location_quotients(
    *, sectors: Mapping[str, SectorFigures], thresholds: NicheThresholds = NicheThresholds()
) -> list[LocationQuotient]:
    """`location_quotient()` for every sector, in sector order."""
    return [
        location_quotient(sector=sector, figures=sectors[sector], thresholds=thresholds) for sector in sorted(sectors)
    ]


def niches(quotients: Iterable[LocationQuotient]) -> tuple[list[LocationQuotient], list[LocationQuotient]]:
    """(over-represented sectors, highest quotient first; potential niches: absent first,
    then under-represented, lowest quotient first)."""
    quotients = list(quotients)
    over = sorted(
        (q for q in quotients if q.representation is Representation.OVER), key=lambda q: (-q.quotient, q.sector)
    )
    potential = sorted(
        (q for q in quotients if q.representation in (Representation.ABSENT, Representation.UNDER)),
        key=lambda q: (q.quotient, q.sector),
    )
    return over, potential


@dataclass(frozen=True, slots=True)
class Employment:
    """Published employment of a territory (or of the reference) in one millésime: its
    total and its sectors, which partition the total (a sector left out is a true zero)."""

    total: Figure
    sectors: Mapping[str, Figure]


@dataclass(frozen=True, slots=True)
class ShiftShareLine:
    sector: str
    before: Number
    after: Number
    change: Number
    trend: Decimal  # the three effects rounded to one decimal; local absorbs the rounding,
    mix: Decimal  # so that trend + mix + local = change exactly as shown
    local: Decimal


@dataclass(frozen=True, slots=True)
class ShiftShare:
    reference_growth: Decimal | None  # G, rounded to four decimals
    lines: tuple[ShiftShareLine, ...]  # one per published sector, and the pooled line
    total: ShiftShareLine | None  # None, with `reason`, when not given
    reason: str


def _rounded_line(sector: str, before: Number, after: Number, trend: Fraction, mix: Fraction) -> ShiftShareLine:
    change = after - before
    trend_shown = _decimal(trend, ONE_PLACE)
    mix_shown = _decimal(mix, ONE_PLACE)
    return ShiftShareLine(
        sector=sector,
        before=before,
        after=after,
        change=change,
        trend=trend_shown,
        mix=mix_shown,
        local=Decimal(change) - trend_shown - mix_shown,
    )


def _decimal(value: Fraction, places: Decimal) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, ROUND_HALF_UP)


def shift_share(
    *,
    before: Employment,
    after: Employment,
    reference_before: Employment,
    reference_after: Employment,
) -> ShiftShare:
    """Split the change of the territory's ESS employment between two millésimes into trend,
    sector-mix and local effects against the reference (see the module's docstring)."""
    if reason := _missing(before.total, after.total, reference_before.total, reference_after.total):
        return ShiftShare(reference_growth=None, lines=(), total=None, reason=reason)
    if reference_before.total == 0:
        return ShiftShare(reference_growth=None, lines=(), total=None, reason=REASON_TOO_SMALL)
    growth = (Fraction(reference_after.total) - Fraction(reference_before.total)) / Fraction(reference_before.total)

    all_sectors = sorted(set(before.sectors) | set(after.sectors))
    shown, pooled = [], []
    for sector in all_sectors:
        figures = [
            employment.sectors.get(sector, 0) for employment in (before, after, reference_before, reference_after)
        ]
        (shown if not _missing(*figures) else pooled).append(sector)

    def rest(employment: Employment) -> Fraction:
        value = Fraction(employment.total) - sum(Fraction(employment.sectors.get(s, 0)) for s in shown)
        if value < 0:
            raise ValueError("the published sectors exceed the published total")
        return value

    rows = [
        (
            sector,
            Fraction(before.sectors.get(sector, 0)),
            Fraction(after.sectors.get(sector, 0)),
            Fraction(reference_before.sectors.get(sector, 0)),
            Fraction(reference_after.sectors.get(sector, 0)),
        )
        for sector in shown
    ]
    pooled_row = (POOLED_SECTOR, rest(before), rest(after), rest(reference_before), rest(reference_after))
    if pooled_row[1] or pooled_row[2]:  # the territory has jobs outside the shown sectors
        rows.append(pooled_row)

    lines = []
    totals = [Fraction(0)] * 3
    for sector, start, end, reference_start, reference_end in rows:
        sector_growth = (reference_end - reference_start) / reference_start if reference_start else growth
        trend = start * growth
        mix = start * (sector_growth - growth)
        local = (end - start) - trend - mix if start == 0 else start * ((end - start) / start - sector_growth)
        assert trend + mix + local == end - start, "shift-share effects must add up to the change"
        totals = [totals[0] + trend, totals[1] + mix, totals[2] + local]
        lines.append(_rounded_line(sector, _number(start), _number(end), trend, mix))
    assert sum(totals) == Fraction(after.total) - Fraction(before.total)
    total = _rounded_line("TOTAL", before.total, after.total, totals[0], totals[1])
    return ShiftShare(reference_growth=_decimal(growth, Decimal("0.0001")), lines=tuple(lines), total=total, reason="")


def _number(value: Fraction) -> Number:
    if value.denominator == 1:
        return int(value)
    return Decimal(value.numerator) / Decimal(value.denominator)
