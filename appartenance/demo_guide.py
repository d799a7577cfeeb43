"""Demo self-assessments on the good-practices guide (issue 20, point 8), for
`manage.py seed_demo`: two organisations (the first one given is the demo partner's, whose
account sees it) with complete assessments for last year and this year, each with
improvement actions in every state, so that the report compares the years; and this year's
answers of a few more organisations of the directory, so that the observatory's
good-practices page shows counts beside its secret cells. Deterministic and idempotent:
answers are saved through the guide's service, which rewrites them with the same values.
"""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from annuaire.models import Organisation
from appartenance import guide
from appartenance.models_guide import GuideAction, GuideAnswer

# The first year is shakier than the second: the report shows progress.
CHANCES = {0: (0.35, 0.35), 1: (0.6, 0.3)}  # (oui, en partie) by year index
ACTIONS = [
    ("gouvernance", "Ouvrir deux sièges du conseil d'administration aux salariés", "La présidente"),
    ("salaires", "Publier l'écart des rémunérations dans le rapport annuel", "Le trésorier"),
    ("durable", "Faire un bilan carbone simplifié", "La chargée de mission"),
    ("diversite", "Former le bureau à la prévention des discriminations", "La directrice"),
]


def _values(theme: guide.Theme, rng: random.Random, chances: tuple[float, float]) -> dict[str, str]:
    values = {}
    for question in theme.questions:
        if question.type == guide.SCALE:
            draw = rng.random()
            values[question.id] = (
                GuideAnswer.Choice.YES if draw < chances[0]
                else GuideAnswer.Choice.PARTLY if draw < chances[0] + chances[1]
                else GuideAnswer.Choice.NO
            )  # fmt: skip
        elif question.type == guide.NUMBER:
            low = int(question.minimum or 0)
            high = int(min(question.maximum or Decimal(100), Decimal(100)))
            values[question.id] = str(rng.randint(low, high))
        else:
            values[question.id] = "Point débattu en conseil d'administration ; à reprendre à l'assemblée générale."
    return values


def _assess(organisation: Organisation, *, year: int, chances: tuple[float, float], seed: str):
    rng = random.Random(seed)  # noqa: S311 — demo answers, the same at every run
    assessment = guide.start_assessment(organisation=organisation, year=year)
    for theme in guide.guide().themes:
        guide.save_answers(assessment=assessment, theme=theme, values=_values(theme, rng, chances), by=None)
    return assessment


def _actions(assessment, *, last_year: bool) -> None:
    states = [GuideAction.Status.DONE, GuideAction.Status.DONE, GuideAction.Status.DROPPED, GuideAction.Status.DONE]
    if not last_year:
        states = [GuideAction.Status.DOING, GuideAction.Status.TODO, GuideAction.Status.TODO, GuideAction.Status.DOING]
    for (theme, title, owner), status in zip(ACTIONS, states, strict=True):
        GuideAction.objects.update_or_create(
            assessment=assessment,
            title=title,
            defaults={
                "theme": theme,
                "owner": owner,
                "status": status,
                "due_on": date(assessment.year, 12, 31) if last_year else date(assessment.year + 1, 6, 30),
            },
        )


@transaction.atomic
def seed_assessments(*, organisations, others=()) -> dict:
    """Two organisations over two years, and this year's answers of `others`."""
    organisations = list(organisations)
    if len(organisations) < 2:
        raise ValueError("Il faut deux structures pour les auto-évaluations de démonstration.")
    year = timezone.localdate().year
    for organisation in organisations[:2]:
        for index, assessed in enumerate((year - 1, year)):
            assessment = _assess(
                organisation, year=assessed, chances=CHANCES[index], seed=f"{organisation.pk}-{assessed}"
            )
            _actions(assessment, last_year=assessed < year)
    others = [organisation for organisation in others if organisation not in organisations[:2]]
    for organisation in others:
        _assess(organisation, year=year, chances=CHANCES[organisation.pk % 2], seed=f"{organisation.pk}-{year}")
    return {
        "auto-évaluations sur deux ans": [organisation.name for organisation in organisations[:2]],
        "autres structures évaluées cette année": len(others),
    }
