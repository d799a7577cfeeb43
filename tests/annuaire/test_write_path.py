"""Every write of one organisation (admin, member edit, accepted contribution) goes through
annuaire.services.save_organisation: same derived fields, one history row with its user."""

import pytest
from django.urls import reverse

from annuaire.contributions import accept_contribution, submit_contribution
from annuaire.models import Contribution, Organisation, PartnerMembership
from annuaire.services import save_organisation
from tests.annuaire.factories import OrganisationFactory, commune
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def edit_in_the_admin(client, settings, organisation, saint_paul):
    staff = StaffFactory(role="Communication")
    login_verified(client, staff)
    url = f"/{settings.ADMIN_URL}annuaire/organisation/{organisation.pk}/change/"
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "legal_form": organisation.legal_form_id,
        "commune": saint_paul.pk,
        "latitude": organisation.latitude,
        "longitude": organisation.longitude,
        "is_ess_actor": "on",
        "is_published": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return staff


def edit_as_a_member(client, settings, organisation, saint_paul):
    member = UserFactory()
    PartnerMembership.objects.create(user=member, organisation=organisation)
    client.force_login(member)
    data = {"commune": saint_paul.pk, "latitude": organisation.latitude, "longitude": organisation.longitude}
    response = client.post(reverse("annuaire:modifier", args=[organisation.slug]), data)
    assert response.status_code == 302
    return member


def accept_a_correction(client, settings, organisation, saint_paul):
    contribution = submit_contribution(
        kind=Contribution.Kind.CORRECTION,
        organisation=organisation,
        values={"commune": saint_paul},
        contributor_name="Nadia",
        contributor_email="nadia@exemple.re",
        consent_text="ok",
    )
    staff = StaffFactory(role="Communication")
    accept_contribution(contribution=contribution, by=staff)
    return staff


@pytest.mark.parametrize("write", [edit_in_the_admin, edit_as_a_member, accept_a_correction])
def test_each_write_path_derives_the_same_fields_and_records_who_wrote(client, settings, write):
    organisation = OrganisationFactory(name="Lakaz Marmay", commune=commune("97411"))
    # A family out of step with the legal form: any save through the service puts it right.
    Organisation.objects.filter(pk=organisation.pk).update(ess_family="")
    organisation.refresh_from_db()
    saint_paul = commune("97415")

    author = write(client, settings, organisation, saint_paul)

    organisation = Organisation.objects.select_related("legal_form", "epci").get(pk=organisation.pk)
    assert organisation.ess_family == organisation.legal_form.family != ""
    assert organisation.epci.short_name == "TCO"
    assert (organisation.latitude, organisation.longitude) == (saint_paul.latitude, saint_paul.longitude), (
        "a position left as it was follows the new commune"
    )
    assert "Saint-Paul" in organisation.search_text
    latest, first = organisation.history.order_by("-history_date")[:2]
    assert first.history_type == "+" and latest.history_type == "~"
    assert organisation.history.count() == 2, "one history row per write"
    assert latest.history_user == author


def test_an_object_saved_twice_follows_each_new_commune():
    """Placing on the map compares with the last save, not with the first load."""
    organisation = Organisation.objects.get(pk=OrganisationFactory(commune=commune("97411")).pk)
    for code in ("97415", "97416"):
        organisation.commune = commune(code)
        save_organisation(organisation=organisation)
        assert (organisation.latitude, organisation.longitude) == (
            organisation.commune.latitude,
            organisation.commune.longitude,
        )
