"""The public pages of the financial tools: hub, list, tool page, finder, open data."""

import csv
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from experimentations.models import Instrument
from tests.annuaire.factories import OrganisationFactory
from tests.experimentations.factories import FinancialToolFactory, commune, epci, region

pytestmark = pytest.mark.django_db

REUNION = ZoneInfo("Indian/Reunion")


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', html)


def test_the_hub_replaces_the_coming_soon_page(client):
    FinancialToolFactory(name="Appel Innovation sociale", is_call=True, closes_at=datetime(2099, 1, 1, tzinfo=REUNION))
    response = client.get("/financer-et-acheter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Appel Innovation sociale" in html
    assert reverse("experimentations:finder") in html
    assert "bientôt disponible" not in html


def test_the_list_filters_and_counts(client):
    FinancialToolFactory(name="Garantie France Active", instrument=Instrument.GUARANTEE)
    FinancialToolFactory(name="Prêt d'honneur Initiative")
    html = client.get("/financer-et-acheter/outils/", {"instrument": "garantie"}).content.decode()
    assert card_titles(html) == ["Garantie France Active"]
    assert "1 outil" in html


def test_bad_parameters_are_said_in_french_never_an_error(client):
    FinancialToolFactory(name="Outil")
    response = client.get("/financer-et-acheter/outils/", {"commune": "75056", "amount": "beaucoup", "page": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "La Réunion" in html and "en chiffres" in html
    assert card_titles(html) == ["Outil"]


def test_tool_page_links_its_provider_and_says_budget_exhausted(client):
    provider = OrganisationFactory(name="France Active Réunion")
    tool = FinancialToolFactory(
        name="Garantie", provider=provider, budget_exhausted=True, description="<p>Texte <script>x</script></p>"
    )
    html = client.get(f"/financer-et-acheter/outils/{tool.slug}/").content.decode()
    assert reverse("annuaire:structure", args=[provider.slug]) in html
    assert "Budget épuisé" in html
    assert "<script>x" not in html
    assert client.get("/financer-et-acheter/outils/inconnu/").status_code == 404
    draft = FinancialToolFactory(status="brouillon")
    assert client.get(f"/financer-et-acheter/outils/{draft.slug}/").status_code == 404


def test_finder_ranks_with_reasons_and_what_is_missing(client):
    FinancialToolFactory(
        name="Pile poil", stages=["creation"], families=["association"], territories=[epci("249740119")]
    )
    FinancialToolFactory(name="Pour les coopératives", stages=["creation"], families=["cooperative"])
    FinancialToolFactory(name="Autre commune", territories=[commune("97415")])
    FinancialToolFactory(name="Selon le secteur", sectors=["Q"])
    html = client.get(
        "/financer-et-acheter/trouver/", {"stage": "creation", "family": "association", "commune": "97411"}
    ).content.decode()
    titles = card_titles(html)
    assert titles[0] == "Pile poil"
    assert "Autre commune" not in titles
    assert titles[-1] == "Pour les coopératives"
    assert "Couvre Saint-Denis" in html
    assert "Réservé à : Coopérative" in html
    assert "Précisez votre secteur d&#x27;activité" in html


def test_open_data_csv_and_json(client):
    FinancialToolFactory(name="=HYPERLINK(1)", amount_min=1000, amount_max=5000, territories=[region()])
    FinancialToolFactory(name="Brouillon", status="brouillon")
    response = client.get("/financer-et-acheter/outils/donnees.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][1] == "Nom" and len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(1)"
    data = json.loads(client.get("/financer-et-acheter/outils/donnees.json").content)
    assert "Licence Ouverte" in data["licence"]
    [tool] = data["outils"]
    assert tool["montant_min"] == 1000 and tool["territoires"] == ["04"]


def test_closing_soon_and_closed_around_midnight_reunion(client, settings):
    from experimentations.selectors_tools import call_state

    closes = datetime(2026, 12, 31, 23, 59, tzinfo=REUNION)
    tool = FinancialToolFactory(is_call=True, closes_at=closes)
    assert call_state(tool, datetime(2026, 12, 1, 0, 0, tzinfo=REUNION)).code == "cloture_proche"  # 30 days before
    assert call_state(tool, datetime(2026, 11, 30, 23, 59, tzinfo=REUNION)).code == "ouvert"
    assert call_state(tool, closes - timedelta(seconds=1)).words == "clôture aujourd'hui à 23:59"
    assert call_state(tool, closes).code == "clos"
    midnight = FinancialToolFactory(is_call=True, closes_at=datetime(2027, 1, 1, 0, 0, tzinfo=REUNION))
    # 23:30 in Réunion on 31 December is 19:30 UTC: the closing is « demain » in Réunion.
    assert call_state(midnight, datetime(2026, 12, 31, 23, 30, tzinfo=REUNION)).words == "clôture demain à 00:00"
