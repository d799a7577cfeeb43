"""A plan's charts drawn on the server as SVG, the same in the page and in the PDF summary:
an indicator's measured values over time against its target, and the share of actions in
each state. No script, nothing fetched; each chart has a title and a description, and the
page puts the data table beside it (the accessible alternative).

The look follows the observatory's charts (the classes `chart`, `grid`, `axis`, `value`,
`line`, `point` of portail.css); presentation attributes repeat it for the PDF, where
WeasyPrint applies no document CSS inside inline SVG.
"""

from datetime import date

from django.utils.safestring import SafeString, mark_safe

from lib.charts import Measure, coord, french_number, measure_rows, svg, time_series_chart
from territoires.models import Action, Indicator

# Re-exported for the plan's pages and admin.
__all__ = ["Measure", "french_number", "indicator_chart", "indicator_rows", "progress_bar", "swatch"]

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


def indicator_rows(indicator: Indicator) -> list[Measure]:
    """The measured values in date order (from the prefetched `values`)."""
    return measure_rows((value.measured_on, value.value) for value in indicator.values.all())


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
    return time_series_chart(
        rows,
        id=id,
        title=f"{indicator.label} : valeurs mesurées et cible",
        description=indicator_description(indicator, rows),
        begin=date(start_year, 1, 1),
        end=date(indicator.target_year, 12, 31),
        target=indicator.target,
        target_on=date(indicator.target_year, 12, 31),
        target_text=f"Cible {indicator.target_year} : {french_number(indicator.target)}",
        baseline=indicator.baseline,
        baseline_on=date(start_year, 1, 1),
        width=width,
        height=height,
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
            f'x="{coord(offset)}" y="0" width="{coord(share)}" height="{height}"/>'
        )
        offset += share
    if not parts:
        parts.append(f'<rect fill="#e9ecef" x="0" y="0" width="{width}" height="{height}"/>')
    return svg(
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
