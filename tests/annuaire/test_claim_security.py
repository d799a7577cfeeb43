"""Whoever edits an organisation's address could confirm a claim from their own mailbox:
every change of the address is logged, and a claim after a recent change needs two
different staff members. Members cannot give their organisation the roles that bring
orientations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire.contributions import CLAIM_WORKFLOW, ContributionError, approve_claim, submit_claim
from annuaire.models import Claim, ClaimTransition, Organisation, PartnerMembership
from annuaire.selectors import email_changes
from tests.annuaire.factories import OrganisationFactory, age_history
from tests.comptes.factories import StaffFactory, UserFactory
from tests.helpers.auth import login_as
from tests.helpers.html import form_values

pytestmark = pytest.mark.django_db


def edit_in_admin(client, organisation, **changes):
    url = reverse("admin:annuaire_organisation_change", args=[organisation.pk])
    data = form_values(client.get(url).content.decode(), "organisation_form")
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    organisation.refresh_from_db()


def confirmed_claim(organisation, email="nadia@exemple.re"):
    """A claim the organisation has confirmed (from the link sent to its current address)."""
    claim = submit_claim(
        organisation=organisation, name="Nadia Payet", email=email, position="Présidente", consent_text="ok"
    )
    CLAIM_WORKFLOW.apply(claim, Claim.Status.CONFIRMED, log_model=ClaimTransition, comment="Confirmée.")
    return claim


def test_every_change_of_an_organisations_address_is_logged_with_who_when_old_and_new(client):
    organisation = OrganisationFactory(email="contact@lakour.re")
    age_history(organisation, days=100)
    staff = StaffFactory(role="Communication")
    login_as(client, staff)
    before = timezone.now()
    edit_in_admin(client, organisation, email="boite@staff.example", description="Texte revu.")
    edit_in_admin(client, organisation, description="Texte revu encore.")  # not an address change
    member = UserFactory()
    PartnerMembership.objects.create(user=member, organisation=organisation)
    login_as(client, member)
    client.post(
        reverse("annuaire:modifier", args=[organisation.slug]),
        {"commune": organisation.commune_id, "email": "bureau@lakour.re"},
    )
    organisation.refresh_from_db()
    assert organisation.email == "bureau@lakour.re"

    changes = email_changes(organisation=organisation)
    assert [(c.changed_by, c.old, c.new) for c in changes] == [
        (None, "", "contact@lakour.re"),  # created by the test factory, nobody logged in
        (staff, "contact@lakour.re", "boite@staff.example"),
        (member, "boite@staff.example", "bureau@lakour.re"),
    ]
    assert changes[0].changed_at < before <= changes[1].changed_at <= changes[2].changed_at
    recent = email_changes(organisation=organisation, since=before)
    assert [(c.old, c.new) for c in recent] == [
        ("contact@lakour.re", "boite@staff.example"),
        ("boite@staff.example", "bureau@lakour.re"),
    ]


def test_a_claim_after_a_recent_address_change_needs_two_different_staff_members(client):
    organisation = OrganisationFactory(email="contact@lakour.re")
    age_history(organisation, days=400)
    insider, colleague = StaffFactory(role="Communication"), StaffFactory(role="Accueil")
    login_as(client, insider)
    edit_in_admin(client, organisation, email="insider@staff.example")
    claim = confirmed_claim(organisation, email="insider-perso@exemple.re")
    approve = reverse("admin:annuaire_claim_transition", args=[claim.pk, "validee"])
    change = reverse("admin:annuaire_claim_change", args=[claim.pk])

    page = client.get(change).content.decode()
    assert "« contact@lakour.re » → « insider@staff.example »" in page

    response = client.post(approve, follow=True)
    assert "Première validation enregistrée" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "seconde_validation"
    assert not PartnerMembership.objects.exists()
    assert claim.transitions.last().by == insider

    response = client.post(approve, follow=True)
    assert "la seconde doit venir d&#x27;une autre personne de l&#x27;équipe" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "seconde_validation" and not PartnerMembership.objects.exists()
    with pytest.raises(ContributionError):
        approve_claim(claim=claim, by=insider)

    login_as(client, colleague)
    client.post(approve)
    claim.refresh_from_db()
    assert claim.status == "validee"
    assert PartnerMembership.objects.get().user.email == "insider-perso@exemple.re"
    assert [t.by for t in claim.transitions.filter(by__isnull=False)] == [insider, colleague]


def test_an_address_older_than_the_window_needs_one_approval_and_the_window_is_a_setting(settings):
    organisation = OrganisationFactory(email="contact@lakour.re")
    age_history(organisation, days=45)
    staff = StaffFactory(role="Accueil")
    first = confirmed_claim(organisation)
    assert approve_claim(claim=first, by=staff) is not None
    first.refresh_from_db()
    assert first.status == "validee"

    settings.CLAIM_EMAIL_CHANGE_DAYS = 60
    second = confirmed_claim(organisation, email="autre@exemple.re")
    assert approve_claim(claim=second, by=staff) is None
    second.refresh_from_db()
    assert second.status == "seconde_validation"


def test_a_change_just_before_the_claim_still_counts_when_the_claim_is_approved_later(settings):
    organisation = OrganisationFactory(email="contact@lakour.re")
    age_history(organisation, days=20)  # the address was set 20 days before the claim
    claim = confirmed_claim(organisation)
    Claim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - timedelta(days=15))
    claim.refresh_from_db()
    assert approve_claim(claim=claim, by=StaffFactory(role="Accueil")) is None


def test_a_member_cannot_give_their_organisation_the_roles_that_bring_orientations(client):
    organisation = OrganisationFactory()
    member = UserFactory()
    PartnerMembership.objects.create(user=member, organisation=organisation)
    login_as(client, member)
    edit = reverse("annuaire:modifier", args=[organisation.slug])
    page = client.get(edit).content.decode()
    assert 'name="is_support_structure"' not in page and 'name="is_funder"' not in page
    assert 'name="support_stages"' in page

    forged = {"commune": organisation.commune_id, "description": "Nous accompagnons et finançons.",
              "is_support_structure": "on", "is_funder": "on", "support_stages": ["emergence"]}  # fmt: skip
    assert client.post(edit, forged).status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Nous accompagnons et finançons."
    assert (organisation.is_support_structure, organisation.is_funder) == (False, False)

    # Staff set them; the member's next save keeps them.
    Organisation.objects.filter(pk=organisation.pk).update(is_support_structure=True, is_funder=True)
    assert client.post(edit, {"commune": organisation.commune_id, "description": "Mise à jour."}).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.is_support_structure, organisation.is_funder) == (True, True)


def test_staff_set_the_roles_in_the_admin(client):
    organisation = OrganisationFactory()
    login_as(client, StaffFactory(role="Communication"))
    edit_in_admin(client, organisation, is_support_structure="on", is_funder="on")
    assert (organisation.is_support_structure, organisation.is_funder) == (True, True)
