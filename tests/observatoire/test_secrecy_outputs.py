"""Random establishment files, imported and published as staff do: no output (page, CSV,
JSON) shows a value the mask hides, and no total of a table leaves exactly one hidden
cell that could be recomputed from it."""

import csv
import html
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatoire.models import Establishment, Figure, Millesime, Scope
from referentiels.models import Territory, TerritoryKind
from tests.observatoire.factories import Row, make_siret
from tests.observatoire.helpers import import_and_publish

pytestmark = pytest.mark.django_db

# Two intercommunalities, two communes each; a few sectors of two sections.
COMMUNES = ["97411", "97418", "97416", "97414"]
ACTIVITIES = ["88.10A", "88.99B", "85.59A", "93.12Z"]
CATEGORIES = ["9220", "5458", "8210"]

establishment = st.tuples(
    st.sampled_from(COMMUNES), st.sampled_from(ACTIVITIES), st.sampled_from(CATEGORIES), st.integers(1, 120)
)


def outputs(client, params):
    """The same table as JSON, CSV and the page: {label: value as shown}."""
    data = json.loads(client.get(reverse("observatoire:explorer-json"), params).content)
    as_json = {line["libelle"]: line["valeur"] for line in data["lignes"]}
    text = client.get(reverse("observatoire:explorer-csv"), params).content.decode()
    rows = list(csv.reader(io.StringIO(text.split("\n", 1)[1]), delimiter=";"))[1:]
    as_csv = {row[0]: row[1] for row in rows if row}
    page = client.get(reverse("observatoire:explorer"), params).content.decode()
    table = page.split('<table class="table table-sm explorer-table">', 1)[1].split("</table>", 1)[0]
    as_page = {
        html.unescape(label): re.sub(r"<[^>]+>", "", value)
        for label, value in re.findall(r'<th scope="row">(.*?)</th><td class="num">(.*?)</td>', table)
    }
    return as_json, as_csv, as_page


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(establishment, min_size=3, max_size=18))
def test_no_output_shows_a_hidden_value_nor_leaves_one_hidden_cell_per_total(client, rows):
    Millesime.objects.all().delete()
    cache.clear()
    import_and_publish(
        [
            Row(make_siret(n + 1), commune=c, naf=a, legal_category=k, employees=str(e))
            for n, (c, a, k, e) in enumerate(rows)
        ]
    )
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    views = [{"ventilation": "territoire"}, {"ventilation": "famille"}, {"ventilation": "division"}]
    views += [
        {"ventilation": "territoire", "territoire": t.code} for t in Territory.objects.filter(kind=TerritoryKind.EPCI)
    ]
    hidden_raw = {
        (f.territory_id, f.family, f.sector): f.employees
        for f in Figure.objects.filter(scope=Scope.ESS).exclude(secrecy="published")
    }
    for view in views:
        params = {"mesure": "salaries", **view}
        as_json, as_csv, as_page = outputs(client, params)
        assert set(as_json) == set(as_csv) == set(as_page)
        for label, value in as_json.items():
            shown = "s" if value == "s" else ("" if value is None else str(int(value)))
            assert as_csv[label] == shown
            assert as_page[label].replace("\u202f", "") in {shown, "—" if value is None else shown}
        hidden = [label for label, value in as_json.items() if value == "s"]
        assert len(hidden) != 1, f"{params}: one hidden cell in a table whose total is shown: {hidden}"
    # Every figure the mask hides reads « s » in the region's tables, whatever its raw value.
    data = json.loads(
        client.get(reverse("observatoire:explorer-json"), {"mesure": "salaries", "ventilation": "division"}).content
    )
    for line in data["lignes"][1:]:
        key = (region.pk, "toutes", line["code"])
        if key in hidden_raw:
            assert line["valeur"] == "s"
    assert Establishment.objects.count() == len(rows)


def rows_of(page: str, caption_start: str) -> dict[str, list[str]]:
    """{row label: [cells as shown]} of the table whose caption starts with `caption_start`."""
    table = page.split(f"<caption>{caption_start}", 1)[1].split("</table>", 1)[0]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        label = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
        if label:
            cells = re.findall(r'<td class="num">(.*?)</td>', row, flags=re.S)
            found[html.unescape(re.sub(r"<[^>]+>", "", label.group(1)))] = [
                html.unescape(re.sub(r"<[^>]+>", "", cell)).replace("\u202f", "") for cell in cells
            ]
    return found


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(establishment, min_size=3, max_size=18))
def test_portraits_and_niches_show_s_exactly_where_the_mask_hides(client, rows):
    from observatoire.sectors import FAMILY_LABELS, GROUPING_LABELS

    Millesime.objects.all().delete()
    cache.clear()
    import_and_publish(
        [
            Row(make_siret(n + 1), commune=c, naf=a, legal_category=k, employees=str(e))
            for n, (c, a, k, e) in enumerate(rows)
        ]
    )
    figures = {
        (f.territory_id, f.family, f.sector): f for f in Figure.objects.filter(scope=Scope.ESS, territory__isnull=False)
    }

    def shown(territory, family, sector):
        figure = figures.get((territory.pk, family, sector))
        if figure is None:
            return "0"
        return "s" if figure.secrecy != "published" else str(figure.employees)

    places = Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.COMMUNE], code__in=COMMUNES)
    places = [*places, *Territory.objects.filter(kind=TerritoryKind.EPCI)]
    for territory in places:
        page = client.get(reverse("observatoire:portrait", args=[territory.code])).content.decode()
        families = rows_of(page, "Établissements employeurs et salariés de l'ESS par famille")
        for family, label in FAMILY_LABELS.items():
            assert families[label][1] == shown(territory, family, "tout"), (territory, family)
        sectors = rows_of(page, "Salariés de l'ESS par secteur")
        for code, label in GROUPING_LABELS.items():
            assert sectors[label][1] == shown(territory, "toutes", code), (territory, code)
        niches = client.get(reverse("observatoire:niches"), {"territoire": territory.code}).content.decode()
        quotients = rows_of(niches, "Quotients de localisation")
        for code, label in GROUPING_LABELS.items():
            assert quotients[label][0] == shown(territory, "toutes", code), (territory, code)
