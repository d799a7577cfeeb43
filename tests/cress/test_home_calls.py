"""The home page's block of the calls for projects closing first (experimentations): the next
three open calls, in Réunion time; a call leaves the (cached) page the moment it closes."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cress.views import _calls_block
from tests.annuaire.factories import OrganisationFactory
from tests.experimentations.factories import FinancialToolFactory

pytestmark = pytest.mark.django_db

REUNION = ZoneInfo("Indian/Reunion")


def call_titles(html: str) -> list[str]:
    block = html.split('id="titre-appels"', 1)[1] if 'id="titre-appels"' in html else ""
    return re.findall(r'class="stretched-link text-decoration-none" href="/financer-et-acheter/[^"]+">([^<]+)<', block)


def test_the_home_page_shows_the_three_calls_closing_first_with_their_provider_and_deadline(client):
    now = timezone.now()
    provider = OrganisationFactory(name="Région Réunion")
    for days, name in ((9, "Appel C"), (3, "Appel A"), (20, "Appel D"), (5, "Appel B")):
        FinancialToolFactory(name=name, provider=provider, is_call=True, closes_at=now + timedelta(days=days))
    FinancialToolFactory(name="Appel clos", is_call=True, closes_at=now - timedelta(hours=1))
    FinancialToolFactory(name="Appel épuisé", is_call=True, budget_exhausted=True, closes_at=now + timedelta(days=1))
    FinancialToolFactory(name="Appel brouillon", status="brouillon", is_call=True, closes_at=now + timedelta(days=1))
    FinancialToolFactory(name="Prêt permanent", closes_at=None)
    html = client.get("/").content.decode()
    assert call_titles(html) == ["Appel A", "Appel B", "Appel C"]
    assert "Région Réunion" in html
    assert "Clôture le " in html and "(dans 3 jours)" in html
    assert 'href="/financer-et-acheter/outils/?appels=1"' in html


def test_no_block_when_no_call_is_open(client):
    FinancialToolFactory(name="Appel clos", is_call=True, closes_at=timezone.now() - timedelta(days=1))
    html = client.get("/").content.decode()
    assert 'id="titre-appels"' not in html and "Appel clos" not in html


def test_around_midnight_reunion_time_a_call_closing_at_midnight_leaves_at_midnight():
    FinancialToolFactory(name="Appel de minuit", is_call=True, closes_at=datetime(2027, 1, 1, 0, 0, tzinfo=REUNION))
    FinancialToolFactory(name="Appel du lendemain", is_call=True, closes_at=datetime(2027, 1, 1, 0, 1, tzinfo=REUNION))
    before = _calls_block(datetime(2026, 12, 31, 23, 59, 59, tzinfo=REUNION))
    assert call_titles(before) == ["Appel de minuit", "Appel du lendemain"]
    assert "Clôture demain à 00:00" in before
    at_midnight = _calls_block(datetime(2027, 1, 1, 0, 0, tzinfo=REUNION))
    assert call_titles(at_midnight) == ["Appel du lendemain"]
    assert "Clôture aujourd&#x27;hui à 00:01" in at_midnight or "Clôture aujourd'hui à 00:01" in at_midnight
    # 23:59 UTC on 31 December is already 1 January, 03:59, in Réunion: both are closed.
    assert call_titles(_calls_block(datetime(2026, 12, 31, 23, 59, tzinfo=ZoneInfo("UTC")))) == []


def test_a_call_leaves_the_cached_home_page_the_moment_it_closes(client):
    closes = timezone.now() + timedelta(seconds=2)
    FinancialToolFactory(name="Appel express", is_call=True, closes_at=closes)
    FinancialToolFactory(name="Appel durable", is_call=True, closes_at=closes + timedelta(days=30))
    assert call_titles(client.get("/").content.decode()) == ["Appel express", "Appel durable"]
    assert call_titles(client.get("/").content.decode()) == ["Appel express", "Appel durable"]  # cached
    time.sleep(max(0.0, (closes - timezone.now()).total_seconds()) + 0.2)
    assert call_titles(client.get("/").content.decode()) == ["Appel durable"]
