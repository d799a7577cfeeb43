"""Appartenance's source for the observatory (lib.practice_aggregates): how many organisations
answered each theme of the good-practices guide, and how many of them mostly answer « oui »,
by ESS family and EPCI, for one year. Counts only: no name, key or answer leaves this module.

An organisation is counted once per theme and year, from that year's assessment; one with no
EPCI or no ESS family in the directory is left out (its cell would be unknown).
"""

from collections import defaultdict

from django.db.models import Count, Max

from appartenance import guide
from appartenance.models_guide import GuideAnswer, GuideAssessment
from lib.practice_aggregates import PracticeCount, PracticeSource

SCALE_CHOICES = (GuideAnswer.Choice.YES, GuideAnswer.Choice.PARTLY, GuideAnswer.Choice.NO)


def themes() -> list[tuple[str, str]]:
    return [(theme.id, theme.title) for theme in guide.guide().themes]


def years() -> list[int]:
    return list(GuideAssessment.objects.order_by("-year").values_list("year", flat=True).distinct())


def counts(year: int) -> list[PracticeCount]:
    """One query: the year's scale answers with the cell of their organisation."""
    theme_of = {question.id: theme.id for theme in guide.guide().themes for question in theme.scale_questions}
    rows = GuideAnswer.objects.filter(
        assessment__year=year,
        choice__in=SCALE_CHOICES,
        assessment__organisation__epci__isnull=False,
        question__in=list(theme_of),
    ).exclude(assessment__organisation__ess_family="")
    # (theme, family, territory, organisation) → [answers, « oui »]
    tally: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for question, choice, family, territory, organisation in rows.values_list(
        "question", "choice", "assessment__organisation__ess_family", "assessment__organisation__epci__code",
        "assessment__organisation_id",
    ):  # fmt: skip
        entry = tally[(theme_of[question], family, territory, organisation)]
        entry[0] += 1
        entry[1] += choice == GuideAnswer.Choice.YES
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (theme, family, territory, _organisation), (answered, yes) in tally.items():
        cell = cells[(theme, family, territory)]
        cell[0] += 1
        cell[1] += 2 * yes >= answered
    return [
        PracticeCount(theme=theme, family=family, territory=territory, organisations=total, practising=practising)
        for (theme, family, territory), (total, practising) in sorted(cells.items())
    ]


def version() -> tuple:
    """Changes with every answer saved (an assessment's `updated_at` moves) or deleted."""
    found = GuideAssessment.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    return (found["count"], found["last"].isoformat() if found["last"] else "")


SOURCE = PracticeSource(
    name="appartenance",
    title="Auto-évaluations du guide des bonnes pratiques de l'ESS",
    themes=themes,
    years=years,
    counts=counts,
    version=version,
)
