"""Charts drawn on the server as SVG, the same in the page and in the PDF panorama.

Each function returns the geometry a template draws (`observatoire/_barres.svg`,
`observatoire/_courbe.svg`): no script, no chart library, nothing fetched. A chart always
comes with its title, a description that says what it shows, and the table beside it
(the accessible alternative). A secret value (« s ») has no bar and no point: it is
written « s » where the bar would be.
"""

import math
from dataclasses import dataclass, field

from observatoire.formatting import SECRET, french_number


def nice_ceiling(value: float) -> float:
    """The round number just above `value` that a scale ends at (1, 1.2, 1.5, 2, 2.5, 3, 4,
    5, 6 or 8 × 10^n), so that the longest bar fills most of the width."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return candidate
    return 10 ** (exponent + 1)


# How many intervals divide a scale ending at m × 10^n into round steps.
_INTERVALS = {1: 5, 1.2: 4, 1.5: 3, 2: 4, 2.5: 5, 3: 3, 4: 4, 5: 5, 6: 3, 8: 4, 10: 5}


def _tick_label(value: float) -> str:
    """0,5 on a scale of quotients, 10 000 on a scale of employees."""
    return french_number(value, 0 if float(value).is_integer() else 1)


def ticks(maximum: float) -> list[float]:
    top = nice_ceiling(maximum)
    mantissa = round(top / 10 ** math.floor(math.log10(top)), 1)
    count = _INTERVALS.get(mantissa, 4)
    return [top * index / count for index in range(count + 1)]


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as written beside the bar, or « s »
    y: float  # the label's baseline; the bar sits below it
    width: float
    secret: bool
    left: float = 8

    @property
    def text_x(self) -> float:
        return self.left + self.width + 6

    @property
    def bar_y(self) -> float:
        return self.y + 5

    @property
    def text_y(self) -> float:
        return self.y + 19


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int
    bars: list[Bar]
    grid: list[tuple[float, str]] = field(default_factory=list)  # (x, label)

    @property
    def axis_y(self) -> int:
        return self.height - 20


def bar_chart(*, title: str, description: str, items, unit: str = "", width: int = 420, decimals: int = 0) -> BarChart:
    """Horizontal bars, one per (label, value) in `items`; the label sits above its bar so
    that long French labels stay readable on a phone (the SVG scales to its box)."""
    values = [float(value) for _, value in items if value not in (None, SECRET)]
    top = nice_ceiling(max(values, default=0))
    row, bar_height, left = 44, 18, 8
    plot_width = width - left - 64
    bars = []
    for index, (label, value) in enumerate(items):
        secret = value == SECRET or value is None
        bars.append(
            Bar(
                label=label if len(label) <= 70 else label[:69] + "…",
                text=SECRET
                if value == SECRET
                else ("" if value is None else f"{french_number(value, decimals)}{unit}"),
                y=index * row + 20,
                width=0 if secret else round(plot_width * float(value) / top, 1),
                secret=secret,
                left=left,
            )
        )
    grid = [(round(left + plot_width * t / top, 1), _tick_label(t)) for t in ticks(top)]
    return BarChart(
        title=title,
        description=description,
        width=width,
        height=len(items) * row + 40,
        label_width=left,
        plot_width=plot_width,
        bar_height=bar_height,
        bars=bars,
        grid=grid,
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the year
    text: str  # the value, or « s »
    secret: bool


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    width: int
    height: int
    path: str  # the line through the published points (broken where a point is secret)
    points: list[Point]
    grid: list[tuple[float, str]]  # (y, label)
    left: int
    right: int


def line_chart(*, title: str, description: str, series, width: int = 420, height: int = 240) -> LineChart:
    """A line through (year, value) points in order; a secret point breaks the line."""
    left, right, top_margin, bottom = 72, width - 24, 16, height - 32
    values = [float(value) for _, value in series if value not in (None, SECRET)]
    top = nice_ceiling(max(values, default=0))
    inner = 36  # room between the axis labels and the first and last points' values
    step = (right - left - 2 * inner) / max(len(series) - 1, 1)
    points, path, pen_down = [], [], False
    for index, (year, value) in enumerate(series):
        x = left + inner + index * step if len(series) > 1 else (left + right) / 2
        secret = value in (None, SECRET)
        y = bottom if secret else bottom - (bottom - top_margin) * float(value) / top
        points.append(Point(round(x, 1), round(y, 1), str(year), SECRET if secret else french_number(value), secret))
        if secret:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    grid = [(round(bottom - (bottom - top_margin) * t / top, 1), _tick_label(t)) for t in ticks(top)]
    return LineChart(title, description, width, height, " ".join(path), points, grid, left, right)
