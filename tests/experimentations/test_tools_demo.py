"""The demo's financial tools (seed_demo calls seed_tools)."""

import pytest

from experimentations.demo_tools import seed_tools
from experimentations.models import FinancialTool, FinancialToolTransition

pytestmark = pytest.mark.django_db


def test_about_thirty_tools_three_open_calls_and_idempotent():
    seed_tools()
    published = FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED)
    assert 25 <= published.count() <= 35
    assert published.filter(is_call=True).count() == 3
    assert FinancialTool.objects.filter(status=FinancialTool.Status.DRAFT).count() == 1
    assert FinancialTool.objects.filter(status=FinancialTool.Status.ARCHIVED).count() == 1
    assert {tool.provider.name for tool in published} >= {"France Active Réunion", "Initiative Réunion", "ADIE Réunion"}
    logs = FinancialToolTransition.objects.count()
    seed_tools()
    assert FinancialToolTransition.objects.count() == logs
