"""Account operations."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone


def purge_login_attempts() -> int:
    """RGPD: delete login records (email, IP address) older than the retention period."""
    cutoff = timezone.now() - timedelta(days=settings.LOGIN_ATTEMPTS_RETENTION_DAYS)
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted
