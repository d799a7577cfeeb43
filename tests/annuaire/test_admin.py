import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annuaire.models import Organisation
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import StaffFactory

pytestmark = pytest.mark.django_db


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_changelist_queries_do_not_grow_with_the_rows(client, settings):
    client.force_login(StaffFactory(role="Communication"))
    url = f"/{settings.ADMIN_URL}annuaire/organisation/"
    OrganisationFactory.create_batch(3)
    few = changelist_queries(client, url)
    OrganisationFactory.create_batch(30)
    assert changelist_queries(client, url) == few


def test_staff_edit_in_the_admin_keeps_derived_fields_and_history(client, settings):
    client.force_login(StaffFactory(role="Communication"))
    organisation = OrganisationFactory(name="Avant")
    url = f"/{settings.ADMIN_URL}annuaire/organisation/{organisation.pk}/change/"
    assert client.get(url).status_code == 200
    data = {
        "name": "Après",
        "slug": organisation.slug,
        "legal_form": organisation.legal_form_id,
        "commune": organisation.commune_id,
        "is_ess_actor": "on",
        "is_published": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.name == "Après" and organisation.epci.short_name == "CINOR"
    assert organisation.history.count() == 2
