"""The charts' SVG, written in Python: a view of 88 sectors draws 88 bars, which cost ten
times more through template loops (the explorer's cold path is benchmarked:
bench/observatoire.py)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from observatoire.charts import BarChart, LineChart

register = template.Library()

# Presentation attributes, for the PDF panorama: WeasyPrint applies no document CSS inside
# inline SVG. In the pages, portail.css styles the same classes and wins over them.
GRID = ' stroke="#d9d4ca" stroke-width="1"'
AXIS = ' font-size="12" fill="#4a5559"'
LABEL = ' font-size="13" fill="#1d2a2f"'
VALUE = ' font-size="13" font-weight="600" fill="#0a5252"'
HIDDEN_VALUE = ' font-size="13" font-weight="600" font-style="italic" fill="#5c5c5c"'
BAR = ' fill="#0d6e6e"'
LINE = ' fill="none" stroke="#0d6e6e" stroke-width="3"'
POINT = ' fill="#0a5252"'


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _svg(chart, id: str, body: str) -> str:
    id = escape(id)
    return mark_safe(  # noqa: S308 — every text escaped, numbers are ours
        f'<svg class="chart" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{id}-titre {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{id}-titre">{escape(chart.title)}</title><desc id="{id}-desc">{escape(chart.description)}</desc>'
        f"{body}</svg>"
    )


# Plain f-strings rather than format_html: a chart has hundreds of values, and format_html's
# checks cost more than the drawing. Numbers are ours; every text goes through escape().


@register.simple_tag
def barres(chart: BarChart, id: str):
    parts = [
        f'<line class="grid"{GRID} x1="{_number(x)}" x2="{_number(x)}" y1="6" y2="{chart.axis_y}"/>'
        f'<text class="axis"{AXIS} x="{_number(x)}" y="{chart.height - 4}" text-anchor="middle">{escape(label)}</text>'
        for x, label in chart.grid
    ]
    left, height = chart.label_width, chart.bar_height
    for bar in chart.bars:
        parts.append(f'<text class="label"{LABEL} x="{left}" y="{bar.y}">{escape(bar.label)}</text>')
        if bar.secret:
            parts.append(
                f'<text class="value secret"{HIDDEN_VALUE} x="{left}" y="{bar.text_y}">{escape(bar.text or "—")}</text>'
            )
        else:
            parts.append(
                f'<rect class="bar"{BAR} x="{left}" y="{bar.bar_y}" width="{_number(bar.width)}" height="{height}"/>'
                f'<text class="value"{VALUE} x="{_number(bar.text_x)}" y="{bar.text_y}">{escape(bar.text)}</text>'
            )
    return _svg(chart, id, "".join(parts))


@register.simple_tag
def courbe(chart: LineChart, id: str):
    parts = [
        f'<line class="grid"{GRID} x1="{chart.left}" x2="{chart.right}" y1="{_number(y)}" y2="{_number(y)}"/>'
        f'<text class="axis"{AXIS} x="{chart.left - 8}" y="{_number(y)}" text-anchor="end" '
        f'dominant-baseline="middle">{escape(label)}</text>'
        for y, label in chart.grid
    ]
    if chart.path:
        parts.append(f'<path class="line"{LINE} d="{escape(chart.path)}"/>')
    for point in chart.points:
        x = _number(point.x)
        if not point.secret:
            parts.append(f'<circle class="point"{POINT} cx="{x}" cy="{_number(point.y)}" r="4"/>')
        year_y, value_y = chart.height - 10, chart.height - 40 if point.secret else _number(point.y)
        parts.append(
            f'<text class="axis"{AXIS} x="{x}" y="{year_y}" text-anchor="middle">{escape(point.label)}</text>'
            f'<text class="value"{VALUE} x="{x}" y="{value_y}" dy="-10" text-anchor="middle">'
            f"{escape(point.text)}</text>"
        )
    return _svg(chart, id, "".join(parts))
