"""The observatory's provider of the portal's home figures: the latest published
millésime's computed figures, with source, year and link; the typed figures until then."""

import html

import pytest

from lib import keyfigures
from tests.observatoire.factories import Row, make_siret
from tests.observatoire.helpers import import_and_publish

pytestmark = pytest.mark.django_db


def rows(count, *, start=1, **values):
    return [Row(make_siret(start + n), **values) for n in range(count)]


def home(client) -> str:
    return html.unescape(client.get("/").content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def test_the_observatory_is_a_registered_provider():
    assert "observatoire" in [provider.name for provider in keyfigures.providers()]


def test_the_home_shows_the_typed_figures_until_a_millesime_is_published_then_the_computed_ones(client):
    import_and_publish(rows(4, employees="10"), publish=False)
    page = home(client)
    assert "25 700" in page and "Insee Analyses Réunion" in page

    import_and_publish(
        rows(4, employees="10", payroll="2500000") + rows(6, start=50, legal_category="5499", ess="N", employees="10")
    )
    page = home(client)
    assert "25 700" not in page
    assert '<p class="value mb-1">4</p>' in page and "établissements employeurs de l'ESS" in page
    assert '<p class="value mb-1">40</p>' in page and '<p class="value mb-1">40,0 %</p>' in page
    assert '<p class="value mb-1">10,0 M€</p>' in page
    assert "données au 31 décembre 2024" in page and 'href="/observatoire/"' in page


def test_publishing_a_new_millesime_shows_its_figures_on_the_cached_home(client):
    import_and_publish(rows(4, employees="10"), year=2024)
    assert '<p class="value mb-1">40</p>' in home(client)
    import_and_publish(rows(5, start=100, employees="10"), year=2025, synthetic=True)
    page = home(client)
    assert '<p class="value mb-1">50</p>' in page and "données au 31 décembre 2025" in page
    assert "données synthétiques de démonstration" in page
