"""Only cells a spreadsheet would run as formulas are neutralised in CSV and XLSX exports; phone
numbers and signed numbers are written as they are."""

import csv
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from lib.spreadsheet import safe_cell, xlsx_bytes
from tests.annuaire.factories import OrganisationFactory


@pytest.mark.parametrize(
    "value",
    [
        "+262 262 12 34 56",
        "+262262123456",
        "+33 (0)6 12 34 56 78",
        "+262.692.12.34.56",
        "-21.1",
        "+3",
        "-12,5",
        "0262 12 34 56",
        "Association Lakour",
        "a=b",
        "",
    ],
)
def test_plain_text_numbers_and_phone_numbers_are_kept_as_they_are(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://example.org")',
        "@SUM(A1)",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "+SUM(A1:A2)",
        "-A1",
        "+262 262 12 34 56+cmd|'/C calc'!A0",
        "+",
        "-",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


def test_non_text_values_pass_through():
    assert safe_cell(None) == "" and safe_cell(42) == 42 and safe_cell(-3.5) == -3.5


@pytest.mark.django_db
def test_the_open_data_csv_keeps_phone_numbers_and_neutralises_formulas(client):
    OrganisationFactory(name="+SUM(A1:A2)", phone="+262 262 12 34 56")
    body = b"".join(client.get(reverse("annuaire:export-csv")).streaming_content).decode().lstrip("\ufeff")
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["telephone"] == "+262 262 12 34 56"
    assert row["nom"] == "'+SUM(A1:A2)"


def test_an_xlsx_file_holds_the_rows_numbers_as_numbers_and_formulas_neutralised():
    content = xlsx_bytes(
        [["Nom", "Heures", "Note"], ["=1+1", 3, Decimal("3.5")], ["Élise & <Cie>\x07", True, None]],
        sheet_title="Inscrits: mars",
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(
            archive.namelist()
        )
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314 — our own file
        workbook = archive.read("xl/workbook.xml").decode()
    assert 'name="Inscrits  mars"' in workbook
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    cells = {
        cell.get("r"): (cell.get("t"), cell.findtext(".//s:t", namespaces=ns) or cell.findtext("s:v", namespaces=ns))
        for cell in sheet.iterfind(".//s:c", ns)
    }
    assert cells["A1"] == ("inlineStr", "Nom")
    assert cells["A2"] == ("inlineStr", "'=1+1")
    assert cells["B2"] == (None, "3") and cells["C2"] == (None, "3.5")
    assert cells["A3"] == ("inlineStr", "Élise & <Cie>")
    assert cells["B3"] == ("inlineStr", "oui") and cells["C3"][0] == "inlineStr"  # None: an empty text
