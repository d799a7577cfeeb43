"""Territory portraits and niches: published figures only, « s » explained where secret,
the national reference when there is one, a fixed number of queries."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referentiels.models import Territory, TerritoryKind
from tests.observatoire.helpers import (
    SAINT_DENIS,
    SAINTE_MARIE,
    import_and_publish,
    island,
    publish_sample_observatory,
    publish_with_national_reference,
    rows,
)

pytestmark = pytest.mark.django_db


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def region():
    return Territory.objects.get(kind=TerritoryKind.REGION)


def test_a_commune_portrait_weighs_the_ess_against_the_region(client):
    import_and_publish(island())
    text = page(client, "observatoire:portrait", SAINT_DENIS)
    assert '<h1 class="mb-0">Saint-Denis</h1>' in text
    # Saint-Denis: 50 ESS employees of 200 private ones; La Réunion: 120 of 420.
    assert '<td class="num">25,0 %</td>' in text and '<td class="num">28,6 %</td>' in text
    assert "Saint-Denis réunit 41,7 % des salariés de l'ESS de La Réunion." in text
    # Families, sectors (biggest first), evolution and the communes of CINOR, each a table and a chart.
    assert "<caption>Établissements employeurs et salariés de l'ESS par famille, Saint-Denis, 2024</caption>" in text
    assert text.index("Action sociale</th>") < text.index("Commerce</th>")
    assert "<caption>L'ESS dans les communes de la même intercommunalité, 2024 (Saint-Denis en gras)</caption>" in text
    assert "Sainte-Marie</a>" in text and "Saint-Pierre</a>" not in text
    for chart in ("graphique-familles", "graphique-secteurs", "graphique-evolution", "graphique-voisins"):
        assert f'<title id="{chart}-titre">' in text
    # Social work: 50 % of its private jobs in Saint-Denis, 70 / 270 in La Réunion: over-represented.
    assert "Action sociale : quotient 1,93" in text
    assert "Commerce : ESS absente" in text


def test_an_epci_is_compared_with_the_other_epci_and_an_arrondissement_with_the_others(client):
    import_and_publish(island())
    cinor = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="CINOR")
    text = page(client, "observatoire:portrait", cinor.code)
    epcis = Territory.objects.filter(kind=TerritoryKind.EPCI)
    assert all(f"{epci.name}</a>" in text for epci in epcis)
    arrondissement = Territory.objects.filter(kind=TerritoryKind.ARRONDISSEMENT).first()
    text = page(client, "observatoire:portrait", arrondissement.code)
    assert "<caption>L'ESS dans les arrondissements de La Réunion, 2024" in text
    text = page(client, "observatoire:portrait", region().code)
    assert "voir les niches d'activité de La Réunion" in text


def test_a_secret_cell_shows_s_with_its_reason_and_a_link_to_the_method(client):
    import_and_publish(island() + rows(2, commune=SAINTE_MARIE, start=900, employees="3"))
    text = page(client, "observatoire:portrait", SAINTE_MARIE)
    assert '<abbr title="Secret statistique : voir la note sous le tableau">s</abbr>' in text
    assert "moins de 3 établissements" in text
    assert 'href="/observatoire/methode/#secret"' in text
    assert ">6<" not in text  # Sainte-Marie's 2 × 3 employees appear nowhere


def test_the_portrait_lists_every_published_millesime(client):
    import_and_publish(island(), year=2023)
    import_and_publish(island(start=1000, extra=2), year=2024)
    text = page(client, "observatoire:portrait", SAINT_DENIS)
    assert '<th scope="row">2023</th>' in text and '<th scope="row">2024</th>' in text
    text = page(client, "observatoire:portrait", SAINT_DENIS, annee="1999")
    assert "Année : aucun millésime publié pour « 1999 » ; le dernier est affiché." in text


def test_an_unknown_territory_has_no_portrait_and_nothing_shows_before_publication(client):
    import_and_publish(island(), publish=False)
    assert client.get(reverse("observatoire:portrait", args=["nulle-part"])).status_code == 404
    assert "Aucun millésime n'est encore publié" in page(client, "observatoire:portrait", SAINT_DENIS)
    assert "Aucun millésime n'est encore publié" in page(client, "observatoire:niches")
    assert "Saint-Denis</a>" in page(client, "observatoire:portraits")


def test_the_portrait_makes_the_same_number_of_queries_whatever_the_data(client):
    import_and_publish(island())
    page(client, "observatoire:index")  # the reference is cached once per data version

    def count(code, **params):
        with CaptureQueriesContext(connection) as queries:
            page(client, "observatoire:portrait", code, **params)
        return len(queries)

    small = count(SAINTE_MARIE)
    import_and_publish(island(start=2000) + rows(80, commune=SAINTE_MARIE, start=5000, naf="85.59A"), year=2025)
    import_and_publish(island(start=3000), year=2026)
    page(client, "observatoire:index")
    assert count(SAINT_DENIS) == small
    assert count(region().code, annee="2025") == small
    assert small <= 4


def test_niches_of_a_commune_against_the_region(client):
    import_and_publish(island())
    text = page(client, "observatoire:niches", territoire=SAINT_DENIS)
    assert "Saint-Denis par rapport à La Réunion, 2024" in text
    assert "Action sociale : 1,93" in text  # over-represented
    assert "Commerce : ESS absente" in text  # a potential niche
    assert "Tailles minimales : 50 salariés privés du secteur dans le territoire et 20 salariés" in text
    assert "un seul millésime est publié".capitalize() in text
    text = page(client, "observatoire:niches", territoire=SAINT_DENIS, niveau="division")
    assert "88 — Action sociale sans hébergement" in text and "1,93" in text


def test_niches_of_the_region_need_the_national_reference(client):
    import_and_publish(island())
    text = page(client, "observatoire:niches")
    assert "Aucune référence nationale n'est publiée pour 2024" in text


def test_niches_of_the_region_against_france(client):
    publish_with_national_reference(island())
    text = page(client, "observatoire:niches")
    assert "La Réunion par rapport à la France, 2024" in text
    assert "INSEE, Flores pour la France" in text
    # Social work: 70 / 270 in La Réunion, 1 000 000 / 1 500 000 in France.
    assert "Action sociale : 0,39" in text
    # Retail: 50 / 150 against 50 000 / 3 000 000.
    assert "Commerce : 20,00" in text


def test_the_change_is_split_into_trend_mix_and_local_effects(client):
    import_and_publish(island(), year=2023)
    import_and_publish(island(start=1000, extra=2), year=2024)
    text = page(client, "observatoire:niches", territoire=SAINT_DENIS)
    assert "Décomposition de la variation des salariés de l'ESS de Saint-Denis entre 2023 et 2024" in text
    # Saint-Denis 50 → 60 (+10), all in social work; La Réunion 120 → 130 (G = 8,33 %), its
    # social work 70 → 80 (+14,29 %): trend 50 × G = 4,2; mix 50 × (14,29 % − G) = 3,0; local 2,8.
    assert "Croissance de l'emploi de l'ESS de la référence (La Réunion) : 8,3 %" in text
    assert '<td class="num">+10</td><td class="num">+4,2</td><td class="num">+3,0</td><td class="num">+2,8</td>' in text


def test_bad_niche_filters_get_a_french_message(client):
    import_and_publish(island())
    text = page(client, "observatoire:niches", territoire="x<b>", niveau="zz", annee="abc")
    assert "Territoire : « x<b> » n'existe pas ; la région est affichée." in text
    assert "Secteurs : « zz » n'existe pas ; les regroupements de l'ESS sont affichés." in text
    assert "Année : aucun millésime publié pour « abc » ; le dernier est affiché." in text


def test_the_niches_page_makes_the_same_number_of_queries_whatever_the_data(client):
    import_and_publish(island(), year=2023)
    import_and_publish(island(start=1000), year=2024)
    page(client, "observatoire:index")

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            page(client, "observatoire:niches", **params)
        return len(queries)

    small = count(territoire=SAINTE_MARIE)
    publish_with_national_reference(
        island(start=2000) + rows(80, commune=SAINTE_MARIE, start=5000, naf="85.59A"), year=2025
    )
    page(client, "observatoire:index")
    assert count(territoire=SAINT_DENIS, niveau="division") == small
    assert count(territoire=SAINT_DENIS, annee="2023") == small
    assert count() == small  # the région against France
    assert small <= 3


def test_without_a_national_reference_for_the_first_year_the_region_has_no_shift_share(client):
    publish_sample_observatory()  # 2023 without the national reference, 2024 with it
    text = page(client, "observatoire:niches")
    assert "La décomposition entre 2023 et 2024 n'est pas calculée (pas de chiffres de la France pour 2023)." in text
    # Sainte-Marie's secret hides a second cell of CINOR in 2024: no effect reveals it.
    text = page(client, "observatoire:niches", territoire=SAINTE_MARIE)
    assert "La décomposition entre 2023 et 2024 n'est pas calculée (secret statistique)." in text
