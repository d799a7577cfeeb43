"""When the daily orientation job runs. Plain Python (cress/celery.py imports it before
Django is set up), so that the beat schedule and the pages that tell its dates agree."""

from datetime import datetime, time, timedelta

from django.utils import timezone

# The local time of the daily run that reminds and expires orientations.
ORIENTATION_JOB_TIME = time(8, 0)


def next_daily_run(moment: datetime) -> datetime:
    """The first run of the daily orientation job at or after `moment` (local time)."""
    local = timezone.localtime(moment)
    run = local.replace(hour=ORIENTATION_JOB_TIME.hour, minute=ORIENTATION_JOB_TIME.minute, second=0, microsecond=0)
    return run if run >= local else run + timedelta(days=1)
