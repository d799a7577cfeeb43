"""Account operations."""

import secrets
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.models import RecoveryCode, RecoveryCodeSet, recovery_code_digest
from comptes.tokens import activation_token_generator
from messagerie.links import LinkUnavailable

# Names of the private links this app mints (messagerie.links).
RESET_LINK = "comptes.reinitialisation"
ACTIVATION_LINK = "comptes.activation"


def _account_link(*, user: int, url_name: str, generator) -> str:
    account = get_user_model().objects.filter(pk=user, is_active=True).first()
    if account is None:
        raise LinkUnavailable("ce compte n'existe plus ou est désactivé.")
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    return settings.SITE_URL + reverse(url_name, args=[uid, generator.make_token(account)])


def build_reset_link(*, user: int) -> str:
    """Link builder: a password reset link (signed, valid PASSWORD_RESET_TIMEOUT, one use)."""
    return _account_link(user=user, url_name="comptes:mot-de-passe-nouveau", generator=default_token_generator)


def build_activation_link(*, user: int) -> str:
    """Link builder: the first-password link of an account given access by the CRESS."""
    return _account_link(user=user, url_name="comptes:activation", generator=activation_token_generator)


def purge_login_attempts() -> int:
    """RGPD: delete login records (email, IP address) older than the retention period."""
    cutoff = timezone.now() - timedelta(days=settings.LOGIN_ATTEMPTS_RETENTION_DAYS)
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


# --- Second factor (TOTP with django-otp, and recovery codes) ---------------------------

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud, typed by hand
TOTP_DEVICE_NAME = "Application d'authentification"


class SecondFactorThrottled(Exception):
    """Codes were refused just before: django-otp asks to wait before checking another."""


def needs_second_factor(user) -> bool:
    """Staff always; a partner once they have enrolled an authenticator app."""
    return user.is_staff or has_second_factor(user)


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def start_totp_enrolment(*, user) -> TOTPDevice:
    """The authenticator app being set up: an unconfirmed TOTP device, the same until confirmed.

    Refused once a device is confirmed: a second one would let whoever holds the password
    alone replace the factor (`remove_second_factor` first, from a verified session).
    """
    if has_second_factor(user):
        raise ValueError("Une application d'authentification est déjà enregistrée pour ce compte.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(*, user, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the device being set up with a code it produced; then issue recovery codes.

    Returns the device and the recovery codes in clear (shown once, stored hashed), or None
    when the code is wrong. Raises SecondFactorThrottled after too many wrong codes in a row.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or has_second_factor(user):
        return None
    if not device.verify_is_allowed()[0]:
        raise SecondFactorThrottled
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return device, issue_recovery_codes(user=user)


@transaction.atomic
def issue_recovery_codes(*, user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; return them in clear, once."""
    code_set, _ = RecoveryCodeSet.objects.select_for_update().get_or_create(
        user=user, defaults={"name": "Codes de secours"}
    )
    code_set.codes.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(code_set=code_set, digest=recovery_code_digest(code)) for code in codes
    )
    return codes


def _new_recovery_code() -> str:
    """16 random characters (about 79 bits) in four groups: « 7KQ2-M9XD-… »."""
    return "-".join("".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(4)) for _ in range(4))


def remaining_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(code_set__user=user, used_at__isnull=True).count()


@transaction.atomic
def verify_second_factor(*, user, code: str) -> TOTPDevice | RecoveryCodeSet | None:
    """The device that accepts `code`: six digits are a TOTP code, anything else a recovery code.

    Each code works once (django-otp refuses a TOTP code already used; a recovery code is
    marked used). Raises SecondFactorThrottled while django-otp asks to wait after failures.
    """
    code = "".join(code.split())
    if code.isdigit() and len(code) == 6:
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    else:
        device = RecoveryCodeSet.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return None
    if not device.verify_is_allowed()[0]:
        raise SecondFactorThrottled
    return device if device.verify_token(code) else None


@transaction.atomic
def remove_second_factor(*, user) -> None:
    """Forget the user's authenticator app and recovery codes.

    A partner has then no second factor; a staff member is asked to enrol again before the
    next admin page.
    """
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeSet.objects.filter(user=user).delete()
