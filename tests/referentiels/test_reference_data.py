import csv

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Sum

from referentiels.loading import DATA_DIR, load_all
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


def test_naf_rev2_sections_divisions_and_subclasses():
    assert NafSection.objects.count() == 21
    assert NafDivision.objects.count() == 88
    assert NafActivity.objects.count() == 732
    assert NafSection.objects.get(code="Q").label.startswith("Santé humaine et action sociale")
    activity = NafActivity.objects.select_related("division__section").get(code="88.99B")
    assert (activity.division.code, activity.division.section.code) == ("88", "Q")


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
