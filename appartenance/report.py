"""The PDF report of a good-practices self-assessment (issue 20, point 4): what an
organisation presents to its general assembly, as article 3 of law n° 2014-856 asks — the
year, the organisation, each of the eight themes with its answers and score, the
improvement actions (owner, due date, state), the comparison with the previous year where
there is one, the date, and a chart of the scores (server-side SVG, the same in the page).

A member asks for it (`request_report`); a worker builds it (`build_report`, from
`appartenance.tasks`), showing its step on the row that the page polls, then emails the
person who asked a link to the assessment's page, where members download it. Each request
is built and emailed once: a task run twice for the same request does nothing more.
"""

import logging
from datetime import timedelta
from html import escape

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from appartenance import guide
from appartenance.models_guide import GuideAnswer, GuideAssessment
from appartenance.models_report import GuideReport
from lib.charts import coord, svg
from lib.dates import french_date
from lib.pdf import html_to_pdf
from messagerie.services import queue_email

logger = logging.getLogger(__name__)

EMAIL_READY = "appartenance/rapport_pret"
STALLED_AFTER = timedelta(minutes=10)  # a request not built by then may be asked again
Status = GuideReport.Status


# --- What the report shows ----------------------------------------------------------------------


def _wrapped(text: str, width: int = 40) -> list[str]:
    """A label on two lines at most (the second shortened with « … » if need be)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], lines[1] + " …"]
    return lines


def scores_chart(rows: list[dict], *, id: str, year: int, previous_year: int | None) -> SafeString:
    """Horizontal bars: each theme's score this year (and the previous year's, lighter), with
    a legend; the description says every figure in words."""
    bar, gap, label_width, width, top_margin = 14, 12, 250, 560, 30
    colours = [(year, "#0d6e6e"), (previous_year, "#9cc9c9")] if previous_year else [(year, "#0d6e6e")]
    per_theme = max(bar * len(colours), 26) + gap
    height = top_margin + per_theme * len(rows)
    scale = (width - label_width - 50) / 100
    body = []
    for index, (shown_year, colour) in enumerate(colours):
        x = label_width + index * 90
        body.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="16" font-size="11" fill="#4a5559">{shown_year}</text>'
        )
    for index, row in enumerate(rows):
        top = top_margin + index * per_theme
        lines = _wrapped(row["theme"].title)
        spans = "".join(
            f'<tspan x="{label_width - 6}" dy="{0 if number == 0 else 12}">{escape(line)}</tspan>'
            for number, line in enumerate(lines)
        )
        body.append(
            f'<text x="{label_width - 6}" y="{coord(top + 10)}" text-anchor="end" font-size="10" '
            f'fill="#4a5559">{spans}</text>'
        )
        scores = [row["score"], row["previous"]] if previous_year else [row["score"]]
        for offset, (score, (_year, colour)) in enumerate(zip(scores, colours, strict=True)):
            y = top + offset * bar
            length = (score or 0) * scale
            text = "—" if score is None else f"{score} %"
            body.append(
                f'<rect x="{label_width}" y="{coord(y)}" width="{coord(length)}" height="{bar - 2}" fill="{colour}"/>'
                f'<text x="{coord(label_width + length + 4)}" y="{coord(y + bar - 4)}" font-size="11" '
                f'fill="#0a5252">{text}</text>'
            )
    description = "; ".join(
        f"{row['theme'].title} : {'sans réponse' if row['score'] is None else str(row['score']) + ' %'}"
        + (
            f" (en {previous_year} : {'sans réponse' if row['previous'] is None else str(row['previous']) + ' %'})"
            if previous_year
            else ""
        )
        for row in rows
    )
    title = f"Score de chaque thème en {year}" + (f", comparé à {previous_year}" if previous_year else "")
    return svg(width=width, height=height, id=id, title=title, description=description, body="".join(body))


def _answer_text(question: guide.Question, answer: GuideAnswer | None) -> str:
    if answer is None:
        return "—"
    if question.type == guide.SCALE:
        return answer.get_choice_display() if answer.choice else "—"
    if question.type == guide.NUMBER:
        if answer.number is None:
            return "—"
        value = f"{answer.number.normalize():f}".replace(".", ",")
        return f"{value} {question.unit}".strip()
    return answer.text or "—"


def report_context(assessment: GuideAssessment) -> dict:
    """What the report shows, in a bounded number of queries whatever the answers."""
    answers = guide.answers_of(assessment)
    years = guide.compare_years(assessment.organisation)
    previous = next(((year, rows) for year, rows in years if year < assessment.year), None)
    previous_scores = {row.theme.id: row.score for row in previous[1]} if previous else {}
    actions = list(assessment.actions.all())
    themes = []
    for progress in guide.progress(answers):
        theme = progress.theme
        themes.append(
            {
                "theme": theme,
                "answered": progress.answered,
                "total": progress.total,
                "score": progress.score,
                "previous": previous_scores.get(theme.id),
                "questions": [{"question": q, "text": _answer_text(q, answers.get(q.id))} for q in theme.questions],
                "actions": [action for action in actions if action.theme == theme.id],
            }
        )
    previous_year = previous[0] if previous else None
    return {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "guide": guide.guide(),
        "themes": themes,
        "actions": actions,
        "previous_year": previous_year,
        "chart": scores_chart(themes, id="scores", year=assessment.year, previous_year=previous_year),
        "printed_on": french_date(timezone.localdate()),
    }


def report_pdf(assessment: GuideAssessment) -> tuple[bytes, int]:
    """The report's PDF and its number of pages."""
    html = render_to_string("appartenance/guide/rapport_pdf.html", report_context(assessment))
    return html_to_pdf(html, css=render_to_string("appartenance/guide/rapport_pdf.css"))


# --- Asking, building, telling ------------------------------------------------------------------


def report_of(assessment: GuideAssessment) -> GuideReport | None:
    return GuideReport.objects.filter(assessment=assessment).first()


def is_pending(report: GuideReport | None, *, now=None) -> bool:
    """Whether a build is on its way (a request older than STALLED_AFTER counts as lost)."""
    now = now or timezone.now()
    return (
        report is not None
        and report.status in (Status.QUEUED, Status.RUNNING)
        and report.requested_at > now - STALLED_AFTER
    )


def request_report(*, assessment: GuideAssessment, by) -> GuideReport:
    """A member asks for the report: a worker builds it and emails them. Asking while a build
    is on its way changes nothing (one build, one email)."""
    with transaction.atomic():
        _row, created = GuideReport.objects.get_or_create(
            assessment=assessment, defaults={"requested_at": timezone.now(), "requested_by": by}
        )
        report = GuideReport.objects.select_for_update().get(assessment=assessment)
        if not created:
            if is_pending(report):
                return report
            report.status, report.step = Status.QUEUED, ""
            report.requested_at, report.requested_by = timezone.now(), by
            report.save(update_fields=["status", "step", "requested_at", "requested_by"])
        transaction.on_commit(lambda: _enqueue(assessment.pk))
    return report


def _enqueue(assessment_id: int) -> None:
    from appartenance.tasks import build_guide_report_task

    try:
        build_guide_report_task.delay(assessment_id)
    except Exception:  # broker unreachable: after STALLED_AFTER the member may ask again
        logger.warning("Rapport de l'auto-évaluation %s non lancé : file de tâches injoignable.", assessment_id,
                       exc_info=True)  # fmt: skip


def _set_step(report: GuideReport, step: str) -> None:
    GuideReport.objects.filter(pk=report.pk).update(status=Status.RUNNING, step=step)


def build_report(*, assessment_id: int) -> bool:
    """The worker's part: build the report asked for and email its link to the person who
    asked, once per request (False when there is nothing to do: no request, or built)."""
    report = GuideReport.objects.select_related("assessment__organisation").filter(assessment_id=assessment_id).first()
    if report is None or report.status == Status.READY:
        return False
    requested_at = report.requested_at
    _set_step(report, "Lecture des réponses")
    try:
        html = render_to_string("appartenance/guide/rapport_pdf.html", report_context(report.assessment))
        _set_step(report, "Mise en page")
        pdf, pages = html_to_pdf(html, css=render_to_string("appartenance/guide/rapport_pdf.css"))
    except Exception:
        logger.exception("Rapport de l'auto-évaluation %s non construit.", assessment_id)
        GuideReport.objects.filter(pk=report.pk, requested_at=requested_at).update(status=Status.FAILED, step="")
        return False
    with transaction.atomic():
        rows = GuideReport.objects.select_for_update(of=("self",)).select_related("requested_by")
        locked = rows.filter(pk=report.pk).first()
        if locked is None or locked.status == Status.READY or locked.requested_at != requested_at:
            return False  # built by another run, or asked again meanwhile (that run builds it)
        old_name = locked.file.name
        assessment = report.assessment
        locked.file.save(f"rapport-{assessment.organisation_id}-{assessment.year}.pdf", ContentFile(pdf), save=False)
        locked.status, locked.step, locked.pages, locked.built_at = Status.READY, "", pages, timezone.now()
        locked.save(update_fields=["file", "status", "step", "pages", "built_at"])
        if old_name and old_name != locked.file.name:
            storage = locked.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        if locked.requested_by is not None:
            queue_email(
                to=locked.requested_by.email,
                template=EMAIL_READY,
                context={
                    "organisation": assessment.organisation.name,
                    "year": assessment.year,
                    "url": settings.SITE_URL
                    + reverse("appartenance:guide-report", args=[assessment.organisation_id, assessment.year]),
                },
                dedup_key=f"appartenance-rapport-{locked.pk}-{requested_at.timestamp():.6f}",
            )
    return True
