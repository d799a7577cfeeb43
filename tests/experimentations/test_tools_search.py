"""experimentations.search.ToolFilters: the address's parameters → the published tools that
match (the list, the finder, the open data and the alerts share it)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from experimentations.models import FinancialTool, Instrument, Purpose
from experimentations.search import ToolFilters
from referentiels.models import TerritoryKind
from tests.experimentations.factories import FinancialToolFactory, commune, epci, region, territory

pytestmark = pytest.mark.django_db

REUNION = ZoneInfo("Indian/Reunion")
SAINT_DENIS, SAINT_PAUL, SAINT_PIERRE = "97411", "97415", "97416"
CINOR = "249740119"


def names(query: str = "", **kwargs) -> set[str]:
    return set(ToolFilters(QueryDict(query), **kwargs).tools().values_list("name", flat=True))


def test_only_published_tools_are_found():
    FinancialToolFactory(name="Publié")
    FinancialToolFactory(name="Brouillon", status="brouillon")
    FinancialToolFactory(name="Archivé", status="archive")
    assert names() == {"Publié"}


def test_full_text_ignores_accents_and_plurals():
    FinancialToolFactory(name="Garantie France Active", summary="Une garantie bancaire pour les entreprises solidaires")
    FinancialToolFactory(name="Prêt d'honneur", summary="Pour créer son activité")
    assert names("q=garanties") == {"Garantie France Active"}
    assert names("q=entreprise+solidaire") == {"Garantie France Active"}
    assert names("q=creer") == {"Prêt d'honneur"}
    assert names("q=pret+-garantie") == {"Prêt d'honneur"}  # websearch syntax


def test_a_commune_is_covered_by_no_territory_the_region_its_epci_or_itself():
    FinancialToolFactory(name="Partout")
    FinancialToolFactory(name="Région", territories=[region()])
    FinancialToolFactory(name="CINOR", territories=[epci(CINOR)])
    FinancialToolFactory(name="Saint-Paul", territories=[commune(SAINT_PAUL)])
    FinancialToolFactory(name="Arrondissement Sud", territories=[territory("9742", TerritoryKind.ARRONDISSEMENT)])
    assert names(f"commune={SAINT_DENIS}") == {"Partout", "Région", "CINOR"}
    assert names(f"commune={SAINT_PAUL}") == {"Partout", "Région", "Saint-Paul"}
    assert names(f"commune={SAINT_PIERRE}") == {"Partout", "Région", "Arrondissement Sud"}


def test_lists_left_empty_fit_every_answer():
    FinancialToolFactory(name="Ouvert à tous")
    FinancialToolFactory(
        name="Coopératives en création",
        stages=["creation"],
        families=["cooperative"],
        purposes=["investissement"],
        sectors=["C"],
    )
    FinancialToolFactory(name="Associations", legal_forms=["9220"])
    assert names("stage=creation") == {"Ouvert à tous", "Coopératives en création", "Associations"}
    assert names("stage=developpement") == {"Ouvert à tous", "Associations"}
    assert names("family=cooperative") == {"Ouvert à tous", "Coopératives en création"}
    assert names("family=association") == {"Ouvert à tous", "Associations"}
    assert names("legal_form=9220") == {"Ouvert à tous", "Associations"}
    assert names("sector=C") == {"Ouvert à tous", "Coopératives en création", "Associations"}
    assert names("sector=q") == {"Ouvert à tous", "Associations"}  # written in lower case
    assert names("purpose=tresorerie") == {"Ouvert à tous", "Associations"}


def test_a_legal_form_fits_a_tool_open_to_its_family():
    FinancialToolFactory(name="Pour les SCOP", families=["cooperative"])
    FinancialToolFactory(name="Pour les associations", families=["association"])
    assert names("legal_form=5458") == {"Pour les SCOP"}  # SCOP (SA)


def test_amount_within_the_range():
    FinancialToolFactory(name="Petit", amount_min=1000, amount_max=10000)
    FinancialToolFactory(name="Grand", amount_min=50000)
    FinancialToolFactory(name="Sans montant")
    assert names("amount=5000") == {"Petit", "Sans montant"}
    assert names("amount=10000") == {"Petit", "Sans montant"}
    assert names("amount=80000") == {"Grand", "Sans montant"}


def test_closed_calls_and_exhausted_budgets_are_hidden_unless_asked():
    now = datetime(2026, 12, 3, 23, 59, tzinfo=REUNION)
    FinancialToolFactory(name="Ouvert", is_call=True, closes_at=now + timedelta(minutes=1))
    FinancialToolFactory(name="Clos", is_call=True, closes_at=now - timedelta(minutes=1))
    FinancialToolFactory(name="Épuisé", budget_exhausted=True)
    FinancialToolFactory(name="Permanent")
    assert names(now=now) == {"Ouvert", "Permanent"}
    assert names("appels=1", now=now) == {"Ouvert"}
    assert names("clos=1", now=now) == {"Ouvert", "Clos", "Épuisé", "Permanent"}
    assert names("appels=1&clos=1", now=now) == {"Ouvert", "Clos"}


def test_instrument():
    FinancialToolFactory(name="Garantie", instrument=Instrument.GUARANTEE)
    FinancialToolFactory(name="Subvention", instrument=Instrument.GRANT)
    assert names("instrument=garantie") == {"Garantie"}


def test_what_is_not_understood_is_left_out_and_said_in_french():
    FinancialToolFactory(name="Outil")
    for query in (
        "instrument=fusee",
        "stage=%00",
        "commune=75056",
        "commune=97499",
        "sector=ZZ",
        "sector=Z",
        "legal_form=abcd",
        "legal_form=0000",
        "amount=beaucoup",
        "amount=-5",
        "family=club",
        "purpose=" + "x" * 500,
    ):
        filters = ToolFilters(QueryDict(query))
        assert set(filters.tools().values_list("name", flat=True)) == {"Outil"}, query
        messages = filters.error_messages()
        assert len(messages) == 1, (query, messages)
        [message] = messages
        assert any(word in message for word in ("choisissez", "code", "montant", "secteur", "La Réunion")), message
        assert filters.querystring() == ""


def test_querystring_is_normalised_and_describe_says_the_search():
    filters = ToolFilters(
        QueryDict(f"page=3&amount=15000&commune={SAINT_PAUL}&instrument=pret_honneur&q=  emploi   local &appels=on")
    )
    assert filters.querystring() == f"q=emploi+local&instrument=pret_honneur&commune={SAINT_PAUL}&amount=15000&appels=1"
    assert filters.describe() == (
        "Appels à projets : prêt d'honneur, à Saint-Paul, pour 15\u202f000 €, mots-clés « emploi local »"
    )
    assert ToolFilters(QueryDict("")).describe() == "Financements : tous"
    again = ToolFilters(QueryDict(filters.querystring()))
    assert again.querystring() == filters.querystring()


def test_purpose_label_in_describe():
    assert "Renforcer la trésorerie" in ToolFilters(QueryDict(f"purpose={Purpose.CASH}")).describe()


def test_the_search_does_a_constant_number_of_queries(django_assert_max_num_queries):
    for index in range(5):
        FinancialToolFactory(name=f"Outil {index}", territories=[region()], legal_forms=["9220"], sectors=["Q"])
    query = f"commune={SAINT_DENIS}&legal_form=9220&sector=Q&stage=creation&family=association&amount=100"
    with django_assert_max_num_queries(4):
        assert len(list(ToolFilters(QueryDict(query)).tools())) == 5
    assert FinancialTool.objects.count() == 5
