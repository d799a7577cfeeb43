"""Charts drawn on the server as SVG, the same in a page and in a PDF: measured values over
time against a target. No script, nothing fetched; each chart has a title and a description,
and the page puts the data table beside it (the accessible alternative).

The look follows the observatory's charts (the classes `chart`, `grid`, `axis`, `value`,
`line`, `point` of portail.css); presentation attributes repeat it for the PDF, where
WeasyPrint applies no document CSS inside inline SVG. Used by a territorial plan's
indicators (territoires.charts) and an experiment's (experimentations).
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe

from lib.dates import french_date

GRID = ' stroke="#d9d4ca" stroke-width="1"'
AXIS = ' font-size="12" fill="#4a5559"'
VALUE = ' font-size="13" font-weight="600" fill="#0a5252"'
LINE = ' fill="none" stroke="#0d6e6e" stroke-width="3"'
POINT = ' fill="#0a5252"'
TARGET = ' fill="none" stroke="#8a5a00" stroke-width="2" stroke-dasharray="6 4"'
TARGET_TEXT = ' font-size="12" font-weight="600" fill="#8a5a00"'
TARGET_MARK = ' fill="#fff" stroke="#8a5a00" stroke-width="2"'
BASELINE = ' fill="#fff" stroke="#0a5252" stroke-width="2"'


def french_number(value) -> str:
    """1 250,5 ; 35 ; « » for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = value.normalize()
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def nice_ceiling(value: float) -> float:
    """The round number just above `value` where a scale ends (1, 2, 2.5, 4, 5, 6, 8 × 10^n)."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * 10**exponent >= value:
            return step * 10**exponent
    return 10 ** (exponent + 1)


# How many intervals divide a scale ending at m × 10^n into round steps (as the observatory's).
_INTERVALS = {1: 5, 1.2: 4, 1.5: 3, 2: 4, 2.5: 5, 3: 3, 4: 4, 5: 5, 6: 3, 8: 4, 10: 5}


def ticks(ceiling: float) -> list[float]:
    mantissa = round(ceiling / 10 ** math.floor(math.log10(ceiling)), 1)
    count = _INTERVALS.get(mantissa, 4)
    return [ceiling * index / count for index in range(count + 1)]


def _tick_label(value: float) -> str:
    return french_number(int(value) if float(value).is_integer() else round(value, 2))


def coord(value: float) -> str:
    """A coordinate, one decimal at most."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg(*, width: int, height: int, id: str, title: str, description: str, body: str) -> SafeString:
    """An accessible SVG image: its title and description name it for screen readers."""
    id = escape(id)
    return mark_safe(  # noqa: S308 — every text escaped, numbers are ours
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-titre {id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{id}-titre">{escape(title)}</title>'
        f'<desc id="{id}-desc">{escape(description)}</desc>{body}</svg>'
    )


@dataclass(frozen=True)
class Measure:
    on: date
    value: Decimal
    label: str  # « 30 juin 2026 »
    text: str  # « 1 250,5 »


def measure_rows(values) -> list[Measure]:
    """(date, value) pairs as table rows, in date order."""
    return [Measure(on, value, french_date(on), french_number(value)) for on, value in sorted(values)]


def time_series_chart(
    rows: list[Measure],
    *,
    id: str,
    title: str,
    description: str,
    begin: date,
    end: date,
    target=None,
    target_on: date | None = None,
    target_text: str = "",
    baseline=None,
    baseline_on: date | None = None,
    width: int = 460,
    height: int = 250,
) -> SafeString:
    """The measured values (a line through dated points) between `begin` and `end`, against
    a target (a dashed line, and a mark on `target_on` if given) and a baseline point."""
    left, right, top, bottom = 52, width - 16, 28, height - 30
    begin = min([begin, *(row.on for row in rows)])
    end = max([end, *(row.on for row in rows)])
    span = max((end - begin).days, 1)
    values = [float(row.value) for row in rows]
    values += [float(extra) for extra in (target, baseline) if extra is not None]
    ceiling = nice_ceiling(max(values, default=0))

    def x(day: date) -> float:
        return left + (right - left) * (day - begin).days / span

    def y(value) -> float:
        return bottom - (bottom - top) * float(value) / ceiling

    parts = []
    for tick in ticks(ceiling):
        tick_y = coord(y(tick))
        parts.append(
            f'<line class="grid"{GRID} x1="{left}" x2="{right}" y1="{tick_y}" y2="{tick_y}"/>'
            f'<text class="axis"{AXIS} x="{left - 8}" y="{tick_y}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(_tick_label(tick))}</text>"
        )
    years = list(range(begin.year + (begin > date(begin.year, 1, 1)), end.year + 1))
    step = max(1, math.ceil(len(years) / 7))
    for year in years[::step]:
        tick_x = coord(x(date(year, 1, 1)))
        parts.append(
            f'<line class="grid"{GRID} x1="{tick_x}" x2="{tick_x}" y1="{bottom}" y2="{bottom + 5}"/>'
            f'<text class="axis"{AXIS} x="{tick_x}" y="{height - 8}" text-anchor="middle">{year}</text>'
        )
    if target is not None:
        target_y = coord(y(target))
        parts.append(f'<line class="target"{TARGET} x1="{left}" x2="{right}" y1="{target_y}" y2="{target_y}"/>')
        if target_on is not None:
            target_x = coord(x(target_on))
            parts.append(
                f'<rect class="target-mark"{TARGET_MARK} x="{float(target_x) - 5:.1f}" y="{float(target_y) - 5:.1f}" '
                f'width="10" height="10" transform="rotate(45 {target_x} {target_y})"/>'
            )
        parts.append(
            f'<text class="target-text"{TARGET_TEXT} x="{left + 6}" y="{target_y}" dy="-7">{escape(target_text)}</text>'
        )
    points = []
    if baseline is not None and baseline_on is not None:
        base_x, base_y = coord(x(baseline_on)), coord(y(baseline))
        parts.append(f'<circle class="baseline"{BASELINE} cx="{base_x}" cy="{base_y}" r="4"/>')
    if rows:
        path = " ".join(
            f"{'L' if index else 'M'}{coord(x(row.on))},{coord(y(row.value))}" for index, row in enumerate(rows)
        )
        parts.append(f'<path class="line"{LINE} d="{path}"/>')
        labelled = rows if len(rows) <= 6 else rows[-1:]  # the table has every value
        for row in rows:
            points.append(f'<circle class="point"{POINT} cx="{coord(x(row.on))}" cy="{coord(y(row.value))}" r="4"/>')
        for row in labelled:
            anchor = "end" if x(row.on) > right - 30 else "middle"
            points.append(
                f'<text class="value"{VALUE} x="{coord(x(row.on))}" y="{coord(y(row.value))}" dy="-10" '
                f'text-anchor="{anchor}">{escape(row.text)}</text>'
            )
    return svg(width=width, height=height, id=id, title=title, description=description, body="".join(parts + points))
