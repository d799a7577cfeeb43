"""The demo's self-assessments (issue 20, point 8): two organisations over two years with
actions, this year's answers of a few more for the observatory; twice the same."""

import pytest
from django.utils import timezone

from appartenance import aggregates, guide, report
from appartenance.demo_guide import seed_assessments
from appartenance.models_guide import GuideAction, GuideAnswer, GuideAssessment
from tests.annuaire.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (GuideAssessment, GuideAnswer, GuideAction)}


def test_two_organisations_over_two_years_and_more_this_year_and_a_second_run_changes_nothing():
    year = timezone.localdate().year
    pair = [OrganisationFactory(name="Kaz Initiatives"), OrganisationFactory(name="Ti Kaz")]
    others = [OrganisationFactory() for _ in range(5)]
    result = seed_assessments(organisations=pair, others=[*pair, *others])
    assert result["autres structures évaluées cette année"] == 5
    for organisation in pair:
        years = guide.compare_years(organisation)
        assert [assessed for assessed, _rows in years] == [year, year - 1]
        assert all(row.complete for _year, rows in years for row in rows)
    first = GuideAssessment.objects.get(organisation=pair[0], year=year)
    assert first.actions.count() == 4 and first.actions.filter(status=GuideAction.Status.DOING).exists()
    assert report.report_context(first)["previous_year"] == year - 1
    assert GuideAssessment.objects.filter(year=year).count() == 7
    assert {count.theme for count in aggregates.counts(year)} == {theme.id for theme in guide.guide().themes}

    answers = dict(GuideAnswer.objects.values_list("pk", "choice"))
    before = counts()
    seed_assessments(organisations=pair, others=[*pair, *others])
    assert counts() == before
    assert dict(GuideAnswer.objects.values_list("pk", "choice")) == answers
