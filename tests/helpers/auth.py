"""Logging staff in, second factor included: the one way tests do it.

- `login_verified(client, user)`: a session whose second factor is verified, as after a
  real login with a TOTP code (use it instead of `client.force_login` for staff).
- `totp_code(device)`: the code an authenticator app shows now for a device;
  `pass_second_factor(client, user)` posts it after a password login.
- `browser_login(page, base_url, email, password)`: logs in through the admin's login form
  in a real browser and passes the second-factor step (`browser_second_factor`), enrolling
  if needed.
"""

import re
import time
from base64 import b32decode

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    """The user's authenticator app, enrolled now if they had none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Application de test", confirmed=True)


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the app shows now, or the next one if now's was already used (django-otp
    accepts each time step once, and one step ahead of its clock)."""
    device.refresh_from_db()
    if at is None:
        at = max(time.time(), device.t0 + (device.last_t + 1) * device.step)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at
    return f"{totp.token():0{device.digits}d}"


def totp_code_from_secret(secret: str) -> str:
    """What an authenticator app shows for a base32 secret typed by hand."""
    key = b32decode(secret.replace(" ", "").upper())
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def login_verified(client, user):
    """Log `user` in with a verified second factor (enrolling a device if needed); return the user."""
    device = confirmed_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def pass_second_factor(client, user):
    """The code step after a password login through the test client: a code of the user's app."""
    from django.urls import reverse

    response = client.post(reverse("comptes:verification"), {"code": totp_code(confirmed_device(user))})
    assert response.status_code == 302, response.content.decode()
    return response


def browser_login(page, base_url: str, email: str, password: str) -> None:
    """The admin's login form, then the code step (`browser_second_factor`)."""
    page.goto(f"{base_url}/{settings.ADMIN_URL}login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("[type=submit]")
    browser_second_factor(page, email)


def browser_second_factor(page, email: str) -> None:
    """After the password: verify with the enrolled app, or enrol one from the shown key."""
    page.wait_for_load_state()
    if "/double-authentification/activation/" in page.url:
        secret = page.locator("#cle-secrete").inner_text()
        page.get_by_label("Code à 6 chiffres").fill(totp_code_from_secret(secret))
        page.get_by_role("button", name="Activer la double authentification").click()
        page.get_by_role("link", name=re.compile("J'ai noté mes codes")).click()
    elif "/connexion/verification/" in page.url:
        from comptes.models import User

        device = TOTPDevice.objects.get(user=User.objects.get(email=email.lower()), confirmed=True)
        page.get_by_label("Code à 6 chiffres").fill(totp_code(device))
        page.get_by_role("button", name="Vérifier").click()
    page.wait_for_load_state()


def login_as(client, user):
    """Log `user` in on the Django test client, as after a complete login (staff with their
    second factor verified); the access matrix opens every session through here."""
    if user.is_staff:
        login_verified(client, user)
    else:
        client.force_login(user)
    return client
