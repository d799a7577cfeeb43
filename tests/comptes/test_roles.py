import pytest
from django.contrib.auth.models import Group

from comptes.roles import ROLES, sync_role_permissions
from tests.comptes.factories import StaffFactory
from tests.helpers.auth import login_verified

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.group for role in ROLES} <= names
    assert names >= {"Accueil", "Observatoire", "Communication", "Formation", "Partenariats", "Direction"}
    for role in ROLES:
        assert Group.objects.get(name=role.group).permissions.exists(), role.group


@pytest.mark.parametrize(
    ("role", "permission", "granted"),
    [
        ("Accueil", "annuaire.change_organisation", True),
        ("Accueil", "annuaire.delete_organisation", False),
        ("Accueil", "comptes.change_user", False),
        ("Observatoire", "referentiels.change_territory", True),
        ("Communication", "annuaire.add_organisation", True),
        ("Formation", "annuaire.change_organisation", False),
        ("Partenariats", "annuaire.delete_organisation", True),
        ("Direction", "comptes.change_user", True),
        ("Direction", "annuaire.change_organisation", False),
        ("Direction", "messagerie.view_outgoingemail", True),
    ],
)
def test_role_permissions(role, permission, granted):
    user = StaffFactory(role=role)
    assert user.has_perm(permission) is granted


def test_sync_is_idempotent():
    before = {group.name: set(group.permissions.values_list("pk", flat=True)) for group in Group.objects.all()}
    from django.contrib.auth.models import Permission

    sync_role_permissions(group_model=Group, permission_model=Permission)
    after = {group.name: set(group.permissions.values_list("pk", flat=True)) for group in Group.objects.all()}
    assert after == before


def test_staff_sees_only_what_their_role_allows_in_the_admin(client, settings):
    user = StaffFactory(role="Formation")
    login_verified(client, user)
    admin = f"/{settings.ADMIN_URL}"
    assert client.get(f"{admin}annuaire/organisation/").status_code == 200
    assert client.get(f"{admin}annuaire/organisation/add/").status_code == 403
    assert client.get(f"{admin}comptes/user/").status_code == 403


def test_a_partner_user_cannot_enter_the_admin(client, settings):
    from tests.comptes.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(f"/{settings.ADMIN_URL}")
    assert response.status_code == 302
    assert "login" in response.headers["Location"]
