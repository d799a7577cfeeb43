"""Account operations."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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
