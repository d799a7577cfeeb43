"""The financial tools' admin: buttons of TOOL_WORKFLOW, one log row per change, French errors."""

import pytest
from django.urls import reverse

from experimentations.models import FinancialTool, FinancialToolTransition
from experimentations.services_tools import move_tool
from experimentations.workflows import TOOL_WORKFLOW
from lib.workflow import TransitionNotAllowed
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory
from tests.experimentations.factories import FinancialToolFactory

pytestmark = pytest.mark.django_db

STATES = FinancialTool.Status.values


@pytest.mark.parametrize("source", STATES)
@pytest.mark.parametrize("target", STATES)
def test_every_transition_is_allowed_or_refused_as_declared(source, target):
    tool = FinancialToolFactory(status="brouillon")
    if source == "publie":
        move_tool(tool, "publie")
    elif source == "archive":
        move_tool(tool, "archive")
    before = FinancialToolTransition.objects.filter(subject=tool).count()
    declared = any(t.source == source and t.target == target for t in TOOL_WORKFLOW.transitions)
    if declared:
        move_tool(tool, target)
        tool.refresh_from_db()
        assert tool.status == target
        assert FinancialToolTransition.objects.filter(subject=tool).count() == before + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            move_tool(tool, target)
        tool.refresh_from_db()
        assert tool.status == source
        assert FinancialToolTransition.objects.filter(subject=tool).count() == before


def test_publishing_sets_published_at_once():
    tool = FinancialToolFactory(status="brouillon")
    assert tool.published_at is None
    move_tool(tool, "publie")
    first = FinancialTool.objects.get(pk=tool.pk).published_at
    assert first is not None
    move_tool(tool, "brouillon")
    move_tool(tool, "publie")
    assert FinancialTool.objects.get(pk=tool.pk).published_at == first


@pytest.fixture
def staff_client(client):
    from tests.helpers.auth import login_as

    login_as(client, StaffFactory(role="Partenariats", email="pa@exemple.re"))
    return client


def test_the_buttons_publish_and_archive(staff_client):
    tool = FinancialToolFactory(status="brouillon")
    page = staff_client.get(reverse("admin:experimentations_financialtool_change", args=[tool.pk])).content.decode()
    assert "Publier" in page
    staff_client.post(
        reverse("admin:experimentations_financialtool_transition", args=[tool.pk, "publie"]), {"comment": "Relu."}
    )
    tool.refresh_from_db()
    assert tool.status == "publie" and tool.published_at
    log = FinancialToolTransition.objects.get(subject=tool)
    assert log.comment == "Relu." and log.by.email == "pa@exemple.re"
    response = staff_client.post(
        reverse("admin:experimentations_financialtool_transition", args=[tool.pk, "publie"]), follow=True
    )
    assert "Transition refusée" in response.content.decode()
    assert (
        staff_client.get(reverse("admin:experimentations_financialtool_changelist"), {"cloture": "proche"}).status_code
        == 200
    )


def test_the_form_says_in_french_a_call_needs_a_deadline_and_min_below_max(staff_client):
    provider = OrganisationFactory()
    data = {
        "name": "Appel", "slug": "appel", "provider": provider.pk, "instrument": "subvention", "summary": "Un appel.",
        "is_call": "on", "recurrence": "ponctuel", "amount_min": "5000", "amount_max": "100",
        "description": "<p>Bonjour<script>alert(1)</script></p>",
        "financialtooltransition_set-TOTAL_FORMS": "0", "financialtooltransition_set-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = staff_client.post(reverse("admin:experimentations_financialtool_add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Un appel à projets a une date et une heure de clôture" in html
    assert "Le montant maximum doit être supérieur ou égal au montant minimum" in html
    data.update({"amount_max": "50000", "closes_at_0": "31/12/2026", "closes_at_1": "23:59"})
    response = staff_client.post(reverse("admin:experimentations_financialtool_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    tool = FinancialTool.objects.get(slug="appel")
    assert tool.status == "brouillon"
    assert "<script>" not in tool.description
