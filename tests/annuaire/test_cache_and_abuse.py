"""Caches that cannot be poisoned or outlive a change, and limits on what one client can do."""

import csv
import io

import pytest
from django.urls import reverse

from annuaire.models import Organisation
from annuaire.services import save_organisation
from tests.annuaire.factories import OrganisationFactory, commune
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db
URL = reverse("annuaire:index")


def names_in(html):
    return {o.name for o in Organisation.objects.all() if o.name in html}


def test_repeated_parameters_cannot_poison_the_cached_page(client):
    OrganisationFactory(name="Recyclerie Lespas")
    OrganisationFactory(name="Club de lecture")
    poisoned = client.get(URL, {"q": ["recyclerie", ""]}).content.decode()
    assert names_in(poisoned) == {"Recyclerie Lespas", "Club de lecture"}, "the last value wins: no query"
    assert names_in(client.get(URL, {"q": "recyclerie"}).content.decode()) == {"Recyclerie Lespas"}


def test_deleting_in_the_admin_refreshes_cached_pages_and_map(client, django_capture_on_commit_callbacks, settings):
    organisation = OrganisationFactory(name="Lakour Disparue")
    assert "Lakour Disparue" in client.get(URL).content.decode()
    login_verified(client, StaffFactory(role="Observatoire"))  # the role that deletes records (cress/access.py)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{settings.ADMIN_URL}annuaire/organisation/{organisation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.logout()  # the admin's "deleted" message would name it on the next page
    assert "Lakour Disparue" not in client.get(URL).content.decode()
    data = client.get(reverse("annuaire:carte-donnees"), {"zoom": "10"}).json()
    assert data["features"] == []


def test_a_new_category_is_accepted_at_once(client, django_capture_on_commit_callbacks):
    from annuaire.models import Category

    client.get(URL)  # fills the cached filter options
    with django_capture_on_commit_callbacks(execute=True):
        Category.objects.create(name="Mer et pêche durable", slug="mer-et-peche-durable")
    assert "Ce paramètre est ignoré" not in client.get(URL, {"thematique": "mer-et-peche-durable"}).content.decode()


def test_suggestions_never_reveal_a_withdrawn_organisation(client, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Zorglubienne Secrète")
    organisation.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        save_organisation(organisation=organisation)
    html = client.get(URL, {"q": "zorglubiene"}).content.decode()
    assert "zorglubienne" not in html.lower().replace("zorglubiene", "")


def test_far_zoomed_out_maps_are_clamped_not_refused(client):
    OrganisationFactory()
    response = client.get(reverse("annuaire:carte-donnees"), {"zoom": "2", "bbox": "-200,-60,250,40"})
    assert response.status_code == 200 and response.json()["features"]


def test_spreadsheet_formulas_are_neutralised_in_exports(client):
    OrganisationFactory(name='=HYPERLINK("http://example.org")', address="@SUM(A1)")
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(reverse("annuaire:export-csv")).streaming_content).decode().lstrip("\ufeff")
            )
        )
    )
    assert rows[0]["nom"].startswith("'=") and rows[0]["adresse"] == "'@SUM(A1)"


def test_exports_are_rate_limited(client, settings):
    settings.EXPORTS_PER_10_MINUTES = 2
    for _ in range(2):
        assert client.get(reverse("annuaire:export-csv")).status_code == 200
    response = client.get(reverse("annuaire:export-geojson"))
    assert response.status_code == 429 and "Trop de téléchargements" in response.content.decode()


def test_an_organisation_without_position_sits_at_its_commune_and_follows_it():
    organisation = OrganisationFactory.build(commune=commune("97424"), latitude=None, longitude=None)
    organisation.slug = "sans-position"
    save_organisation(organisation=organisation)
    assert (organisation.latitude, organisation.longitude) == (commune("97424").latitude, commune("97424").longitude)
    organisation.commune = commune("97416")
    save_organisation(organisation=organisation)
    assert organisation.latitude == commune("97416").latitude


def test_confirming_a_claim_twice_is_a_clear_400(client):
    from annuaire.contributions import submit_claim
    from messagerie.models import OutgoingEmail
    from tests.helpers.mail import deliver, link_path

    organisation = OrganisationFactory(email="contact@lakour.re")
    submit_claim(organisation=organisation, name="A", email="a@exemple.re", position="x", consent_text="ok")
    link = link_path(deliver(OutgoingEmail.objects.get()), r"/annuaire/confirmation/\S+/")
    assert client.post(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 400 and "déjà été traitée" in response.content.decode()
