"""The good-practices guide as data, and what an organisation does with it: answer the
questions of a theme (several members, each saving as they go), read its progress and its
score by theme, compare years, set improvement actions.

The questions live in appartenance/data/guide_bonnes_pratiques.toml (read once per process);
an answer refers to its question by the question's stable id, so a question removed from the
file leaves its old answers unread rather than wrong.
"""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from annuaire import selectors as directory
from annuaire.models import Organisation
from appartenance.models_guide import GuideAction, GuideAnswer, GuideAssessment

DATA_FILE = Path(__file__).resolve().parent / "data" / "guide_bonnes_pratiques.toml"
SCALE, NUMBER, TEXT = "echelle", "nombre", "texte"
POINTS = {GuideAnswer.Choice.YES: 2, GuideAnswer.Choice.PARTLY: 1, GuideAnswer.Choice.NO: 0}
MAX_TEXT = 2000


class GuideError(Exception):
    """A change refused, with its French message."""


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    unit: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    @property
    def scale_questions(self) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.type == SCALE)


@dataclass(frozen=True)
class Guide:
    source: str
    checked_on: str
    themes: tuple[Theme, ...]

    def theme(self, theme_id: str) -> Theme | None:
        return next((theme for theme in self.themes if theme.id == theme_id), None)

    @property
    def questions(self) -> dict[str, Question]:
        return {question.id: question for theme in self.themes for question in theme.questions}


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@cache
def guide(path: Path = DATA_FILE) -> Guide:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    themes = []
    for theme in data["theme"]:
        questions = tuple(
            Question(
                id=q["id"],
                type=q["type"],
                text=q["texte"],
                unit=q.get("unite", ""),
                minimum=_decimal(q.get("min")),
                maximum=_decimal(q.get("max")),
            )
            for q in theme["question"]
        )
        themes.append(Theme(id=theme["id"], title=theme["titre"], intro=theme["intro"], questions=questions))
    return Guide(source=data["source"], checked_on=data["verifie_le"], themes=tuple(themes))


# --- Who may: the organisation's members ------------------------------------------------------


def organisations_of(user):
    """The organisations whose guide the user fills: those they act for."""
    return directory.organisations_of(user)


def assessment_for(user, *, organisation_id: int, year: int) -> GuideAssessment | None:
    """The year's assessment of an organisation the user acts for (None otherwise: nobody
    learns what another organisation has)."""
    return (
        GuideAssessment.objects.filter(organisation_id=organisation_id, organisation__memberships__user=user, year=year)
        .select_related("organisation")
        .first()
    )


def start_assessment(*, organisation: Organisation, year: int | None = None) -> GuideAssessment:
    """The assessment of a year (this year by default), created if there is none yet."""
    year = year or timezone.localdate().year
    assessment, _created = GuideAssessment.objects.get_or_create(organisation=organisation, year=year)
    return assessment


# --- Answers ---------------------------------------------------------------------------------


def read_value(question: Question, raw: str) -> dict:
    """The fields of an answer from what was typed; GuideError with a French message."""
    raw = (raw or "").strip()
    if question.type == SCALE:
        if raw and raw not in GuideAnswer.Choice.values:
            raise GuideError("Choisissez oui, en partie, non ou je ne sais pas.")
        return {"choice": raw, "number": None, "text": ""}
    if question.type == NUMBER:
        if not raw:
            return {"choice": "", "number": None, "text": ""}
        try:
            number = Decimal(raw.replace(",", ".").replace("\u202f", "").replace(" ", ""))
        except InvalidOperation:
            raise GuideError("Indiquez un nombre, par exemple 42 ou 12,5.") from None
        if not number.is_finite() or (question.minimum is not None and number < question.minimum):
            raise GuideError(f"Indiquez un nombre d'au moins {question.minimum:g}.")
        if question.maximum is not None and number > question.maximum:
            raise GuideError(f"Indiquez un nombre d'au plus {question.maximum:g}.")
        return {"choice": "", "number": number.quantize(Decimal("0.01")), "text": ""}
    if len(raw) > MAX_TEXT:
        raise GuideError(f"La précision tient en {MAX_TEXT} caractères au plus.")
    return {"choice": "", "number": None, "text": raw.replace("\x00", "")}


@transaction.atomic
def save_answers(*, assessment: GuideAssessment, theme: Theme, values: dict[str, str], by) -> dict[str, str]:
    """Save the answers given for a theme's questions (only those present in `values`: a
    member saving one question leaves a colleague's other answers alone). Returns the French
    errors by question id; what is valid is saved even when another answer is not."""
    errors = {}
    # First, and locking the assessment's row: two saves at once (the script saving a question
    # while the form is sent) wait for each other, and the second sees what the first created.
    GuideAssessment.objects.filter(pk=assessment.pk).update(updated_at=timezone.now())
    existing = {answer.question: answer for answer in assessment.answers.filter(question__in=values)}
    for question in theme.questions:
        if question.id not in values:
            continue
        try:
            fields = read_value(question, values[question.id])
        except GuideError as error:
            errors[question.id] = str(error)
            continue
        answer = existing.get(question.id)
        if answer is None:
            if not any(fields.values()) and fields["number"] is None:
                continue  # nothing said, nothing to keep
            GuideAnswer.objects.create(assessment=assessment, question=question.id, updated_by=by, **fields)
        elif any(getattr(answer, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(answer, name, value)
            answer.updated_by = by
            answer.save()
    return errors


def answers_of(assessment: GuideAssessment) -> dict[str, GuideAnswer]:
    return {answer.question: answer for answer in assessment.answers.select_related("updated_by")}


@dataclass
class ThemeProgress:
    theme: Theme
    answered: int
    total: int
    score: int | None  # per cent of the points of the scale questions answered, None if none

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def _is_answered(answer: GuideAnswer | None) -> bool:
    return answer is not None and (bool(answer.choice) or answer.number is not None or bool(answer.text))


def progress(answers: dict[str, GuideAnswer]) -> list[ThemeProgress]:
    """Each theme's answered questions and score, from the answers (no query)."""
    result = []
    for theme in guide().themes:
        answered = sum(_is_answered(answers.get(question.id)) for question in theme.questions)
        scored = [
            POINTS[answers[q.id].choice]
            for q in theme.scale_questions
            if q.id in answers and answers[q.id].choice in POINTS
        ]
        score = round(100 * sum(scored) / (2 * len(scored))) if scored else None
        result.append(ThemeProgress(theme=theme, answered=answered, total=len(theme.questions), score=score))
    return result


def compare_years(organisation: Organisation) -> list[tuple[int, list[ThemeProgress]]]:
    """Each year's progress by theme, the latest first: two queries whatever the years."""
    assessments = list(GuideAssessment.objects.filter(organisation=organisation).order_by("-year"))
    by_assessment = {assessment.pk: {} for assessment in assessments}
    for answer in GuideAnswer.objects.filter(assessment__in=assessments):
        by_assessment[answer.assessment_id][answer.question] = answer
    return [(assessment.year, progress(by_assessment[assessment.pk])) for assessment in assessments]


# --- Improvement actions ---------------------------------------------------------------------


def save_action(*, assessment: GuideAssessment, values: dict, by, action: GuideAction | None = None) -> GuideAction:
    if guide().theme(values.get("theme", "")) is None:
        raise GuideError("Choisissez le thème de l'action.")
    action = action or GuideAction(assessment=assessment, created_by=by)
    for name in ("theme", "title", "owner", "due_on", "status"):
        if name in values:
            setattr(action, name, values[name])
    action.full_clean()
    action.save()
    return action
