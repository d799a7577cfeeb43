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


def check_tool(tool: FinancialTool) -> None:
    """The rules of a tool, in French (the database's constraints say the same)."""
    errors = {}
    if tool.is_call and tool.closes_at is None:
        errors["closes_at"] = "Un appel à projets a une date et une heure de clôture : indiquez-les."
    if tool.amount_min is not None and tool.amount_max is not None and tool.amount_min > tool.amount_max:
        errors["amount_max"] = "Le montant maximum doit être supérieur ou égal au montant minimum."
    if tool.opens_on and tool.closes_at and tool.opens_on > timezone.localdate(tool.closes_at):
        errors["closes_at"] = "La clôture doit venir après l'ouverture."
    if errors:
        raise ValidationError(errors)


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
