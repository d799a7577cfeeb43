"""The métiers in the admin: Formation edits a family (its fiches by autocomplete, its NAF
divisions checked), Communication reads, nobody deletes; the catalogue's trainings name
the ROME fiches they lead to."""

import pytest
from django.urls import reverse

from emplois.metiers import MetierFamily
from tests.comptes.factories import StaffFactory
from tests.formation.catalogue_factories import TrainingFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def change_url(family):
    return reverse("admin:emplois_metierfamily_change", args=[family.pk])


def form_data(family, **changes):
    data = {
        "name": family.name,
        "slug": family.slug,
        "order": family.order,
        "is_published": "on",
        "summary": family.summary,
        "work": family.work,
        "rome_fiches": [fiche.pk for fiche in family.rome_fiches.all()],
        "naf_divisions": family.naf_divisions,
        "source": family.source,
    }
    data.update(changes)
    return data


def test_formation_edits_a_family_and_bad_naf_codes_are_refused_in_french(client):
    family = MetierFamily.objects.get(slug="petite-enfance")
    login_verified(client, StaffFactory(role="Formation"))
    listing = client.get(reverse("admin:emplois_metierfamily_changelist")).content.decode()
    assert "Petite enfance" in listing and "K1202" in listing
    response = client.post(change_url(family), form_data(family, naf_divisions="88.91A"))
    assert response.status_code == 200
    assert "divisions NAF de deux chiffres" in response.content.decode()
    response = client.post(change_url(family), form_data(family, naf_divisions="88 85", summary="Accueillir."))
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.naf_division_codes == ["88", "85"] and family.summary == "Accueillir."
    assert client.get(reverse("admin:emplois_metierfamily_delete", args=[family.pk])).status_code == 403


def test_communication_reads_without_changing(client):
    family = MetierFamily.objects.get(slug="petite-enfance")
    login_verified(client, StaffFactory(role="Communication"))
    assert client.get(change_url(family)).status_code == 200
    response = client.post(change_url(family), form_data(family, summary="Changé."))
    assert response.status_code == 403
    family.refresh_from_db()
    assert family.summary != "Changé."


def test_a_training_names_the_rome_fiches_it_leads_to(client):
    training = TrainingFactory()
    login_verified(client, StaffFactory(role="Formation"))
    page = client.get(reverse("admin:formation_training_change", args=[training.pk])).content.decode()
    assert "Métiers visés (codes ROME)" in page and 'name="rome_fiches"' in page
