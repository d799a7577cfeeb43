"""A plan's charts drawn on the server as SVG, the same in the page and in the PDF summary:
an indicator's measured values over time against its target, and the share of actions in
each state. No script, nothing fetched; each chart has a title and a description, and the
page puts the data table beside it (the accessible alternative).

The look follows the observatory's charts (the classes `chart`, `grid`, `axis`, `value`,
`line`, `point` of portail.css); presentation attributes repeat it for the PDF, where
WeasyPrint applies no document CSS inside inline SVG.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe

from lib.dates import french_date
from territoires.models import Action, Indicator

GRID = ' stroke="#d9d4ca" stroke-width="1"'
AXIS = ' font-size="12" fill="#4a5559"'
VALUE = ' font-size="13" font-weight="600" fill="#0a5252"'
LINE = ' fill="none" stroke="#0d6e6e" stroke-width="3"'
POINT = ' fill="#0a5252"'
TARGET = ' fill="none" stroke="#8a5a00" stroke-width="2" stroke-dasharray="6 4"'
TARGET_TEXT = ' font-size="12" font-weight="600" fill="#8a5a00"'
TARGET_MARK = ' fill="#fff" stroke="#8a5a00" stroke-width="2"'
BASELINE = ' fill="#fff" stroke="#0a5252" stroke-width="2"'

# One colour per state, each with white text at 4.5:1 or more (the badges use the same);
# the state is always written too, never told by colour alone.
STATE_COLOURS = {
    Action.Status.PLANNED: "#56646b",
    Action.Status.IN_PROGRESS: "#0d6e6e",
    Action.Status.LATE: "#a04f00",
    Action.Status.PAUSED: "#4a5a9c",
    Action.Status.BLOCKED: "#b02a37",
    Action.Status.ABANDONED: "#5e5e5e",
    Action.Status.DONE: "#1e7b34",
}


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


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(*, width: int, height: int, id: str, title: str, description: str, body: str) -> SafeString:
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


def indicator_rows(indicator: Indicator) -> list[Measure]:
    """The measured values in date order (from the prefetched `values`)."""
    return [
        Measure(value.measured_on, value.value, french_date(value.measured_on), french_number(value.value))
        for value in sorted(indicator.values.all(), key=lambda value: value.measured_on)
    ]


def indicator_description(indicator: Indicator, rows: list[Measure]) -> str:
    unit = f" {indicator.unit}" if indicator.unit else ""
    target = f"cible : {french_number(indicator.target)}{unit} en {indicator.target_year}"
    if not rows:
        return f"Aucune valeur mesurée pour l'instant ; {target}."
    last = rows[-1]
    share = ""
    if indicator.target:
        share = f", soit {french_number(round(last.value * 100 / indicator.target))} % de la cible"
    return (
        f"{len(rows)} valeur{'s' if len(rows) > 1 else ''} mesurée{'s' if len(rows) > 1 else ''} "
        f"du {rows[0].label} au {last.label} ; dernière valeur : {last.text}{unit}{share} ; {target}."
    )


def indicator_chart(indicator: Indicator, *, start_year: int, id: str, width: int = 460, height: int = 250):
    """The measured values (a line through dated points) against the target (a dashed line
    and a mark at the end of the target year); the baseline, if any, at the plan's start."""
    rows = indicator_rows(indicator)
    left, right, top, bottom = 52, width - 16, 28, height - 30
    begin = min([date(start_year, 1, 1), *(row.on for row in rows)])
    end = max([date(indicator.target_year, 12, 31), *(row.on for row in rows)])
    span = max((end - begin).days, 1)
    values = [float(row.value) for row in rows] + [float(indicator.target)]
    if indicator.baseline is not None:
        values.append(float(indicator.baseline))
    ceiling = nice_ceiling(max(values))

    def x(day: date) -> float:
        return left + (right - left) * (day - begin).days / span

    def y(value) -> float:
        return bottom - (bottom - top) * float(value) / ceiling

    parts = []
    for tick in ticks(ceiling):
        parts.append(
            f'<line class="grid"{GRID} x1="{left}" x2="{right}" y1="{_n(y(tick))}" y2="{_n(y(tick))}"/>'
            f'<text class="axis"{AXIS} x="{left - 8}" y="{_n(y(tick))}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(_tick_label(tick))}</text>"
        )
    years = list(range(begin.year + (begin > date(begin.year, 1, 1)), end.year + 1))
    step = max(1, math.ceil(len(years) / 7))
    for year in years[::step]:
        tick_x = _n(x(date(year, 1, 1)))
        parts.append(
            f'<line class="grid"{GRID} x1="{tick_x}" x2="{tick_x}" y1="{bottom}" y2="{bottom + 5}"/>'
            f'<text class="axis"{AXIS} x="{tick_x}" y="{height - 8}" text-anchor="middle">{year}</text>'
        )
    target_y = _n(y(indicator.target))
    target_x = _n(x(date(indicator.target_year, 12, 31)))
    parts.append(
        f'<line class="target"{TARGET} x1="{left}" x2="{right}" y1="{target_y}" y2="{target_y}"/>'
        f'<rect class="target-mark"{TARGET_MARK} x="{float(target_x) - 5:.1f}" y="{float(target_y) - 5:.1f}" '
        f'width="10" height="10" transform="rotate(45 {target_x} {target_y})"/>'
        f'<text class="target-text"{TARGET_TEXT} x="{left + 6}" y="{target_y}" dy="-7">'
        f"Cible {indicator.target_year} : {escape(french_number(indicator.target))}</text>"
    )
    points = []
    if indicator.baseline is not None:
        base_x, base_y = _n(x(date(start_year, 1, 1))), _n(y(indicator.baseline))
        parts.append(f'<circle class="baseline"{BASELINE} cx="{base_x}" cy="{base_y}" r="4"/>')
    if rows:
        path = " ".join(f"{'L' if index else 'M'}{_n(x(row.on))},{_n(y(row.value))}" for index, row in enumerate(rows))
        parts.append(f'<path class="line"{LINE} d="{path}"/>')
        labelled = rows if len(rows) <= 6 else rows[-1:]  # the table has every value
        for row in rows:
            points.append(f'<circle class="point"{POINT} cx="{_n(x(row.on))}" cy="{_n(y(row.value))}" r="4"/>')
        for row in labelled:
            anchor = "end" if x(row.on) > right - 30 else "middle"
            points.append(
                f'<text class="value"{VALUE} x="{_n(x(row.on))}" y="{_n(y(row.value))}" dy="-10" '
                f'text-anchor="{anchor}">{escape(row.text)}</text>'
            )
    title = f"{indicator.label} : valeurs mesurées et cible"
    return _svg(
        width=width,
        height=height,
        id=id,
        title=title,
        description=indicator_description(indicator, rows),
        body="".join(parts + points),
    )


def progress_description(progress) -> str:
    if not progress.total:
        return "Aucune action n'est encore inscrite au plan."
    parts = [
        f"{count} {label.lower()}{'s' if count > 1 and label.endswith('ée') else ''}"
        for _state, label, count in progress.counts
        if count
    ]
    return f"{progress.total} action{'s' if progress.total > 1 else ''} : " + ", ".join(parts) + "."


def progress_bar(progress, *, id: str, width: int = 560, height: int = 28) -> SafeString:
    """One bar split by state, in the workflow's order, proportional to the actions' count."""
    parts, offset = [], 0.0
    for state, _label, count in progress.counts:
        if not count:
            continue
        share = width * count / progress.total
        parts.append(
            f'<rect class="state-{state}" fill="{STATE_COLOURS[state]}" stroke="#fff" stroke-width="2" '
            f'x="{_n(offset)}" y="0" width="{_n(share)}" height="{height}"/>'
        )
        offset += share
    if not parts:
        parts.append(f'<rect fill="#e9ecef" x="0" y="0" width="{width}" height="{height}"/>')
    return _svg(
        width=width,
        height=height,
        id=id,
        title="Avancement des actions du plan",
        description=progress_description(progress),
        body="".join(parts),
    )


def swatch(state: str) -> SafeString:
    """The state's colour beside its name in a legend (decorative: the name says it)."""
    return mark_safe(  # noqa: S308 — a colour of ours
        f'<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">'
        f'<rect width="14" height="14" rx="3" fill="{STATE_COLOURS[state]}"/></svg>'
    )
