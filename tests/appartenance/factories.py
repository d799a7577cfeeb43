"""Rows of the appartenance app for tests (the access matrix's world among them)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from appartenance import guide
from appartenance.models_guide import GuideAction, GuideAssessment
from appartenance.models_report import GuideReport


def make_assessment(organisation, *, year=None, answers=None, by=None, actions=1) -> GuideAssessment:
    """A year's self-assessment with its answers (question id → value as typed) and actions."""
    assessment = guide.start_assessment(organisation=organisation, year=year or timezone.localdate().year)
    answers = answers if answers is not None else {"gouvernance.instances": "oui", "gouvernance.salaries": "partiel"}
    for theme in guide.guide().themes:
        values = {key: value for key, value in answers.items() if key.startswith(theme.id + ".")}
        if values:
            assert guide.save_answers(assessment=assessment, theme=theme, values=values, by=by) == {}
    for number in range(actions):
        GuideAction.objects.create(
            assessment=assessment, theme="gouvernance", title=f"Action n°{number + 1}", owner="La présidente"
        )
    return assessment


def make_ready_report(assessment, *, by=None, content=b"%PDF-1.4\n% rapport de test\n") -> GuideReport:
    """An assessment's report as a worker leaves it: built, its file stored."""
    now = timezone.now()
    report = GuideReport(assessment=assessment, requested_by=by, requested_at=now, built_at=now, pages=1)
    report.status = GuideReport.Status.READY
    report.file.save(f"rapport-{assessment.organisation_id}-{assessment.year}.pdf", ContentFile(content), save=False)
    report.save()
    return report
