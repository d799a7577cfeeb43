"""The calls' deadlines in the agenda (lib.agenda) and the « financement » need resource."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from experimentations import agenda as tools_agenda
from lib import agenda
from lib.need_resources import resources_for
from tests.experimentations.factories import FinancialToolFactory, commune, epci

pytestmark = pytest.mark.django_db

REUNION = ZoneInfo("Indian/Reunion")


def test_the_calls_closing_in_a_period_and_territory_are_agenda_items():
    closes = datetime(2026, 12, 15, 12, 0, tzinfo=REUNION)
    FinancialToolFactory(name="Appel Nord", is_call=True, closes_at=closes, territories=[epci("249740119")])
    FinancialToolFactory(name="Appel partout", is_call=True, closes_at=closes)
    FinancialToolFactory(name="Permanent")
    FinancialToolFactory(name="Appel brouillon", is_call=True, closes_at=closes, status="brouillon")
    start, end = datetime(2026, 12, 1, tzinfo=REUNION), datetime(2027, 1, 1, tzinfo=REUNION)
    titles = {item.title for item in agenda.items(start=start, end=end, kind=tools_agenda.AGENDA_KIND)}
    assert titles == {"Clôture : Appel Nord", "Clôture : Appel partout"}
    saint_paul = {item.title for item in tools_agenda.agenda_items(start, end, commune("97415"))}
    assert saint_paul == {"Clôture : Appel partout"}
    saint_denis = {item.title for item in tools_agenda.agenda_items(start, end, commune("97411"))}
    assert saint_denis == {"Clôture : Appel Nord", "Clôture : Appel partout"}
    assert tools_agenda.agenda_items(end, None, None) == []
    assert (tools_agenda.AGENDA_KIND, tools_agenda.AGENDA_KIND_LABEL) in agenda.kinds()


def test_the_funding_need_leads_to_the_finder():
    assert any(resource.url == "/financer-et-acheter/trouver/" for resource in resources_for(["financement"]))
