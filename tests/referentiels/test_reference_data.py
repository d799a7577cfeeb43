import csv
import sys

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Sum

from referentiels.loading import DATA_DIR, NAF_FILE, load_all, load_naf
from referentiels.models import EssFamily, LegalForm, NafActivity, NafDivision, NafSection, Territory, TerritoryKind
from referentiels.validators import validate_siret

pytestmark = pytest.mark.django_db


def count(kind):
    return Territory.objects.filter(kind=kind).count()


def test_la_reunion_is_loaded_by_migration():
    assert count(TerritoryKind.REGION) == 1
    assert count(TerritoryKind.EPCI) == 5
    assert count(TerritoryKind.ARRONDISSEMENT) == 4
    assert count(TerritoryKind.COMMUNE) == 24
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    assert (region.code, region.name) == ("04", "La Réunion")
    total = Territory.objects.filter(kind=TerritoryKind.COMMUNE).aggregate(total=Sum("population"))["total"]
    assert total == 871_157


@pytest.mark.parametrize(
    ("commune", "epci", "arrondissement"),
    [
        ("Saint-Denis", "CINOR", "Saint-Denis"),
        ("Sainte-Suzanne", "CINOR", "Saint-Denis"),
        ("Saint-Paul", "TCO", "Saint-Paul"),
        ("Les Trois-Bassins", "TCO", "Saint-Paul"),
        ("Saint-Pierre", "CIVIS", "Saint-Pierre"),
        ("Cilaos", "CIVIS", "Saint-Pierre"),
        ("Le Tampon", "CASUD", "Saint-Pierre"),
        ("Saint-Philippe", "CASUD", "Saint-Pierre"),
        ("Saint-Benoît", "CIREST", "Saint-Benoît"),
        ("Salazie", "CIREST", "Saint-Benoît"),
    ],
)
def test_known_communes_sit_in_their_epci_and_arrondissement(commune, epci, arrondissement):
    row = Territory.objects.select_related("parent", "arrondissement").get(kind=TerritoryKind.COMMUNE, name=commune)
    assert row.parent.short_name == epci
    assert row.arrondissement.name == arrondissement
    assert row.parent.parent.kind == TerritoryKind.REGION


def test_every_commune_is_in_the_epci_its_source_row_names():
    with open(DATA_DIR / "reunion_communes.csv", encoding="utf-8") as handle:
        expected = {row["code_insee"]: row["epci_siren"] for row in csv.DictReader(handle)}
    actual = dict(Territory.objects.filter(kind=TerritoryKind.COMMUNE).values_list("code", "parent__code"))
    assert actual == expected
    communes_per_epci = {
        epci.short_name: epci.children.count() for epci in Territory.objects.filter(kind=TerritoryKind.EPCI)
    }
    assert communes_per_epci == {"CINOR": 3, "CIREST": 6, "TCO": 5, "CIVIS": 6, "CASUD": 4}


def test_legal_forms_carry_their_ess_family():
    assert LegalForm.objects.get(code="9220").family == EssFamily.ASSOCIATION
    assert LegalForm.objects.get(code="5458").family == EssFamily.COOPERATIVE
    assert LegalForm.objects.get(code="8210").family == EssFamily.MUTUELLE
    assert LegalForm.objects.get(code="9300").family == EssFamily.FONDATION
    # A SAS is ESS only by declaration (société commerciale de l'ESS): no family by statute.
    assert LegalForm.objects.get(code="5710").family == ""
    families = set(LegalForm.objects.exclude(family="").values_list("family", flat=True))
    assert families == {"association", "cooperative", "mutuelle", "fondation"}


def naf_rows():
    with open(DATA_DIR / NAF_FILE, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_naf_table_ships_the_five_levels_of_naf_rev2():
    rows = naf_rows()
    levels = {
        level: {row[f"code_{level}"]: row[f"libelle_{level}"] for row in rows}
        for level in ("section", "division", "groupe", "classe", "sous_classe")
    }
    counts = {level: len(codes) for level, codes in levels.items()}
    assert counts == {"section": 21, "division": 88, "groupe": 272, "classe": 615, "sous_classe": 732}
    assert sorted(levels["section"]) == list("ABCDEFGHIJKLMNOPQRSTU")
    for row in rows:
        # Each code sits under the one above it: 88.99B < 88.99 < 88.9 < 88.
        assert row["code_sous_classe"].startswith(row["code_classe"])
        assert row["code_classe"].startswith(row["code_groupe"])
        assert row["code_groupe"].startswith(row["code_division"])
        assert all(value == " ".join(value.split()) and value for value in row.values())


def test_naf_rev2_is_loaded_from_the_shipped_table():
    assert NafSection.objects.count() == 21
    assert NafDivision.objects.count() == 88
    assert NafActivity.objects.count() == 732
    assert set(NafActivity.objects.values_list("code", flat=True)) == {row["code_sous_classe"] for row in naf_rows()}
    assert NafSection.objects.get(code="Q").label == "Santé humaine et action sociale"
    assert NafSection.objects.get(code="O").label == "Administration publique"
    known = {
        "88.99B": ("Action sociale sans hébergement n.c.a.", "88", "Q"),
        "94.99Z": ("Autres organisations fonctionnant par adhésion volontaire", "94", "S"),
        "88.10A": ("Aide à domicile", "88", "Q"),
        "01.11Z": (
            "Culture de céréales (à l'exception du riz), de légumineuses et de graines oléagineuses",
            "01",
            "A",
        ),
    }
    for code, expected in known.items():
        activity = NafActivity.objects.select_related("division__section").get(code=code)
        assert (activity.label, activity.division.code, activity.division.section.code) == expected
    assert NafDivision.objects.get(code="94").label == "Activités des organisations associatives"


def test_naf_loads_from_an_empty_table_without_any_naf_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "naf", None)  # `import naf` now fails
    NafActivity.objects.all().delete()
    NafDivision.objects.all().delete()
    NafSection.objects.all().delete()
    assert load_naf(apps) == (21, 88, 732)
    assert NafActivity.objects.get(code="94.99Z").division.section.code == "S"


def test_loading_again_changes_nothing():
    before = (Territory.objects.count(), LegalForm.objects.count(), NafActivity.objects.count())
    ids = set(Territory.objects.values_list("pk", flat=True))
    load_all(apps)
    call_command("load_referentiels", verbosity=0)
    assert (Territory.objects.count(), LegalForm.objects.count(), NafActivity.objects.count()) == before
    assert set(Territory.objects.values_list("pk", flat=True)) == ids


def test_a_commune_without_parent_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Territory.objects.create(kind=TerritoryKind.COMMUNE, code="97499", name="Nulle part", slug="nulle-part")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("73282932000074", True),  # a real, published SIRET
        ("732 829 320 00074", True),
        ("73282932000075", False),
        ("1234", False),
        ("35600000000048", True),  # La Poste's head office: Luhn-valid
        ("35600000000010", True),  # a La Poste establishment: digits sum to a multiple of 5
        ("35600000000011", False),
        ("７３２８２９３２００００７４", False),  # full-width digits: not what the database accepts
    ],
)
def test_siret_luhn_key(value, valid):
    from django.core.exceptions import ValidationError

    if valid:
        validate_siret(value)
    else:
        with pytest.raises(ValidationError):
            validate_siret(value)
