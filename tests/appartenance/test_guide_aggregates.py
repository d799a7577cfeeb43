"""Anonymised good-practice counts for the observatory (issue 20, point 4): the registry's
contract with a fake source, appartenance's source on its own (counts, never a name), the
observatory's page hiding small cells and what would recompute them, constant queries."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appartenance import aggregates
from lib import practice_aggregates
from lib.practice_aggregates import PracticeCount, PracticeSource
from observatoire import practices
from referentiels.models import Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory
from tests.appartenance.factories import make_assessment

pytestmark = pytest.mark.django_db

YEAR = 2026
YES_YES = {"gouvernance.instances": "oui", "gouvernance.salaries": "oui"}
NO_NO = {"gouvernance.instances": "non", "gouvernance.salaries": "partiel"}


def epcis():
    return list(Territory.objects.filter(kind=TerritoryKind.EPCI).order_by("code"))


def commune_of(epci):
    return Territory.objects.filter(kind=TerritoryKind.COMMUNE, parent=epci).order_by("code").first()


def organisations(epci, count, *, answers=YES_YES, name="Association"):
    result = []
    for number in range(count):
        organisation = OrganisationFactory(name=f"{name} {epci.code} n°{number}", commune=commune_of(epci))
        make_assessment(organisation, year=YEAR, answers=answers, actions=0)
        result.append(organisation)
    return result


@pytest.fixture
def fake_source():
    """A source that is not appartenance: the page must show what any source offers."""
    first, second = epcis()[:2]
    counts = [
        PracticeCount(theme="t1", family="association", territory=first.code, organisations=10, practising=4),
        PracticeCount(theme="t1", family="association", territory=second.code, organisations=2, practising=2),
        PracticeCount(theme="t1", family="cooperative", territory=first.code, organisations=6, practising=3),
        PracticeCount(theme="t3", family="association", territory=first.code, organisations=10, practising=4),
        PracticeCount(theme="t3", family="association", territory=second.code, organisations=8, practising=8),
    ]
    source = PracticeSource(
        name="essai",
        title="Source d'essai",
        themes=lambda: [("t1", "Thème d'essai"), ("t2", "Thème sans réponse"), ("t3", "Thème sans secret")],
        years=lambda: [YEAR, YEAR - 1],
        counts=lambda year: counts if year == YEAR else [],
        version=lambda: 1,
    )
    saved = practice_aggregates.sources()
    for registered in saved:
        practice_aggregates.unregister(registered.name)
    practice_aggregates.register(source)
    yield source
    practice_aggregates.unregister("essai")
    for registered in saved:
        practice_aggregates.register(registered)


def value(table, theme, territory_code, family):
    theme_table = next(t for t in table.themes if t.id == theme)
    row = next(values for territory, values in theme_table.rows if territory.code == territory_code)
    return row[[code for code, _label in table.families].index(family)]


def test_the_registry_keeps_sources_by_name_in_order(fake_source):
    assert [source.name for source in practice_aggregates.sources()] == ["essai"]
    practice_aggregates.register(fake_source)  # again: replaced, not doubled
    assert practice_aggregates.versions() == (("essai", 1),)


def test_the_observatory_hides_a_cell_of_fewer_than_3_organisations_and_what_would_recompute_it(fake_source):
    first, second = epcis()[:2]
    region = Territory.objects.get(kind=TerritoryKind.REGION).code
    table = practices.tables(fake_source)
    assert table.year == YEAR
    small = value(table, "t1", second.code, "association")
    assert small.is_secret and small.share is None and "moins de 3" in small.reason
    # Région = sum of the EPCI (10 + 2): the total or the 10 is hidden too, else 12 − 10 gives 2.
    assert (
        value(table, "t1", region, "association").is_secret or value(table, "t1", first.code, "association").is_secret
    )
    # The second EPCI's ESS total is its association cell alone: hidden too.
    assert value(table, "t1", second.code, "ESS").is_secret
    # Every relation holding a hidden cell holds at least two.
    for territory in (first.code, second.code, region):
        row = [value(table, "t1", territory, code) for code, _label in table.families]
        assert sum(cell.is_secret for cell in row) != 1
    # Cells of 3 or more with nothing to protect are shown, totals included.
    assert value(table, "t3", first.code, "association") == practices.PracticeValue(organisations=10, share=40)
    assert value(table, "t3", region, "ESS") == practices.PracticeValue(organisations=18, share=67)
    # A theme nobody answered: true zeros, shown as such.
    assert value(table, "t2", region, "ESS") == practices.PracticeValue(organisations=0, share=None)
    assert practices.tables(fake_source, year=YEAR - 1).themes[0].rows[-1][1][-1].organisations == 0


def test_the_page_shows_what_the_sources_offer_with_s_in_place_of_hidden_cells(client, fake_source):
    html = unescape(client.get(reverse("observatoire:bonnes-pratiques")).content.decode())
    assert "Source d'essai — 2026" in html and "Thème d'essai" in html
    assert "40\u00a0% (10)" in html
    assert '<abbr title="moins de 3\u00a0structures">s</abbr>' in html
    assert "(2)" not in html
    assert 'value="2025"' in html  # the other year, in the URL
    older = client.get(reverse("observatoire:bonnes-pratiques") + "?annee=2025").content.decode()
    assert "Source d&#x27;essai — 2025" in older
    assert client.get(reverse("observatoire:bonnes-pratiques") + "?annee=abc").status_code == 200


def test_appartenance_counts_organisations_by_theme_family_and_epci_and_gives_no_name():
    first, second = epcis()[:2]
    organisations(first, 3, answers=YES_YES, name="Kaz")
    organisations(first, 1, answers=NO_NO, name="Ti Case")
    organisations(second, 2, answers=NO_NO, name="Lakour")
    make_assessment(OrganisationFactory(name="Sans commune", commune=None), year=YEAR, answers=YES_YES, actions=0)
    make_assessment(OrganisationFactory(name="Autre année", commune=commune_of(first)), year=YEAR - 1, actions=0)
    with CaptureQueriesContext(connection) as queries:
        counts = aggregates.counts(YEAR)
    assert len(queries) == 1
    assert counts == [
        PracticeCount(theme="gouvernance", family="association", territory=first.code, organisations=4, practising=3),
        PracticeCount(theme="gouvernance", family="association", territory=second.code, organisations=2, practising=0),
    ]
    assert "Kaz" not in repr(counts) and "Lakour" not in repr(counts)
    assert aggregates.years() == [YEAR, YEAR - 1]
    assert aggregates.themes()[0][0] == "gouvernance"


def test_the_version_moves_with_an_answer():
    organisation = OrganisationFactory(commune=commune_of(epcis()[0]))
    before = aggregates.version()
    make_assessment(organisation, year=YEAR, actions=0)
    assert aggregates.version() != before


def test_appartenance_is_registered_and_its_small_cells_hidden_on_the_page(client):
    first, second, third = epcis()[:3]
    organisations(first, 3, answers=YES_YES, name="Kaz")
    organisations(second, 1, answers=YES_YES, name="Lakour")
    organisations(third, 5, answers=YES_YES, name="Ravine")
    html = unescape(client.get(reverse("observatoire:bonnes-pratiques")).content.decode())
    assert "Auto-évaluations du guide des bonnes pratiques de l'ESS — 2026" in html
    # 1 alone is secret; 3 protects it (région = 3 + 1 + 5); 5 and the région's 9 are shown.
    assert "100\u00a0% (5)" in html and "100\u00a0% (9)" in html
    assert "(1)" not in html and "(3)" not in html
    assert '<abbr title="moins de 3\u00a0structures">s</abbr>' in html
    assert "Kaz" not in html and "Lakour" not in html and "Ravine" not in html


def test_the_page_reads_a_constant_number_of_queries(client):
    first, second = epcis()[:2]
    counts = []
    for size in (1, 6):
        organisations(first, size, name=f"Lot {size}")
        organisations(second, size, answers=NO_NO, name=f"Lot {size}")
        client.get(reverse("observatoire:bonnes-pratiques"))  # the session and the reference read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("observatoire:bonnes-pratiques")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.text(max_size=12))
def test_any_year_in_the_url_shows_the_page_never_a_500(client, fake_source, year):
    response = client.get(reverse("observatoire:bonnes-pratiques"), {"annee": year})
    assert response.status_code == 200
    assert "Source d&#x27;essai — 20" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1280])
def test_the_page_is_accessible_and_fits_a_phone(chromium, live_server, width):
    from tests.helpers.browser import look

    first, second, third = epcis()[:3]
    organisations(first, 3, name="Kaz")
    organisations(second, 1, name="Lakour")
    organisations(third, 4, answers=NO_NO, name="Ravine")
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + reverse("observatoire:index"))
    page.get_by_role("link", name="Bonnes pratiques").click()
    page.get_by_role("heading", name="Gouvernance démocratique").wait_for()
    assert page.get_by_role("cell", name="s", exact=True).first.is_visible()
    look(page, "observatoire-bonnes-pratiques")
    context.close()
