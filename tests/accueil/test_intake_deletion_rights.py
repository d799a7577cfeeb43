"""Issue 17, finding 5: the intake role could delete requests, one or all (with their log,
messages and FSE answers). Nobody but a superuser deletes an intake request."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from accueil.models import IntakeRequest, Orientation
from accueil.orientation import orient
from accueil.services import transition_request
from comptes.models import User
from comptes.roles import ACCUEIL, ROLE_NAMES
from tests.accueil.factories import make_request
from tests.annuaire.factories import OrganisationFactory
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}accueil/"


@pytest.fixture
def intakes():
    first, _ = make_request(email="une@exemple.re")
    second, _ = make_request(email="deux@exemple.re", title="Ressourcerie du Port")
    transition_request(intake=first, target="qualification")
    orient(intake=first, organisations=[OrganisationFactory(email="kaz@exemple.re")], by=None)
    return [first, second]


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_no_role_deletes_intake_requests(client, role, intakes):
    login_as(client, StaffFactory(role=role))
    intake = intakes[0]
    orientation = Orientation.objects.get()
    assert client.get(f"{ADMIN}intakerequest/{intake.pk}/delete/").status_code == 403
    assert client.post(f"{ADMIN}intakerequest/{intake.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{ADMIN}orientation/{orientation.pk}/delete/", {"post": "yes"}).status_code == 403
    # The bulk action, on every row (« select across »), confirmed at once.
    client.post(
        f"{ADMIN}intakerequest/",
        {"action": "delete_selected", "select_across": "1", "index": "0", "_selected_action": [intakes[1].pk],
         "post": "yes"},
    )  # fmt: skip
    assert IntakeRequest.objects.count() == 2 and Orientation.objects.count() == 1


def test_the_delete_action_is_not_offered_even_with_a_hand_given_permission(client, intakes):
    staff = StaffFactory(role=ACCUEIL)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["delete_intakerequest", "delete_orientation"]))
    login_as(client, staff)
    page = client.get(f"{ADMIN}intakerequest/").content.decode()
    assert 'value="delete_selected"' not in page and 'value="assign_to_me"' in page
    client.post(
        f"{ADMIN}intakerequest/",
        {"action": "delete_selected", "select_across": "1", "index": "0", "_selected_action": [intakes[0].pk],
         "post": "yes"},
    )  # fmt: skip
    assert IntakeRequest.objects.count() == 2
    assert client.get(f"{ADMIN}intakerequest/{intakes[0].pk}/delete/").status_code == 403


def test_a_superusers_deletion_page_is_the_erasure_page(client, intakes):
    login_as(client, User.objects.create_superuser(email="admin@exemple.re", password=PASSWORD))
    response = client.get(f"{ADMIN}intakerequest/{intakes[1].pk}/delete/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{intakes[1].pk}/effacer/")
