"""The charts' SVG and the explorer's table rows, written in Python: a view of 88 sectors
draws 88 bars and 88 rows, which cost ten times more through template loops (the
explorer's cold path is benchmarked: bench/observatoire.py)."""

from django import template
from django.utils.html import escape, format_html, format_html_join
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


@register.simple_tag
def barres(chart: BarChart, id: str):
    grid = format_html_join(
        "",
        f'<line class="grid"{GRID} x1="{{0}}" x2="{{0}}" y1="6" y2="{{1}}"/><text class="axis"{AXIS} x="{{0}}" '
        'y="{2}" text-anchor="middle">{3}</text>',
        ((_number(x), chart.axis_y, chart.height - 4, label) for x, label in chart.grid),
    )
    # Plain f-strings: numbers are ours, every text goes through escape().
    left, height = chart.label_width, chart.bar_height
    bars = []
    for bar in chart.bars:
        bars.append(f'<text class="label"{LABEL} x="{left}" y="{bar.y}">{escape(bar.label)}</text>')
        if bar.secret:
            bars.append(
                f'<text class="value secret"{HIDDEN_VALUE} x="{left}" y="{bar.text_y}">{escape(bar.text or "—")}</text>'
            )
        else:
            bars.append(
                f'<rect class="bar"{BAR} x="{left}" y="{bar.bar_y}" width="{_number(bar.width)}" height="{height}"/>'
                f'<text class="value"{VALUE} x="{_number(bar.text_x)}" y="{bar.text_y}">{escape(bar.text)}</text>'
            )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-titre {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-titre">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>{grid}{bars}</svg>',
        w=chart.width, h=chart.height, id=id, title=chart.title, desc=chart.description, grid=grid,
        bars=mark_safe("".join(bars)),  # noqa: S308 — each part built by format_html
    )  # fmt: skip


@register.simple_tag
def courbe(chart: LineChart, id: str):
    grid = format_html_join(
        "",
        f'<line class="grid"{GRID} x1="{{0}}" x2="{{1}}" y1="{{2}}" y2="{{2}}"/><text class="axis"{AXIS} x="{{3}}" '
        'y="{2}" text-anchor="end" dominant-baseline="middle">{4}</text>',
        ((chart.left, chart.right, _number(y), chart.left - 8, label) for y, label in chart.grid),
    )
    points = []
    for point in chart.points:
        if not point.secret:
            points.append(
                format_html(
                    f'<circle class="point"{POINT} cx="{{}}" cy="{{}}" r="4"/>', _number(point.x), _number(point.y)
                )
            )
        points.append(
            format_html(
                f'<text class="axis"{AXIS} x="{{0}}" y="{{1}}" text-anchor="middle">{{2}}</text>'
                f'<text class="value"{VALUE} x="{{0}}" y="{{3}}" dy="-10" text-anchor="middle">{{4}}</text>',
                _number(point.x),
                chart.height - 10,
                point.label,
                chart.height - 40 if point.secret else _number(point.y),
                point.text,
            )
        )
    line = format_html(f'<path class="line"{LINE} d="{{}}"/>', chart.path) if chart.path else ""
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-titre {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-titre">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>{grid}{line}{points}</svg>',
        w=chart.width, h=chart.height, id=id, title=chart.title, desc=chart.description, grid=grid, line=line,
        points=mark_safe("".join(points)),  # noqa: S308 — each part built by format_html
    )  # fmt: skip


@register.simple_tag
def lignes_tableau(rows):
    """The explorer's rows: (row, text) pairs; « s » with its reason as a tooltip."""
    parts = []
    for row, text in rows:
        value = format_html('<abbr title="Secret statistique : {}">s</abbr>', row.cell.reason) if text == "s" else text
        parts.append(
            format_html(
                '<tr{}><th scope="row">{}</th><td class="num">{}</td></tr>',
                mark_safe(' class="table-total"') if row.is_total else "",
                row.label,
                value,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 — each part built by format_html
