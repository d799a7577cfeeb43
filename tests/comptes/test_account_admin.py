"""Issue 17, finding 2: the Direction role could make itself superuser, join any group and
set anyone's password. Only a superuser grants rights, sets another person's password or
touches a superuser's account; Direction edits names and activation of the others.

Every attack is a POST made directly, as a forged form would be."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission

from comptes.models import User
from comptes.roles import DIRECTION
from tests.comptes.factories import PASSWORD, StaffFactory
from tests.helpers.auth import login_as

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-autre-mot-de-passe-2026"


def admin_url(path):
    return f"/{settings.ADMIN_URL}{path}"


def change_form(user, **values):
    """What the user change form posts."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def direction(client):
    user = StaffFactory(role=DIRECTION, email="direction@exemple.re")
    login_as(client, user)
    return user


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="admin@exemple.re", password=PASSWORD)


def test_direction_cannot_make_itself_superuser_or_join_a_group(client, direction):
    accueil = Group.objects.get(name="Accueil")
    permission = Permission.objects.get(codename="view_outgoingemail")
    response = client.post(
        admin_url(f"comptes/user/{direction.pk}/change/"),
        change_form(
            direction, first_name="Jean-Marc", is_superuser="on", is_staff="on",
            groups=[accueil.pk], user_permissions=[permission.pk],
        ),
    )  # fmt: skip
    assert response.status_code == 302  # the form was accepted...
    direction.refresh_from_db()
    assert direction.first_name == "Jean-Marc"  # ...for the field Direction may edit
    assert not direction.is_superuser  # and for nothing else
    assert list(direction.groups.values_list("name", flat=True)) == [DIRECTION]
    assert not direction.user_permissions.exists()
    assert not direction.has_perm("messagerie.view_outgoingemail")


def test_direction_cannot_give_a_colleague_rights_or_change_their_email(client, direction):
    colleague = StaffFactory(role="Formation", email="formation@exemple.re")
    response = client.post(
        admin_url(f"comptes/user/{colleague.pk}/change/"),
        change_form(colleague, email="moi@exemple.re", is_active="", groups=[Group.objects.get(name="Accueil").pk]),
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active  # Direction may deactivate a departed member of the team
    assert colleague.email == "formation@exemple.re"  # a new address + « mot de passe oublié » = takeover
    assert list(colleague.groups.values_list("name", flat=True)) == ["Formation"]


def test_the_change_form_shows_direction_no_password_link_and_rights_read_only(client, direction):
    colleague = StaffFactory(role="Formation")
    html = client.get(admin_url(f"comptes/user/{colleague.pk}/change/")).content.decode()
    assert 'name="first_name"' in html and 'name="is_active"' in html
    for field in ("email", "is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in html, field
    assert "../password/" not in html and "pbkdf2" not in html.lower() and "md5$" not in html


def test_direction_cannot_set_the_superusers_password(client, direction, superuser):
    url = admin_url(f"comptes/user/{superuser.pk}/password/")
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD) and not superuser.check_password(NEW_PASSWORD)


def test_direction_cannot_set_a_colleagues_or_its_own_password_without_the_old_one(client, direction):
    colleague = StaffFactory(role="Accueil")
    for user in (colleague, direction):
        response = client.post(
            admin_url(f"comptes/user/{user.pk}/password/"),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


def test_direction_cannot_change_a_superusers_account(client, direction, superuser):
    response = client.post(
        admin_url(f"comptes/user/{superuser.pk}/change/"),
        change_form(superuser, email="direction-bis@exemple.re", first_name="Pirate", is_active=""),
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert (superuser.email, superuser.first_name, superuser.is_active) == ("admin@exemple.re", "", True)
    # Still visible, read-only.
    page = client.get(admin_url(f"comptes/user/{superuser.pk}/change/"))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_direction_cannot_add_delete_accounts_or_edit_groups(client, direction):
    colleague = StaffFactory(role="Accueil")
    direction_group = Group.objects.get(name=DIRECTION)
    assert client.get(admin_url("comptes/user/add/")).status_code == 403
    response = client.post(
        admin_url("comptes/user/add/"),
        {"email": "nouveau@exemple.re", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 403 and not User.objects.filter(email="nouveau@exemple.re").exists()
    assert client.post(admin_url(f"comptes/user/{colleague.pk}/delete/"), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=colleague.pk).exists()
    everything = list(Permission.objects.values_list("pk", flat=True))
    response = client.post(
        admin_url(f"auth/group/{direction_group.pk}/change/"), {"name": DIRECTION, "permissions": everything}
    )
    assert response.status_code == 403
    assert client.post(admin_url("auth/group/add/"), {"name": "Tout", "permissions": everything}).status_code == 403
    assert not Group.objects.filter(name="Tout").exists()
    assert direction_group.permissions.count() < len(everything)


def test_a_hand_given_permission_does_not_open_groups_to_a_non_superuser(client, direction):
    # Even if someone gave Direction the group permissions by hand, the admin still refuses.
    direction.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__endswith="_group")
    )
    accueil = Group.objects.get(name="Accueil")
    response = client.post(admin_url(f"auth/group/{accueil.pk}/change/"), {"name": "Accueil", "permissions": []})
    assert response.status_code == 403
    assert accueil.permissions.exists()


def test_a_superuser_still_grants_rights_and_sets_passwords(client, superuser):
    login_as(client, superuser)
    staff = StaffFactory(role="Formation")
    accueil = Group.objects.get(name="Accueil")
    response = client.post(
        admin_url(f"comptes/user/{staff.pk}/change/"),
        change_form(staff, is_staff="on", groups=[accueil.pk], email="nouvelle@exemple.re"),
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.email == "nouvelle@exemple.re"
    assert list(staff.groups.values_list("name", flat=True)) == ["Accueil"]
    response = client.post(
        admin_url(f"comptes/user/{staff.pk}/password/"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
