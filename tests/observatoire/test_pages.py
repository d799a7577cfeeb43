"""The public pages: published figures only, through the secrecy mask, in the page, the
CSV and the JSON alike; filters in the URL; a fixed number of queries."""

import html
import json
import re

import pytest
from django.urls import reverse

from observatoire.models import Figure, Scope
from referentiels.models import Territory, TerritoryKind
from tests.observatoire.factories import Row, make_siret
from tests.observatoire.helpers import import_and_publish

pytestmark = pytest.mark.django_db

SAINT_DENIS, SAINT_PIERRE, SAINTE_MARIE = "97411", "97416", "97418"


def rows(count, *, commune=SAINT_DENIS, start=1, **values):
    return [Row(make_siret(start + n), commune=commune, **values) for n in range(count)]


def explorer_json(client, **params):
    response = client.get(reverse("observatoire:explorer-json"), params)
    assert response.status_code == 200
    return json.loads(response.content)


def test_nothing_is_public_before_publication(client):
    import_and_publish(rows(5), publish=False)
    assert "Aucun millésime n'est encore publié" in client.get(reverse("observatoire:index")).content.decode()
    assert client.get(reverse("observatoire:explorer-json")).status_code == 404
    assert "Aucun millésime" in client.get(reverse("observatoire:explorer")).content.decode()


def test_the_home_shows_the_published_key_figures(client):
    import_and_publish(
        rows(4, employees="10", payroll="2500000") + rows(3, start=50, legal_category="5499", ess="N", employees="20")
    )
    page = client.get(reverse("observatoire:index")).content.decode()
    assert "Les chiffres clés de 2024" in page
    assert ">40<" in page.replace("\u202f", "")  # 4 × 10 ESS employees
    assert "40,0\u00a0%" in page  # 40 of 100 private employees
    assert "10,0\u00a0M€" in page


def test_the_explorer_table_and_its_files_say_the_same(client):
    import_and_publish(rows(5, employees="10") + rows(4, commune=SAINT_PIERRE, start=20, employees="7"))
    data = explorer_json(client, mesure="salaries", ventilation="territoire")
    assert data["lignes"][0] == {
        "code": "total",
        "libelle": "Ensemble",
        "valeur": 78.0,
        "secret": False,
        "motif_secret": "",
    }
    values = {line["libelle"]: line["valeur"] for line in data["lignes"][1:]}
    assert values["Communauté intercommunale du Nord de La Réunion"] == 50.0
    csv = client.get(
        reverse("observatoire:explorer-csv"), {"mesure": "salaries", "ventilation": "territoire"}
    ).content.decode()
    assert "Ensemble;78;non;" in csv
    page = client.get(
        reverse("observatoire:explorer"), {"mesure": "salaries", "ventilation": "territoire"}
    ).content.decode()
    assert (
        "<caption>Salariés, La Réunion, toutes familles, Tous secteurs, 2024, détail par territoire</caption>" in page
    )
    assert 'role="img"' in page and '<title id="graphique-detail-titre">' in page


def test_a_cell_of_fewer_than_three_establishments_is_s_everywhere(client):
    # Two establishments in Sainte-Marie: primary secret; the rest of CINOR must hide another commune.
    import_and_publish(rows(5, employees="10") + rows(2, commune=SAINTE_MARIE, start=30, employees="3"))
    cinor = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="CINOR")
    data = explorer_json(client, territoire=cinor.code, ventilation="territoire", mesure="salaries")
    by_name = {line["libelle"]: line for line in data["lignes"]}
    assert by_name["Sainte-Marie"]["valeur"] == "s"
    assert by_name["Sainte-Marie"]["motif_secret"] == "moins de 3\u00a0établissements"
    hidden = [line for line in data["lignes"] if line["secret"]]
    assert len(hidden) >= 2, "a second cell hides the first from the total"
    page = client.get(
        reverse("observatoire:explorer"), {"territoire": cinor.code, "ventilation": "territoire"}
    ).content.decode()
    assert '<abbr title="Secret statistique : moins de 3\u00a0établissements">s</abbr>' in page
    assert ">6<" not in page  # Sainte-Marie's 2 × 3 employees appear nowhere
    csv = client.get(
        reverse("observatoire:explorer-csv"), {"territoire": cinor.code, "ventilation": "territoire"}
    ).content.decode()
    assert "Sainte-Marie;s;oui;moins de 3\u00a0établissements" in csv


def test_a_share_is_given_only_when_both_terms_are_published(client):
    import_and_publish(rows(5, employees="10") + rows(5, start=40, legal_category="5499", ess="N", employees="10"))
    data = explorer_json(client, mesure="part", ventilation="famille")
    assert data["lignes"][0]["valeur"] == pytest.approx(0.5)
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    Figure.objects.filter(territory=region, scope=Scope.ECONOMY, family="toutes", sector="tout").update(
        secrecy="primary"
    )
    from django.core.cache import cache

    cache.clear()
    data = explorer_json(client, mesure="part", ventilation="famille")
    assert data["lignes"][0]["valeur"] == "s"


def test_bad_filters_get_a_french_message_and_the_defaults(client):
    import_and_publish(rows(5))
    response = client.get(
        reverse("observatoire:explorer"), {"territoire": "nulle-part", "annee": "1900", "mesure": "x<script>"}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Territoire : « nulle-part » n'existe pas ; la valeur par défaut est affichée." in page
    assert "Année : aucun millésime publié pour « 1900 » ; le dernier est affiché." in page
    assert "x<script>" not in response.content.decode()  # escaped in the message


def test_the_explorer_makes_the_same_number_of_queries_whatever_the_data(client, django_assert_max_num_queries):
    import_and_publish(rows(3))
    client.get(reverse("observatoire:explorer"))  # the reference is cached once per data version
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("observatoire:explorer"), params).status_code == 200
        return len(queries)

    small = count({"ventilation": "division"})
    import_and_publish(rows(60, start=100) + rows(40, commune=SAINT_PIERRE, start=300, naf="85.59A"), year=2025)
    client.get(reverse("observatoire:explorer"))
    assert count({"ventilation": "division", "annee": "2025"}) == small
    assert count({"ventilation": "territoire", "annee": "2024"}) == small
    assert small <= 6


@pytest.mark.parametrize("params", [{}, {"ventilation": "famille", "mesure": "part"}, {"ventilation": "division"}])
def test_the_explorer_reads_the_same_cells_without_postgresql_arrays(client, monkeypatch, params):
    """`make run` serves the explorer on SQLite, which has no ANY(array): the ORM reading
    there must find exactly the rows of the one SQL statement used on PostgreSQL."""
    from django.db import connection

    from observatoire import services

    import_and_publish(rows(5, employees="10") + rows(4, start=40, legal_category="5499", ess="N", employees="7"))
    with_arrays = explorer_json(client, **params)
    services._bump_data_version()  # nothing kept from the first reading
    monkeypatch.setattr(connection, "vendor", "sqlite")
    without = explorer_json(client, **params)
    assert without == with_arrays and with_arrays["lignes"]


def evolution_chart(page: str) -> str:
    """The evolution's SVG chart in an explorer page."""
    found = re.search(r'<svg [^>]*aria-labelledby="graphique-evolution-titre graphique-evolution-desc".*?</svg>', page)
    assert found, "the explorer draws its evolution chart"
    return found.group(0)


def test_the_explorer_draws_the_evolution_over_the_years_as_an_accessible_line_chart(client):
    # Saint-Denis: 5 establishments each year; Sainte-Marie: 2 in 2022 (secret), then 4.
    import_and_publish(rows(5, employees="10") + rows(2, commune=SAINTE_MARIE, start=30, employees="3"), year=2022)
    import_and_publish(rows(5, employees="12") + rows(4, commune=SAINTE_MARIE, start=30, employees="5"), year=2023)
    import_and_publish(rows(5, employees="16") + rows(4, commune=SAINTE_MARIE, start=30, employees="7"), year=2024)
    title = "Évolution — Salariés, La Réunion, toutes familles, Tous secteurs"
    for year in ("2022", "2024"):  # whichever millésime is shown, the line runs through all three
        page = client.get(reverse("observatoire:explorer"), {"annee": year, "mesure": "salaries"}).content.decode()
        chart = evolution_chart(page)
        assert 'role="img"' in chart
        assert f'<title id="graphique-evolution-titre">{title}</title>' in chart
        assert (
            '<desc id="graphique-evolution-desc">Un point par millésime publié ; la courbe s&#x27;interrompt '
            "où une valeur est secrète.</desc>"
        ) in chart
        # 56, 80 and 108 employees on a scale up to 120: x from 108 by 126, y = 208 − 1,6 × value.
        assert 'd="M108.0,118.4 L234.0,80.0 L360.0,35.2"' in chart
        assert [(x, y) for x, y in re.findall(r'<circle class="point"[^>]* cx="([\d.]+)" cy="([\d.]+)"', chart)] == [
            ("108", "118.4"),
            ("234", "80"),
            ("360", "35.2"),
        ]
        labels = re.findall(r'<text class="axis"[^>]*text-anchor="middle">(\d{4})</text>', chart)
        assert labels == ["2022", "2023", "2024"]
        values = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', chart)
        assert values == ["56", "80", "108"]
        # The table beside says the same, under the chart's title.
        section = page[page.index('<section class="mt-4" aria-labelledby="evolution">') :]
        assert f"<caption>{title}</caption>" in section
        for year_shown, value in (("2022", "56"), ("2023", "80"), ("2024", "108")):
            assert f'<tr><th scope="row">{year_shown}</th><td class="num">{value}</td></tr>' in section

    # Sainte-Marie's 2022 value (2 establishments, 6 employees) is secret: « s », no point, a broken line.
    page = client.get(reverse("observatoire:explorer"), {"territoire": SAINTE_MARIE}).content.decode()
    chart = evolution_chart(page)
    assert "Évolution — Salariés, Sainte-Marie, toutes familles, Tous secteurs" in chart
    assert 'd="M234.0,80.0 L360.0,28.8"' in chart  # 20 and 28 on a scale up to 30
    assert len(re.findall(r"<circle ", chart)) == 2 and 'cx="108"' not in chart
    assert '<text class="value" ' in chart and re.findall(r'<text class="value"[^>]*>([^<]*)</text>', chart) == [
        "s",
        "20",
        "28",
    ]
    section = page[page.index('<section class="mt-4" aria-labelledby="evolution">') :]
    assert '<tr><th scope="row">2022</th><td class="num">s</td></tr>' in section
    assert ">6<" not in page and ">6,0<" not in page
