"""The accessibility statement's figures, computed from the RGAA 4.1 self-assessment kept in
the repository (`cress/data/audit-rgaa.json`) against the 106 criteria of the reference
(`cress/data/rgaa-4.1-criteres.json`).

The RGAA method: on each page of the sample, each criterion is conforme (C), non conforme
(NC) or non applicable (NA). Over the sample, a criterion is NA when it is NA on every page,
NC when it is NC on at least one page, C otherwise. The compliance rate is C / (C + NC) over
the applicable criteria; the average rate is the mean of each page's own C / (C + NC).

The data is checked when it is loaded, and a mistake stops the page loudly instead of
publishing a wrong figure: an unknown or missing criterion, a result other than C, NC, NA,
an NC without a note saying what fails, two pages with one id.
"""

import enum
import functools
import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CRITERIA_FILE = DATA_DIR / "rgaa-4.1-criteres.json"
AUDIT_FILE = DATA_DIR / "audit-rgaa.json"
CRITERIA_COUNT = 106  # RGAA 4.1: 106 criteria in 13 themes
THEMES_COUNT = 13


class AuditDataError(ValueError):
    """The criteria or the audit results in the repository are incomplete or inconsistent."""


class Result(enum.StrEnum):
    CONFORME = "C"
    NON_CONFORME = "NC"
    NON_APPLICABLE = "NA"


class State(enum.StrEnum):
    TOTAL = "totalement conforme"
    PARTIAL = "partiellement conforme"
    NONE = "non conforme"


@dataclass(frozen=True)
class Criterion:
    number: str  # "1.1"
    title: str
    theme_number: int
    theme: str
    wcag: tuple[str, ...]

    @property
    def anchor(self) -> str:
        """Its id in the statement's pages: « critere-3-2 »."""
        return "critere-" + self.number.replace(".", "-")

    @property
    def sort_key(self) -> tuple[int, int]:
        theme, index = self.number.split(".")
        return int(theme), int(index)


@dataclass(frozen=True)
class SamplePage:
    id: str
    name: str
    url_name: str
    url_kwargs: dict
    audited_path: str
    dynamic: bool  # its address names a record (an organisation, an article, a private link)


@dataclass(frozen=True)
class PageResult:
    result: Result
    note: str = ""


@dataclass(frozen=True)
class Exclusion:
    """A derogation or a content not subject to the obligation, and why."""

    title: str
    reason: str


@dataclass(frozen=True)
class Audit:
    date: date
    auditor: str
    method: str
    technologies: tuple[str, ...]
    environment: tuple[str, ...]
    tools: tuple[str, ...]
    pages: tuple[SamplePage, ...]
    results: dict  # page id → {criterion number → PageResult}
    derogations: tuple[Exclusion, ...]
    exempt: tuple[Exclusion, ...]


@dataclass(frozen=True)
class Failure:
    """A criterion NC over the sample: the pages where it fails and what fails there."""

    criterion: Criterion
    notes: tuple[tuple[SamplePage, str], ...]


@dataclass(frozen=True)
class Statement:
    audit: Audit
    criteria: tuple[Criterion, ...]
    outcome: dict  # criterion number → Result over the sample
    rate: Decimal
    average_rate: Decimal
    state: State
    failures: tuple[Failure, ...]

    def count(self, result: Result) -> int:
        return sum(1 for value in self.outcome.values() if value == result)

    @property
    def conformes(self) -> int:
        return self.count(Result.CONFORME)

    @property
    def non_conformes(self) -> int:
        return self.count(Result.NON_CONFORME)

    @property
    def non_applicables(self) -> int:
        return self.count(Result.NON_APPLICABLE)

    @property
    def applicable(self) -> int:
        return self.conformes + self.non_conformes


# --- Loading and checking ------------------------------------------------------------------


def load_criteria(path: Path = CRITERIA_FILE) -> tuple[Criterion, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    criteria = []
    for theme in data["themes"]:
        for item in theme["criteria"]:
            if not item["number"].startswith(f"{theme['number']}."):
                raise AuditDataError(f"Critère {item['number']} rangé dans la thématique {theme['number']}.")
            criteria.append(
                Criterion(item["number"], item["title"], theme["number"], theme["name"], tuple(item["wcag"]))
            )
    numbers = [criterion.number for criterion in criteria]
    if len(set(numbers)) != len(numbers):
        raise AuditDataError("Un numéro de critère apparaît deux fois.")
    return tuple(criteria)


def _page_result(page_id: str, number: str, value) -> PageResult:
    if isinstance(value, str):
        value = {"result": value}
    if not isinstance(value, dict) or set(value) - {"result", "note"}:
        raise AuditDataError(f"Page {page_id}, critère {number} : résultat illisible ({value!r}).")
    try:
        result = Result(value.get("result"))
    except ValueError:
        raise AuditDataError(
            f"Page {page_id}, critère {number} : « {value.get('result')} » n'est pas C, NC ou NA."
        ) from None
    note = (value.get("note") or "").strip()
    if result == Result.NON_CONFORME and not note:
        raise AuditDataError(f"Page {page_id}, critère {number} : un critère non conforme dit ce qui échoue.")
    return PageResult(result, note)


def parse_audit(data: dict, criteria: tuple[Criterion, ...]) -> Audit:
    """The audit as data, checked against the criteria: every page has one result for each."""
    expected = {criterion.number for criterion in criteria}
    pages, results = [], {}
    for item in data["pages"]:
        page = SamplePage(
            id=item["id"],
            name=item["name"],
            url_name=item["url_name"],
            url_kwargs=item.get("url_kwargs", {}),
            audited_path=item["audited_path"],
            dynamic=item.get("dynamic", False),
        )
        if page.id in results:
            raise AuditDataError(f"Deux pages de l'échantillon ont l'identifiant « {page.id} ».")
        given = item["results"]
        missing, unknown = expected - set(given), set(given) - expected
        if missing or unknown:
            raise AuditDataError(
                f"Page {page.id} : critères manquants {sorted(missing)}, critères inconnus {sorted(unknown)}."
            )
        results[page.id] = {number: _page_result(page.id, number, value) for number, value in given.items()}
        pages.append(page)
    if not pages:
        raise AuditDataError("L'échantillon ne compte aucune page.")
    for kind in ("derogations", "exempt"):
        for item in data[kind]:
            if not item.get("title", "").strip() or not item.get("reason", "").strip():
                raise AuditDataError(f"Chaque élément de « {kind} » a un titre et une raison.")
    return Audit(
        date=date.fromisoformat(data["date"]),
        auditor=data["auditor"],
        method=data["method"],
        technologies=tuple(data["technologies"]),
        environment=tuple(data["environment"]),
        tools=tuple(data["tools"]),
        pages=tuple(pages),
        results=results,
        derogations=tuple(Exclusion(item["title"], item["reason"]) for item in data["derogations"]),
        exempt=tuple(Exclusion(item["title"], item["reason"]) for item in data["exempt"]),
    )


# --- The RGAA computation ------------------------------------------------------------------


def criterion_outcome(results: list[Result]) -> Result:
    """A criterion over the sample: NC on one page is NC; NA everywhere is NA; else C."""
    if Result.NON_CONFORME in results:
        return Result.NON_CONFORME
    if all(result == Result.NON_APPLICABLE for result in results):
        return Result.NON_APPLICABLE
    return Result.CONFORME


def percentage(conformes: int, non_conformes: int) -> Decimal:
    """C / (C + NC) in percent, rounded half up to one decimal; 100 when nothing applies."""
    applicable = conformes + non_conformes
    if applicable == 0:
        return Decimal("100.0")
    return (Decimal(100) * conformes / applicable).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compliance_state(rate: Decimal) -> State:
    if rate == 100:
        return State.TOTAL
    if rate >= 50:
        return State.PARTIAL
    return State.NONE


@dataclass(frozen=True)
class PageSummary:
    page: SamplePage
    conformes: int
    non_conformes: int
    non_applicables: int

    @property
    def rate(self) -> Decimal | None:
        """The page's own rate, unrounded; None when nothing applies on it."""
        applicable = self.conformes + self.non_conformes
        return Decimal(100) * self.conformes / applicable if applicable else None

    @property
    def rounded_rate(self) -> Decimal | None:
        return None if self.rate is None else percentage(self.conformes, self.non_conformes)


def page_summaries(audit: Audit) -> list[PageSummary]:
    summaries = []
    for page in audit.pages:
        results = [value.result for value in audit.results[page.id].values()]
        summaries.append(
            PageSummary(
                page,
                results.count(Result.CONFORME),
                results.count(Result.NON_CONFORME),
                results.count(Result.NON_APPLICABLE),
            )
        )
    return summaries


def build_statement(audit: Audit, criteria: tuple[Criterion, ...]) -> Statement:
    outcome = {
        criterion.number: criterion_outcome([audit.results[page.id][criterion.number].result for page in audit.pages])
        for criterion in criteria
    }
    outcomes = list(outcome.values())
    rate = percentage(outcomes.count(Result.CONFORME), outcomes.count(Result.NON_CONFORME))
    rated = [page.rate for page in page_summaries(audit) if page.rate is not None]
    average = (sum(rated) / len(rated)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if rated else Decimal("100.0")
    failures = tuple(
        Failure(
            criterion,
            tuple(
                (page, audit.results[page.id][criterion.number].note)
                for page in audit.pages
                if audit.results[page.id][criterion.number].result == Result.NON_CONFORME
            ),
        )
        for criterion in sorted(criteria, key=lambda criterion: criterion.sort_key)
        if outcome[criterion.number] == Result.NON_CONFORME
    )
    return Statement(audit, criteria, outcome, rate, average, compliance_state(rate), failures)


def load_statement(criteria_file: Path = CRITERIA_FILE, audit_file: Path = AUDIT_FILE) -> Statement:
    criteria = load_criteria(criteria_file)
    if len(criteria) != CRITERIA_COUNT or len({c.theme_number for c in criteria}) != THEMES_COUNT:
        raise AuditDataError(
            f"Le référentiel compte {len(criteria)} critères, "
            f"il en faut {CRITERIA_COUNT} en {THEMES_COUNT} thématiques."
        )
    audit = parse_audit(json.loads(audit_file.read_text(encoding="utf-8")), criteria)
    return build_statement(audit, criteria)


@functools.cache
def _statement_of(criteria_file: Path, audit_file: Path) -> Statement:
    return load_statement(criteria_file, audit_file)


def statement() -> Statement:
    """The published statement: the files ship with the code, read once per process."""
    return _statement_of(CRITERIA_FILE, AUDIT_FILE)
