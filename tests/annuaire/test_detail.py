import json
import re

import pytest
from django.urls import reverse

from annuaire.models import Organisation
from referentiels.validators import validate_siret
from tests.annuaire.factories import OrganisationFactory, commune
from tests.helpers.html import inline_script_problems

pytestmark = pytest.mark.django_db


def json_ld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


def test_organisation_page_shows_its_fields_and_schema_org(client):
    organisation = OrganisationFactory(
        name="Lakour Solidaire",
        acronym="LS",
        description="Épicerie solidaire et jardin partagé.",
        siret="73282932000074",
        email="contact@lakour.example.re",
        phone="0262 12 34 56",
        website="https://lakour.example.re",
        address="12 rue de Paris",
        postcode="97400",
        creation_year=1998,
    )
    response = client.get(reverse("annuaire:structure", args=[organisation.slug]))
    html = response.content.decode()
    for text in ["Lakour Solidaire", "Épicerie solidaire", "73282932000074", "0262 12 34 56", "Saint-Denis", "1998"]:
        assert text in html
    data = json_ld(html)
    assert data["@type"] == "Organization" and data["name"] == "Lakour Solidaire"
    assert data["address"]["addressLocality"] == "Saint-Denis"
    assert data["geo"]["latitude"] == pytest.approx(commune("97411").latitude)
    assert "Signaler une erreur" in html
    assert inline_script_problems(html) == []


def test_json_ld_cannot_close_its_script_element(client):
    organisation = OrganisationFactory(name="Évasion </script><script>alert(1)</script>")
    html = client.get(reverse("annuaire:structure", args=[organisation.slug])).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["name"] == "Évasion </script><script>alert(1)</script>"


def test_unpublished_organisation_page_is_not_found(client):
    organisation = OrganisationFactory(is_published=False)
    assert client.get(reverse("annuaire:structure", args=[organisation.slug])).status_code == 404


def test_derived_fields_follow_the_legal_form_and_commune():
    from referentiels.models import LegalForm

    coop = OrganisationFactory(legal_form=LegalForm.objects.get(code="5458"), commune=commune("97415"))
    assert coop.ess_family == "cooperative" and coop.epci.short_name == "TCO"
    sas = OrganisationFactory(legal_form=LegalForm.objects.get(code="5710"), esus_agreement=True)
    assert sas.ess_family == "societe_commerciale"
    assert "Saint-Paul" in Organisation.objects.get(pk=coop.pk).search_text


def test_history_records_each_change():
    organisation = OrganisationFactory(name="Avant")
    organisation.name = "Après"
    organisation.save()
    assert [h.name for h in organisation.history.order_by("history_date")] == ["Avant", "Après"]


def test_demo_directory_is_valid_and_idempotent():
    from annuaire.demo import seed_organisations

    assert seed_organisations(size=60) == 60
    assert seed_organisations(size=60) == 0
    organisations = Organisation.objects.all()
    assert organisations.count() == 60
    assert set(organisations.values_list("ess_family", flat=True)) >= {"association", "cooperative"}
    assert organisations.filter(is_support_structure=True).exists() or organisations.count() < 100
    for organisation in organisations[:20]:
        validate_siret(organisation.siret)
        organisation.full_clean(exclude=["search_vector", "slug"])
    assert len(set(organisations.values_list("commune_id", flat=True))) > 10
