"""Only cells a spreadsheet would run as formulas are neutralised in CSV exports; phone
numbers and signed numbers are written as they are."""

import csv
import io

import pytest
from django.urls import reverse

from lib.spreadsheet import safe_cell
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
