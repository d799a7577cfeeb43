"""The key-figures registry's contract, with a fake provider: the home page shows what the
providers offer, in their order, with source, year and link; falls back on its typed
figures when none has any; and shows a provider's new figures as soon as its version moves."""

import pytest

from lib import keyfigures
from lib.keyfigures import KeyFigure, KeyFigureBlock, KeyFigureProvider

pytestmark = pytest.mark.django_db


class FakeProvider:
    def __init__(self):
        self.block = None
        self.version = 1
        self.calls = 0

    def figures(self):
        self.calls += 1
        return self.block


@pytest.fixture
def only_fake():
    """The fake provider alone in the registry, the real ones put back afterwards."""
    saved = keyfigures.providers()
    for provider in saved:
        keyfigures.unregister(provider.name)
    fake = FakeProvider()
    keyfigures.register(KeyFigureProvider(name="faux", figures=fake.figures, version=lambda: fake.version))
    yield fake
    keyfigures.unregister("faux")
    for provider in saved:
        keyfigures.register(provider)


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_without_figures_the_home_shows_its_typed_ones_with_their_source(client, only_fake):
    page = home(client)
    assert "25 700" in page and "Insee Analyses Réunion n° 39 (2019)" in page


def test_the_home_shows_a_providers_figures_with_source_year_and_link(client, only_fake):
    only_fake.block = KeyFigureBlock(
        figures=(KeyFigure("1 234", "coopératives comptées"), KeyFigure("56 %", "de femmes", "fin 2024")),
        source="Registre de test",
        year=2024,
        link_url="/ailleurs/",
        link_label="Tous les chiffres",
        caveat="données de démonstration",
    )
    page = home(client)
    assert "1 234" in page and "coopératives comptées" in page and "(fin 2024)" in page
    assert (
        "Source&nbsp;: Registre de test, données au 31 décembre 2024 — <strong>données de démonstration</strong>"
        in page
    )
    assert '<a href="/ailleurs/">Tous les chiffres</a>' in page
    assert "25 700" not in page  # the typed figures are only a fallback


def test_the_figures_are_cached_until_the_providers_version_moves(client, only_fake):
    only_fake.block = KeyFigureBlock(figures=(KeyFigure("10", "ancien chiffre"),), source="Test")
    assert "ancien chiffre" in home(client)
    only_fake.block = KeyFigureBlock(figures=(KeyFigure("20", "nouveau chiffre"),), source="Test")
    calls = only_fake.calls
    assert "ancien chiffre" in home(client)  # served from the cache
    assert only_fake.calls == calls
    only_fake.version = 2
    assert "nouveau chiffre" in home(client)


def test_blocks_keep_the_order_of_registration_and_skip_empty_providers(only_fake):
    second = KeyFigureBlock(figures=(KeyFigure("2", "deux"),), source="B")
    keyfigures.register(KeyFigureProvider(name="vide", figures=lambda: None, version=lambda: 0))
    keyfigures.register(KeyFigureProvider(name="second", figures=lambda: second, version=lambda: 0))
    try:
        only_fake.block = KeyFigureBlock(figures=(KeyFigure("1", "un"),), source="A")
        assert keyfigures.blocks() == [only_fake.block, second]
        assert keyfigures.versions() == (("faux", 1), ("vide", 0), ("second", 0))
    finally:
        keyfigures.unregister("vide")
        keyfigures.unregister("second")
