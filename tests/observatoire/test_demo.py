"""The demo's synthetic observatory: plausible for La Réunion, labelled as synthetic, with
secret cells and niches to see."""

import pytest
from django.urls import reverse

from observatoire import selectors
from observatoire.demo import seed_observatory
from observatoire.models import Figure, Millesime, Scope, Source
from referentiels.models import Territory, TerritoryKind

pytestmark = pytest.mark.django_db


def test_three_synthetic_millesimes_plausible_for_la_reunion(client):
    assert seed_observatory() == 3
    assert seed_observatory() == 0, "idempotent"
    millesimes = selectors.published_millesimes()
    assert [m.year for m in millesimes] == [2022, 2023, 2024]
    assert all(m.is_synthetic for m in millesimes)
    latest = selectors.key_figures(millesime=millesimes[-1])
    assert 1800 <= latest.establishments <= 2200
    assert 23_000 <= latest.employees <= 29_000
    assert 0.09 <= latest.share <= 0.13
    base = Figure.objects.filter(millesime=millesimes[-1], source=Source.BASE)
    assert base.filter(secrecy="primary").exists() and base.filter(secrecy="secondary").exists()
    # A potential niche: no ESS in restaurants in the East while the sector employs people there.
    cirest = Territory.objects.get(kind=TerritoryKind.EPCI, code="249740093")
    assert (
        not base.filter(scope=Scope.ESS, territory=cirest, sector="hebergement-restauration")
        .exclude(establishments=0)
        .exists()
    )
    assert (
        base.get(scope=Scope.ECONOMY, territory=cirest, family="toutes", sector="hebergement-restauration").employees
        >= 50
    )
    assert Figure.objects.filter(millesime=millesimes[-1], territory=None, source=Source.FLORES).count() >= 2
    for url in (reverse("observatoire:index"), reverse("observatoire:explorer"), reverse("observatoire:methode")):
        assert "Données synthétiques de démonstration" in client.get(url).content.decode()
    assert Millesime.objects.count() == 3
