"""« Mon entreprise fait-elle partie de l'ESS ? »: the rules (appartenance/data/regles_ess.toml)
applied to a person's answers.

Pure rules, no database: each condition is met, not met or unknown, with its article, the
summary of its text, what would have to change, or what to check. The verdict follows the
law: a cooperative, a mutual, a foundation or an association is of the ESS by its legal form
(loi n° 2014-856, art. 1er II 1°); a commercial company is when its statutes meet every
condition (art. 1er I and II 2°); an ESS company may ask for the ESUS agreement when it meets
those of article L3332-17-1 of the Code du travail. A change in the law is a change in the
data file alone.
"""

import datetime
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import models

from lib.legal_form_kinds import LegalFormKind

RULES_FILE = Path(__file__).resolve().parent / "data" / "regles_ess.toml"


class Answer(models.TextChoices):
    YES = "oui", "Oui"
    NO = "non", "Non"
    UNKNOWN = "nsp", "Je ne sais pas"


class Status(models.TextChoices):
    MET = "rempli", "Remplie"
    NOT_MET = "non_rempli", "Non remplie"
    UNKNOWN = "inconnu", "Inconnu"


class Group(models.TextChoices):
    COMPANY = "societe", "Conditions d'une société commerciale de l'ESS"
    ESUS = "esus", "Conditions de l'agrément ESUS"


class FormStatus(models.TextChoices):
    """What a legal form says by itself."""

    ESS = "rempli", "De l'ESS par sa forme"
    NOT_ESS = "non_rempli", "Hors de l'ESS"
    CONDITIONS = "conditions", "De l'ESS sous conditions"
    UNKNOWN = "inconnu", "À vérifier"


class Verdict(models.TextChoices):
    ESS_BY_FORM = "ess_forme", "Votre structure fait partie de l'ESS par sa forme juridique"
    ESS_COMPANY = "ess_societe", "Votre société fait partie de l'ESS : société commerciale de l'ESS"
    NOT_ESS = "hors_ess", "Votre structure ne fait pas partie de l'ESS en l'état"
    UNKNOWN = "inconnu", "Impossible de conclure : des conditions restent à vérifier"


class EsusVerdict(models.TextChoices):
    POSSIBLE = "possible", "Vous pouvez demander l'agrément ESUS"
    NOT_POSSIBLE = "non", "L'agrément ESUS n'est pas ouvert en l'état"
    TO_CHECK = "a_verifier", "L'agrément ESUS reste à vérifier"


@dataclass(frozen=True)
class LegalFormRule:
    id: str
    label: str
    status: FormStatus
    intake_kind: str  # the intake request's legal form kind (lib.legal_form_kinds)
    article: str
    summary: str
    advice: str
    checked_on: datetime.date | None  # None: the official text was not found, the rule is not verified
    source: str = ""  # the text consulted, with its version date


@dataclass(frozen=True)
class Question:
    id: str
    group: Group
    text: str


@dataclass(frozen=True)
class Rule:
    id: str
    group: Group
    title: str
    questions: tuple[str, ...]
    article: str
    summary: str
    advice: str  # what would have to change when it is not met
    to_check: str  # what to check when it is unknown
    checked_on: datetime.date | None  # None: the official text was not found, the rule is not verified
    source: str = ""  # the text consulted, with its version date


@dataclass(frozen=True)
class Rules:
    forms: tuple[LegalFormRule, ...]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]

    def form(self, form_id: str) -> LegalFormRule:
        return next(form for form in self.forms if form.id == form_id)

    def in_group(self, group: Group) -> list[Rule]:
        return [rule for rule in self.rules if rule.group == group]

    def questions_in(self, group: Group) -> list[Question]:
        return [question for question in self.questions if question.group == group]


def _checked_on(item: dict) -> datetime.date | None:
    """The date a rule was checked on its official text; none when it was not (the page says so).
    A verified rule names the text it was checked on."""
    checked_on = item.get("verifie_le")
    if checked_on is not None and not (isinstance(checked_on, datetime.date) and item.get("source", "").strip()):
        raise ValueError(f"Rule {item['id']!r}: « verifie_le » must be a date, with the « source » consulted")
    return checked_on


def parse_rules(text: str) -> Rules:
    """The rules of a TOML text; a rule naming an unknown question, group or status fails here."""
    data = tomllib.loads(text)
    forms = tuple(
        LegalFormRule(
            id=item["id"],
            label=item["libelle"],
            status=FormStatus(item["statut"]),
            intake_kind=LegalFormKind(item["demande"]).value,
            article=item["article"],
            summary=item["resume"],
            advice=item["conseil"],
            checked_on=_checked_on(item),
            source=item.get("source", ""),
        )
        for item in data["formes"]
    )
    questions = tuple(
        Question(id=item["id"], group=Group(item["groupe"]), text=item["texte"]) for item in data["questions"]
    )
    known = {question.id for question in questions}
    rules = []
    for item in data["regles"]:
        unknown = set(item["questions"]) - known
        if unknown or not item["questions"]:
            raise ValueError(f"Rule {item['id']!r}: unknown questions {sorted(unknown)}")
        rules.append(
            Rule(
                id=item["id"],
                group=Group(item["groupe"]),
                title=item["titre"],
                questions=tuple(item["questions"]),
                article=item["article"],
                summary=item["resume"],
                advice=item["conseil"],
                to_check=item["a_verifier"],
                checked_on=_checked_on(item),
                source=item.get("source", ""),
            )
        )
    return Rules(forms=forms, questions=questions, rules=tuple(rules))


@cache
def load_rules() -> Rules:
    """The rules of the data file, read once per process."""
    return parse_rules(RULES_FILE.read_text(encoding="utf-8"))


def reload_rules() -> None:
    """Forget the rules read: the next page reads the file again (the benchmark's cold path)."""
    load_rules.cache_clear()


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    status: Status

    @property
    def explanation(self) -> str:
        """What the result page says under the condition: its text when met, what would have
        to change when not, what to check when unknown."""
        if self.status == Status.MET:
            return self.rule.summary
        return self.rule.advice if self.status == Status.NOT_MET else self.rule.to_check


@dataclass(frozen=True)
class Result:
    form: LegalFormRule
    conditions: list[Outcome]  # a commercial company's conditions; empty for the other forms
    verdict: Verdict
    esus: list[Outcome]
    esus_verdict: EsusVerdict

    @property
    def is_ess(self) -> bool:
        return self.verdict in {Verdict.ESS_BY_FORM, Verdict.ESS_COMPANY}

    @property
    def to_check(self) -> list[Outcome]:
        return [outcome for outcome in [*self.conditions, *self.esus] if outcome.status == Status.UNKNOWN]

    def summary(self) -> str:
        """One line for the intake request's staff: the form, the verdict, the conditions not met."""
        missing = [outcome.rule.title for outcome in self.conditions if outcome.status != Status.MET]
        parts = [f"Autodiagnostic ESS : {self.form.label} — {self.verdict.label}", self.esus_verdict.label]
        if missing:
            parts.append("à revoir : " + ", ".join(missing))
        return " ; ".join(parts) + "."


def rule_status(rule: Rule, answers: dict[str, str]) -> Status:
    given = [answers.get(question, Answer.UNKNOWN) for question in rule.questions]
    if Answer.NO in given:
        return Status.NOT_MET
    return Status.MET if all(answer == Answer.YES for answer in given) else Status.UNKNOWN


def _overall(statuses: list[Status]) -> Status:
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    return Status.MET if all(status == Status.MET for status in statuses) else Status.UNKNOWN


def evaluate(form_id: str, answers: dict[str, str], rules: Rules | None = None) -> Result:
    """The result for a legal form (a `formes` id) and the answers (question id → Answer value).
    A question left out is « je ne sais pas »; a commercial company's answers count only for one."""
    rules = rules or load_rules()
    form = rules.form(form_id)
    conditions = []
    if form.status == FormStatus.CONDITIONS:
        conditions = [Outcome(rule, rule_status(rule, answers)) for rule in rules.in_group(Group.COMPANY)]
    verdict = {
        FormStatus.ESS: Verdict.ESS_BY_FORM,
        FormStatus.NOT_ESS: Verdict.NOT_ESS,
        FormStatus.UNKNOWN: Verdict.UNKNOWN,
    }.get(form.status)
    if verdict is None:
        verdict = {Status.MET: Verdict.ESS_COMPANY, Status.NOT_MET: Verdict.NOT_ESS, Status.UNKNOWN: Verdict.UNKNOWN}[
            _overall([outcome.status for outcome in conditions])
        ]
    esus = [Outcome(rule, rule_status(rule, answers)) for rule in rules.in_group(Group.ESUS)]
    # The agreement is open to ESS companies only (art. L3332-17-1, I: « qui relève de l'article 1er »).
    esus_overall = _overall(
        [outcome.status for outcome in esus]
        + [{Verdict.NOT_ESS: Status.NOT_MET, Verdict.UNKNOWN: Status.UNKNOWN}.get(verdict, Status.MET)]
    )
    esus_verdict = {
        Status.MET: EsusVerdict.POSSIBLE,
        Status.NOT_MET: EsusVerdict.NOT_POSSIBLE,
        Status.UNKNOWN: EsusVerdict.TO_CHECK,
    }[esus_overall]
    return Result(form=form, conditions=conditions, verdict=verdict, esus=esus, esus_verdict=esus_verdict)
