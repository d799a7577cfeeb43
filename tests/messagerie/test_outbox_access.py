"""Issue 17, finding 1 (admin side): the outbox carries private links (password resets,
tracking and partner pages), so no staff role reads it; superusers only."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from comptes.models import User
from comptes.roles import ROLE_NAMES
from messagerie.models import OutgoingEmail
from tests.accueil.factories import make_request
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db


def outbox_urls():
    make_request()  # queues the holder's confirmation email, with its tracking link
    email = OutgoingEmail.objects.order_by("pk").first()
    root = f"/{settings.ADMIN_URL}messagerie/outgoingemail/"
    return [root, f"{root}{email.pk}/change/", f"{root}{email.pk}/history/"]


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_no_role_reads_the_outbox(client, role):
    login_as(client, StaffFactory(role=role))
    for url in outbox_urls():
        assert client.get(url).status_code == 403, url
    assert client.get(f"/{settings.ADMIN_URL}messagerie/").status_code == 404
    assert "outgoingemail" not in client.get(f"/{settings.ADMIN_URL}").content.decode()


def test_a_hand_given_permission_does_not_open_the_outbox(client):
    staff = StaffFactory(role="Communication")
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="messagerie"))
    login_as(client, staff)
    for url in outbox_urls():
        assert client.get(url).status_code == 403, url


def test_superusers_read_the_outbox(client):
    login_as(client, User.objects.create_superuser(email="admin@exemple.re", password=PASSWORD))
    for url in outbox_urls():
        assert client.get(url).status_code == 200, url
