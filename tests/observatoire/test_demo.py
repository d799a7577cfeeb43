"""The demo's synthetic observatory: plausible for La Réunion, labelled as synthetic, with
secret cells and niches to see."""

import pytest
from django.urls import reverse

from annuaire.demo import seed_organisations
from annuaire.models import Organisation
from observatoire import selectors
from observatoire.demo import seed_observatory
from observatoire.models import Establishment, Figure, Millesime, Scope, Source
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


def test_the_demo_directory_organisations_are_among_the_establishments_and_every_page_says_synthetic(client):
    assert seed_organisations(size=40) == 40
    directory = {
        organisation.siret: organisation
        for organisation in Organisation.objects.filter(
            is_published=True, commune__isnull=False, naf_activity__isnull=False
        )
        .exclude(siret="")
        .select_related("legal_form", "naf_activity", "commune")
    }
    assert len(directory) >= 20, "the demo directory has organisations with a SIRET, a commune and an activity"
    assert seed_observatory() == 3
    for millesime in Millesime.objects.order_by("year"):
        found = {
            establishment.siret: establishment
            for establishment in Establishment.objects.filter(millesime=millesime, siret__in=directory)
        }
        assert found.keys() == directory.keys(), f"every organisation of the directory is in {millesime.year}"
        for siret, organisation in directory.items():
            establishment = found[siret]
            assert establishment.name == organisation.name
            assert establishment.commune_code == organisation.commune.code
            assert establishment.naf_code[:2] == organisation.naf_activity.code[:2]
            assert establishment.legal_category == (organisation.legal_form.code if organisation.legal_form else "9220")
            assert establishment.is_employer and establishment.is_active and establishment.employees >= 1
    # The label is on the portrait and niches pages too, not only the home, explorer and method.
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    commune = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411")
    cirest = Territory.objects.get(kind=TerritoryKind.EPCI, code="249740093")
    pages = [
        (reverse("observatoire:portrait", args=[region.code]), {}),
        (reverse("observatoire:portrait", args=[commune.code]), {}),
        (reverse("observatoire:portraits"), {}),
        (reverse("observatoire:niches"), {}),
        (reverse("observatoire:niches"), {"territoire": cirest.code}),
    ]
    for url, params in pages:
        response = client.get(url, params)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Données synthétiques de démonstration." in page, url
    for url, params in pages[:2] + pages[3:]:
        page = client.get(url, params).content.decode()
        assert "<strong>données synthétiques de démonstration</strong>" in page, url
