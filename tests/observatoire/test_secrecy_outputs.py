"""Random establishment files, imported and published as staff do: no output (page, CSV,
JSON, PDF panorama) shows a value the mask hides; no total of a table leaves exactly one
hidden cell that could be recomputed from it; the whole economy minus the ESS never shows
the employers outside the ESS when they are too few or one dominates; and every
primary-secret cell is protected, in every total, by hidden cells holding at least 15 % of
its establishments and employees."""

import csv
import html
import io
import json
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from observatoire import panoramas, services
from observatoire.models import Establishment, Figure, Millesime, Panorama, PanoramaStatus, Scope, Source
from observatoire.sectors import GROUPINGS, OTHER, grouping_of
from referentiels.models import EssFamily, LegalForm, NafDivision, NafSection, Territory, TerritoryKind
from tests.observatoire.factories import Row, make_siret
from tests.observatoire.helpers import import_and_publish
from tests.observatoire.test_panorama import pdf_text

pytestmark = pytest.mark.django_db

# Two intercommunalities, two communes each; a few sectors of two sections.
COMMUNES = ["97411", "97418", "97416", "97414"]
ACTIVITIES = ["88.10A", "88.99B", "85.59A", "93.12Z"]
NON_ESS = "5499"  # a private company outside the ESS
CATEGORIES = ["9220", "5458", "8210", NON_ESS]

establishment = st.tuples(
    st.sampled_from(COMMUNES), st.sampled_from(ACTIVITIES), st.sampled_from(CATEGORIES), st.integers(1, 120)
)


def as_rows(drawn) -> list[Row]:
    """The file's rows; FTE and payroll proportional to the employees, so that a cell
    dominated on one measure is dominated on all."""
    return [
        Row(
            make_siret(n + 1),
            commune=commune,
            naf=activity,
            legal_category=category,
            ess="N" if category == NON_ESS else "O",
            employees=str(employees),
            fte=str(Decimal(employees) * Decimal("0.9")).replace(".", ","),
            payroll=str(employees * 30_000),
        )
        for n, (commune, activity, category, employees) in enumerate(drawn)
    ]


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
    import_and_publish(as_rows(rows))
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
    assert Figure.objects.filter(scope=Scope.ECONOMY).exists()


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
    import_and_publish(as_rows(rows))
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


# --- The ESS beside the whole economy, and the protection of every secret cell --------------

ECONOMY, OUTSIDE = "ensemble", "hors-ess"  # the test's own names for the whole economy and the rest


def own_cube(drawn) -> dict[tuple, list]:
    """The cells computed here from the drawn rows, independently of the module:
    (territory id, family, sector) → [establishments, employees, largest employees], the
    family being an ESS family, « toutes » (the ESS), ECONOMY or OUTSIDE."""
    family_of = dict(LegalForm.objects.values_list("code", "family"))
    communes = {t.code: t for t in Territory.objects.filter(kind=TerritoryKind.COMMUNE).select_related("parent")}
    sections = dict(NafDivision.objects.values_list("code", "section__code"))
    cells = defaultdict(lambda: [0, 0, 0])
    for commune_code, activity, category, employees in drawn:
        commune = communes[commune_code]
        territories = {commune.pk, commune.parent_id, commune.arrondissement_id, commune.parent.parent_id}
        division = activity[:2]
        sectors = {"tout", sections[division], division, grouping_of(division).code}
        families = [OUTSIDE] if category == NON_ESS else [family_of[category], "toutes"]
        for territory in territories:
            for sector in sectors:
                for family in [*families, ECONOMY]:
                    cell = cells[(territory, family, sector)]
                    cell[0] += 1
                    cell[1] += employees
                    cell[2] = max(cell[2], employees)
    return dict(cells)


def is_primary(cell) -> bool:
    establishments, employees, largest = cell
    return 0 < establishments < 3 or (employees > 0 and largest * 100 > employees * 85)


def splits() -> dict[int, dict[str, list[list[str]]]]:
    """Every additive relation of the observatory, per dimension: total → its splits."""
    by_dimension = {0: defaultdict(list), 1: defaultdict(list), 2: defaultdict(list)}
    territories = list(Territory.objects.exclude(kind=TerritoryKind.REGION).values("pk", "kind", "parent_id"))
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE).values("pk", "parent_id", "arrondissement_id"))
    region = Territory.objects.get(kind=TerritoryKind.REGION).pk
    for kind in (TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT):
        by_dimension[0][region].append([t["pk"] for t in territories if t["kind"] == kind])
    for parent in ("parent_id", "arrondissement_id"):
        children = defaultdict(list)
        for commune in communes:
            children[commune[parent]].append(commune["pk"])
        for total, parts in children.items():
            by_dimension[0][total].append(parts)
    by_dimension[1]["toutes"].append(list(EssFamily.values))
    by_dimension[1][ECONOMY].append(["toutes", OUTSIDE])
    sections = dict(NafDivision.objects.values_list("code", "section__code"))
    by_dimension[2]["tout"].append(list(NafSection.objects.values_list("code", flat=True)))
    by_dimension[2]["tout"].append([grouping.code for grouping in (*GROUPINGS, OTHER)])
    for section in set(sections.values()):
        by_dimension[2][section].append([d for d, s in sections.items() if s == section])
    for grouping in (*GROUPINGS, OTHER):
        by_dimension[2][grouping.code].append([d for d in sections if grouping_of(d) == grouping])
    return by_dimension


def relations_around(keys, by_dimension) -> list[list[tuple]]:
    """The relations ([total, *parts]) that hold any of `keys`."""
    parents = {dimension: defaultdict(set) for dimension in by_dimension}
    for dimension, totals in by_dimension.items():
        for total, all_parts in totals.items():
            for parts in all_parts:
                for part in parts:
                    parents[dimension][part].add(total)
    totals = set()
    for key in keys:
        totals.add(key)
        for dimension in range(3):
            for parent in parents[dimension][key[dimension]]:
                totals.add((*key[:dimension], parent, *key[dimension + 1 :]))
    relations = []
    for total in totals:
        for dimension in range(3):
            for parts in by_dimension[dimension].get(total[dimension], ()):
                members = [total] + [(*total[:dimension], part, *total[dimension + 1 :]) for part in parts]
                relations.append(members)
    return relations


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(establishment, min_size=3, max_size=24))
def test_the_ess_beside_the_whole_economy_and_every_total_protect_each_secret_cell(rows):
    Millesime.objects.all().delete()
    import_and_publish(as_rows(rows))
    cells = own_cube(rows)
    stored = {
        (f.territory_id, ECONOMY if f.scope == Scope.ECONOMY else f.family, f.sector): f
        for f in Figure.objects.filter(source=Source.BASE)
    }
    zero = [0, 0, 0]

    def hidden(key) -> bool:
        if key[1] == OUTSIDE:  # derivable, unless the ESS or the whole economy beside it is hidden
            return hidden((key[0], "toutes", key[2])) or hidden((key[0], ECONOMY, key[2]))
        return key in stored and stored[key].secrecy != "published"

    for key, cell in cells.items():
        if key[1] != OUTSIDE and is_primary(cell):
            assert stored[key].secrecy == "primary", key
    # Published side by side, the whole economy minus the ESS never shows fewer than 3
    # employers outside the ESS, nor one that holds more than 85 % of them.
    for key in cells:
        ess = (key[0], "toutes", key[2])
        if key[1] == ECONOMY and not hidden(key) and not hidden(ess):
            outside = cells.get((key[0], OUTSIDE, key[2]), zero)
            assert not is_primary(outside), (key, outside)
            assert stored[key].establishments - (stored[ess].establishments if ess in stored else 0) == outside[0]

    hidden_keys = [key for key in stored if hidden(key)]
    for members in relations_around([*cells, *hidden_keys], splits()):
        count = sum(hidden(member) for member in members)
        if members[0][1] != OUTSIDE:  # a relation of published cells (outside the ESS is never one)
            assert count != 1, members
        for member in members:
            cell = cells.get(member, zero)
            if not is_primary(cell):
                continue
            partners = [cells.get(other, zero) for other in members if other != member and hidden(other)]
            establishments = sum(partner[0] for partner in partners)
            employees = sum(partner[1] for partner in partners)
            assert establishments >= max(1, Decimal("0.15") * cell[0]), (member, members)
            assert employees >= Decimal("0.15") * cell[1], (member, members)


def test_four_ess_employers_and_one_other_do_not_show_that_one_by_difference():
    # Saint-Denis, social work: 4 ESS establishments and 1 private company. Published side by
    # side (portrait, niches), « ensemble » − ESS would be that company's own figures.
    social = [Row(make_siret(n + 1), naf="88.99B", employees="12") for n in range(4)]
    company = [Row(make_siret(10), naf="88.99B", legal_category=NON_ESS, ess="N", employees="40")]
    elsewhere = [Row(make_siret(20 + n), commune="97416", naf="88.99B", employees="9") for n in range(6)]
    elsewhere += [
        Row(make_siret(40 + n), commune="97416", naf="88.99B", legal_category=NON_ESS, ess="N", employees="9")
        for n in range(6)
    ]
    import_and_publish(social + company + elsewhere)
    saint_denis = Territory.objects.get(kind=TerritoryKind.COMMUNE, code="97411")

    for sector in ("tout", "Q", "88", "action-sociale"):
        ess = Figure.objects.get(scope=Scope.ESS, territory=saint_denis, family="toutes", sector=sector)
        economy = Figure.objects.get(scope=Scope.ECONOMY, territory=saint_denis, sector=sector)
        assert (ess.establishments, economy.establishments) == (4, 5)
        assert "published" in {ess.secrecy, economy.secrecy}, "the ESS alone is not secret"
        assert {ess.secrecy, economy.secrecy} != {"published"}, sector


big_establishment = st.tuples(
    st.sampled_from(COMMUNES), st.sampled_from(ACTIVITIES), st.sampled_from(CATEGORIES), st.integers(1000, 9999)
)


def shows(text: str, value: int) -> bool:
    """Whether the PDF's text holds `value` as the panorama writes it (1 234), on its own."""
    written = f"{value:,}".replace(",", " ")
    return re.search(rf"(?<![\d,]){written}(?![\d,]|\s\d{{3}}(?!\d))", text) is not None


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a PDF per example: too slow to shrink
)
@given(st.lists(big_establishment, min_size=4, max_size=14))
@example(rows=[("97416", "88.10A", "9220", 2345)] + [("97411", "88.10A", "9220", 1000 + 7 * n) for n in range(4)])
def test_the_panorama_pdf_shows_no_primary_secret_value(rows):
    # Headcounts of 1 000 to 9 999 per establishment: a secret value is a number no page
    # number, year or percentage can be mistaken for.
    Millesime.objects.all().delete()
    cache.clear()
    millesime = import_and_publish(as_rows(rows))
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    panorama = Panorama.objects.create(territory=region, millesime=millesime, data_version=services.data_version())

    built = panoramas.build_panorama(panorama_id=panorama.pk)

    assert built.status == PanoramaStatus.READY, built.error
    with built.file.open("rb") as pdf:
        text = pdf_text(pdf.read())
    figures = Figure.objects.filter(millesime=millesime)
    published = {
        value
        for measures in figures.filter(secrecy="published").values_list("establishments", "employees")
        for value in measures
    }
    secrets = figures.filter(secrecy="primary").values_list("employees", flat=True)
    # A chart's axis ticks are round numbers (2 000, 2 500): only other values are sought.
    checked = [value for value in secrets if value and value % 50 and value not in published]
    for value in checked:
        assert not shows(text, value), value
    if 2345 in secrets:  # the explicit example: Saint-Pierre's one establishment
        assert checked and not shows(text, 2345)
    if figures.filter(secrecy="primary", territory=region).exists():
        assert " s " in text
