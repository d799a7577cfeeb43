import pytest
from django.contrib.auth.models import Group

from comptes.roles import ROLE_NAMES, ROLES, Sensitivity, sync_role_permissions
from cress.access import MODEL_RULES
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
        ("Accueil", "accueil.add_internalnote", True),
        ("Accueil", "accueil.change_intakerequest", True),
        ("Accueil", "accueil.delete_intakerequest", False),
        ("Accueil", "accueil.view_participantprofile", True),
        ("Accueil", "messagerie.view_outgoingemail", False),
        ("Observatoire", "referentiels.change_territory", True),
        ("Observatoire", "referentiels.delete_territory", False),
        ("Observatoire", "annuaire.delete_organisation", True),
        ("Communication", "annuaire.add_organisation", True),
        ("Communication", "annuaire.delete_organisation", False),
        ("Communication", "communication.delete_subscriber", False),
        ("Communication", "messagerie.view_outgoingemail", False),
        ("Formation", "annuaire.change_organisation", False),
        ("Formation", "messagerie.view_outgoingemail", False),
        ("Partenariats", "annuaire.delete_organisation", False),
        ("Direction", "comptes.view_user", True),
        ("Direction", "comptes.change_user", True),
        ("Direction", "comptes.add_user", False),
        ("Direction", "comptes.delete_user", False),
        ("Direction", "annuaire.view_partnermembership", True),
        ("Direction", "annuaire.change_partnermembership", False),
        ("Accueil", "annuaire.view_partnermembership", False),
        ("Direction", "auth.change_group", False),
        ("Direction", "auth.view_group", True),
        ("Direction", "annuaire.change_organisation", False),
        ("Direction", "accueil.view_participantprofile", False),
        ("Direction", "messagerie.view_outgoingemail", False),
    ],
)
def test_role_permissions(role, permission, granted):
    user = StaffFactory(role=role)
    assert user.has_perm(permission) is granted


def test_no_role_reads_the_outbox_deletes_intake_data_or_grants_rights():
    granting = ("auth.", "comptes.", "axes.", "sessions.", "admin.")
    for role in ROLE_NAMES:
        perms = StaffFactory(role=role).get_all_permissions()
        assert not any(perm.startswith("messagerie.") for perm in perms), role
        assert not any(perm.startswith("accueil.delete_") for perm in perms), role
        writes = {perm for perm in perms if perm.startswith(granting) and not perm.split(".")[1].startswith("view_")}
        assert writes <= {"comptes.change_user"}, role  # Direction: names and activation only (comptes/admin.py)


def test_personal_and_secret_data_are_never_deleted_by_a_role():
    for rule in MODEL_RULES:
        if Sensitivity.PERSONAL in rule.kinds or Sensitivity.SECRET in rule.kinds:
            deleters = [role for role, actions in rule.rights.items() if "delete" in actions]
            if rule.model == "annuaire.Organisation":
                assert deleters == ["Observatoire"]  # the published record of a legal person; see the note
            else:
                assert deleters == [], rule.model


def test_sync_is_idempotent():
    before = {group.name: set(group.permissions.values_list("pk", flat=True)) for group in Group.objects.all()}
    from django.contrib.auth.models import Permission

    sync_role_permissions(rules=MODEL_RULES, group_model=Group, permission_model=Permission)
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
