"""When the daily orientation job runs. Plain Python (cress/celery.py imports it before
Django is set up), so that the beat schedule and the pages that tell its dates agree."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

# The local time of the daily run that reminds and expires orientations.
ORIENTATION_JOB_TIME = time(8, 0)


def next_daily_run(moment: datetime) -> datetime:
    """The first run of the daily orientation job at or after `moment` (local time)."""
    local = timezone.localtime(moment)
    run = local.replace(hour=ORIENTATION_JOB_TIME.hour, minute=ORIENTATION_JOB_TIME.minute, second=0, microsecond=0)
    return run if run >= local else run + timedelta(days=1)


def last_daily_run(moment: datetime) -> datetime:
    """The last run of the daily orientation job at or before `moment` (local time)."""
    run = next_daily_run(moment)
    return run if run == timezone.localtime(moment) else run - timedelta(days=1)


def reminder_delay() -> timedelta:
    """From an orientation's sending to the moment its structure is reminded."""
    return timedelta(days=settings.ORIENTATION_REMINDER_DAYS)


def expiry_delay() -> timedelta:
    """From an orientation's sending to the moment it expires without an answer."""
    return timedelta(days=settings.ORIENTATION_EXPIRY_DAYS)
