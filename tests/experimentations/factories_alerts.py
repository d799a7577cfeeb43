"""Tools and alerts for the alerts' tests. Tools are published through the declared
workflow; `published_at` is then set to the moment the test needs."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from experimentations.models import FinancialTool, FinancialToolTransition, Instrument, ToolAlert
from experimentations.workflows import TOOL_WORKFLOW
from lib.tokens import new_token
from tests.annuaire.factories import OrganisationFactory

_numbers = count(1)


def make_tool(*, published_ago=timedelta(hours=1), status="publie", provider=None, **fields) -> FinancialTool:
    number = next(_numbers)
    fields.setdefault("name", f"Prêt solidaire n°{number}")
    fields.setdefault("slug", f"pret-solidaire-{number}")
    fields.setdefault("instrument", Instrument.HONOUR_LOAN)
    fields.setdefault("summary", "Un prêt sans intérêt pour lancer votre projet.")
    tool = FinancialTool.objects.create(provider=provider or OrganisationFactory(), **fields)
    if status in ("publie", "archive"):
        TOOL_WORKFLOW.apply(tool, "publie", log_model=FinancialToolTransition)
        FinancialTool.objects.filter(pk=tool.pk).update(published_at=timezone.now() - published_ago)
    if status == "archive":
        TOOL_WORKFLOW.apply(tool, "archive", log_model=FinancialToolTransition)
    tool.refresh_from_db()
    return tool


def make_call(*, closes_in: timedelta | None = None, closes_at=None, **fields) -> FinancialTool:
    return make_tool(is_call=True, closes_at=closes_at or timezone.now() + closes_in, **fields)


def make_alert(
    email="lectrice@exemple.re", *, query="", tool=None, frequency="hebdomadaire", confirmed=True, watermark_ago=None
) -> ToolAlert:
    now = timezone.now()
    period = timedelta(days=1 if frequency == "quotidienne" else 7)
    return ToolAlert.objects.create(
        email=email,
        query=query,
        label="Financements : tous" if tool is None else f"Rappels de l'appel « {tool.name} »",
        tool=tool,
        frequency=frequency,
        token_hash=new_token()[1],
        consent_text="J'accepte.",
        consent_at=now,
        confirmed_at=now if confirmed else None,
        watermark=now - (watermark_ago if watermark_ago is not None else period),
    )
