"""Writes on the financial tools: save one (rich text made safe, rules checked) and move it
through TOOL_WORKFLOW. The admin, the demo and the tests call these; nothing else assigns
`status` or `published_at`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from experimentations.models import FinancialTool, FinancialToolTransition
from experimentations.workflows import TOOL_WORKFLOW
from lib.richtext import clean_html


def clean_tool_text(tool: FinancialTool) -> None:
    """The rich text fields, sanitised (lib.richtext)."""
    tool.description = clean_html(tool.description)
    tool.conditions = clean_html(tool.conditions)


def tool_problems(*, is_call, closes_at, amount_min, amount_max, opens_on) -> dict[str, str]:
    """What is wrong with a tool's deadline and amounts, by field, in French (the database's
    constraints say the same; the admin form shows these)."""
    problems = {}
    if is_call and closes_at is None:
        problems["closes_at"] = "Un appel à projets a une date et une heure de clôture : indiquez-les."
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        problems["amount_max"] = "Le montant maximum doit être supérieur ou égal au montant minimum."
    if opens_on and closes_at and opens_on > timezone.localdate(closes_at):
        problems["closes_at"] = "La clôture doit venir après l'ouverture."
    return problems


def check_tool(tool: FinancialTool) -> None:
    problems = tool_problems(
        is_call=tool.is_call,
        closes_at=tool.closes_at,
        amount_min=tool.amount_min,
        amount_max=tool.amount_max,
        opens_on=tool.opens_on,
    )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_tool(*, tool: FinancialTool, legal_forms=None, sectors=None, territories=None) -> FinancialTool:
    """Check and save a tool (French errors: a call without a deadline, min above max), with
    its eligible legal forms, sectors and territories when given."""
    clean_tool_text(tool)
    check_tool(tool)
    tool.full_clean()
    tool.save()
    if legal_forms is not None:
        tool.legal_forms.set(legal_forms)
    if sectors is not None:
        tool.sectors.set(sectors)
    if territories is not None:
        tool.territories.set(territories)
    return tool


def move_tool(tool: FinancialTool, target: str, *, by=None, comment: str = "") -> FinancialToolTransition:
    """Move a tool to `target` as declared (TOOL_WORKFLOW). Publishing records when it was
    first published (the alerts' « nouveautés » count from it)."""
    changes = {}
    if target == FinancialTool.Status.PUBLISHED and tool.published_at is None:
        changes["published_at"] = timezone.now()
    return TOOL_WORKFLOW.apply(tool, target, log_model=FinancialToolTransition, by=by, comment=comment, changes=changes)
