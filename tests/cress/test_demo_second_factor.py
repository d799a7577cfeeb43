"""How a newcomer logs in to the demo admin: password, then the code of the published demo key."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cress.demo import DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET

pytestmark = pytest.mark.django_db


def test_demo_staff_log_in_with_the_code_of_the_published_demo_key(client, settings):
    settings.DEMO_MODE = True
    printed = StringIO()
    call_command("seed_demo", "--size", "0", stdout=printed)
    call_command("seed_demo", "--size", "0", stdout=StringIO())  # idempotent: one device each
    assert DEMO_TOTP_SECRET in printed.getvalue() and "manage.py demo_totp" in printed.getvalue()
    assert TOTPDevice.objects.filter(confirmed=True).count() == len(DEMO_STAFF)

    shown = StringIO()
    call_command("demo_totp", stdout=shown)
    code = re.search(r"\b(\d{6})\b", shown.getvalue()).group(1)
    client.post(reverse("comptes:connexion"), {"username": "accueil@demo.ess-reunion.re", "password": DEMO_PASSWORD})
    assert client.post(reverse("comptes:verification"), {"code": code}).status_code == 302
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200


def test_no_demo_code_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="mode démo"):
        call_command("demo_totp", stdout=StringIO())
