"""A plan's PDF summary: the page's content laid out for print (territory, period,
diagnostic, axes and actions with their states, progress and indicator charts).

The charts are the page's own SVG (territoires.charts), which WeasyPrint draws from their
presentation attributes. A summary costs 0.5 s of CPU for the demo's plans and 1.4 s for a
plan of 48 actions, 2 to 6 s of wall time on a loaded machine, and the first document of a
process loads WeasyPrint for about 7 s (bench/territoires_pdf.py): too slow for a public
request. So a worker builds it (`build_plan_pdf`, from `territoires.tasks`) and keeps it in
the cache under the plan and the version of Action 2's data; the plan's page asks for it
when it is rendered after a change (`request_plan_pdf`), so that it is usually ready by the
time someone clicks, and the download link answers « en préparation » meanwhile.
"""

import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from lib.dates import french_date
from lib.pdf import html_to_pdf
from lib.richtext import clean_html
from territoires import charts, selectors
from territoires.cache import PDF_SECONDS, current_version
from territoires.models import Plan

logger = logging.getLogger(__name__)
BUILDING_SECONDS = 120  # a build asked for is not asked again for this long (a lost task is retried after)


def _pdf_key(slug: str, version: int) -> str:
    return f"territoires:{version}:plan-pdf:{slug}"


def plan_context(plan: Plan) -> dict:
    """What the plan's page and its PDF show, from a plan read by `selectors.plan_detail`."""
    indicators = []
    for index, indicator in enumerate(plan.indicators.all(), start=1):
        indicators.append(
            {
                "indicator": indicator,
                "rows": charts.indicator_rows(indicator),
                "chart": charts.indicator_chart(indicator, start_year=plan.start_year, id=f"indicateur-{index}"),
                "target": charts.french_number(indicator.target),
                "baseline": charts.french_number(indicator.baseline),
            }
        )
    total = plan.progress.total
    legend = [
        {
            "state": state,
            "label": label,
            "count": count,
            "share": round(100 * count / total) if total else 0,
            "swatch": charts.swatch(state),
        }
        for state, label, count in plan.progress.counts
        if count
    ]
    return {
        "plan": plan,
        "diagnostic": clean_html(plan.diagnostic),
        "axes": plan.axes.all(),
        "progress": plan.progress,
        "progress_bar": charts.progress_bar(plan.progress, id="avancement"),
        "progress_text": charts.progress_description(plan.progress),
        "legend": legend,
        "indicators": indicators,
    }


def plan_summary_pdf(plan: Plan) -> bytes:
    """The PDF summary of a plan read by `selectors.plan_detail`."""
    context = {**plan_context(plan), "printed_on": french_date(timezone.localdate())}
    html = render_to_string("territoires/plans/synthese.html", context)
    pdf, _pages = html_to_pdf(html, css=render_to_string("territoires/plans/synthese.css"))
    return pdf


def cached_plan_pdf(slug: str) -> bytes | None:
    """The plan's summary built for the current version of the data, or None."""
    return cache.get(_pdf_key(slug, current_version()))


def build_plan_pdf(*, slug: str) -> bool:
    """The worker's part: build the summary of a published plan and keep it under the
    version read before reading the plan (a change meanwhile bumps it: the next request
    asks again). Idempotent; False when the plan is not published."""
    version = current_version()
    plan = selectors.plan_detail(slug)
    if plan is None:
        return False
    cache.set(_pdf_key(slug, version), plan_summary_pdf(plan), timeout=PDF_SECONDS)
    return True


def request_plan_pdf(slug: str) -> None:
    """Have a worker build the summary unless it is built or already asked for (without a
    broker, the embedded default, it is built here and now)."""
    version = current_version()
    if cache.get(_pdf_key(slug, version)) is not None:
        return
    building = f"territoires:{version}:plan-pdf-building:{slug}"
    if not cache.add(building, 1, timeout=BUILDING_SECONDS):
        return
    from territoires.tasks import build_plan_pdf_task

    try:
        build_plan_pdf_task.delay(slug)
    except Exception:  # broker unreachable: the next visitor asks again
        cache.delete(building)
        logger.warning("Synthèse PDF du plan %s non lancée : file de tâches injoignable.", slug, exc_info=True)
