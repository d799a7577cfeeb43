"""A staff session left idle for STAFF_IDLE_MINUTES ends at the next request, which says why;
activity keeps it alive; partners keep their normal sessions."""

import time

import pytest
from django.urls import reverse

from comptes.middleware import LAST_SEEN_KEY
from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_as, login_verified

pytestmark = pytest.mark.django_db
ADMIN = "/gestion/"


def idle_for(client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time() - minutes * 60)
    session.save()


def test_an_idle_staff_session_ends_and_the_login_page_says_why(client, settings):
    settings.STAFF_IDLE_MINUTES = 30
    login_verified(client, StaffFactory(role="Accueil"))
    assert client.get(ADMIN).status_code == 200
    assert isinstance(client.session[LAST_SEEN_KEY], int)

    idle_for(client, 31)
    response = client.get(ADMIN + "accueil/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('comptes:connexion')}?next=%2Fgestion%2Faccueil%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Votre session a pris fin après 30 minutes d&#x27;inactivité" in page
    # Logged out for good: the admin asks for the login again.
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))


def test_activity_keeps_a_staff_session_alive(client, settings):
    settings.STAFF_IDLE_MINUTES = 30
    login_verified(client, StaffFactory(role="Accueil"))
    idle_for(client, 29)
    before = client.session[LAST_SEEN_KEY]
    assert client.get(ADMIN).status_code == 200
    assert client.session[LAST_SEEN_KEY] > before  # refreshed: the next 30 minutes start now
    idle_for(client, 0.2)
    seen = client.session[LAST_SEEN_KEY]
    client.get(ADMIN)
    assert client.session[LAST_SEEN_KEY] == seen  # not rewritten more than once a minute


def test_a_partner_session_has_no_idle_timeout(client, settings):
    settings.STAFF_IDLE_MINUTES = 30
    partner = PartnerMembershipFactory(organisation=OrganisationFactory()).user
    login_as(client, partner)
    assert client.get(reverse("mon-espace")).status_code == 200
    idle_for(client, 600)
    assert client.get(reverse("mon-espace")).status_code == 200
