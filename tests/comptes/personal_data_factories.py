"""Everything comptes can hold about one person: an account with a second factor, an open
session, login records (a success, then a failure), the admin log's lines about them, and an
email to a structure that names them without their address (found through the account)."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.services import issue_recovery_codes
from messagerie.models import OutgoingEmail
from tests.comptes.factories import PASSWORD

USER_AGENT = "Navigateur de test RGPD"
STAFF_EMAIL = "gestion.rgpd@cress.exemple"


def staff_member():
    staff, _ = get_user_model().objects.get_or_create(
        email=STAFF_EMAIL, defaults={"first_name": "Gestion", "last_name": "RGPD", "is_staff": True}
    )
    return staff


def person_account(email, first_name, last_name):
    """The person's partner account (created once, whichever app's factory asks first)."""
    user, _ = get_user_model().objects.get_or_create(
        email=email.lower(), defaults={"first_name": first_name, "last_name": last_name}
    )
    if not user.check_password(PASSWORD):  # made without one by another app's factory
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


def make_person(email, first_name, last_name) -> None:
    user = person_account(email, first_name, last_name)
    client = Client(HTTP_USER_AGENT=USER_AGENT)
    answer = client.post(reverse("comptes:connexion"), {"username": email.upper(), "password": PASSWORD})
    assert answer.status_code == 302, "the person logs in (a session and a login record)"
    refused = Client(HTTP_USER_AGENT=USER_AGENT).post(
        reverse("comptes:connexion"), {"username": email, "password": "pas-le-bon-mot-de-passe"}
    )
    assert refused.status_code == 200, "a wrong password is recorded"
    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=True)
        issue_recovery_codes(user=user)
    user_type = ContentType.objects.get_for_model(get_user_model())
    LogEntry.objects.create(
        user=staff_member(),
        content_type=user_type,
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Pr\\u00e9nom"]}}]',
    )
    LogEntry.objects.create(
        user=staff_member(),
        content_type=ContentType.objects.get_for_model(Group),
        object_id="0",
        object_repr=email,  # a row shown by its address (a subscriber, an email)
        action_flag=CHANGE,
        change_message="",
    )
    OutgoingEmail.objects.create(
        to="accueil-partenaire@structure.exemple",
        subject="Une demande vous est orientée",
        body_text=f"La demande de {first_name} {last_name} vous est orientée par la CRESS.",
        kind="accueil/orientation",
    )
