"""The portal's Celery app as a test's `celery beat` process loads it (tests/helpers/beat.py):
the real entries of cress/celery.py's beat_schedule named in BEAT_ENTRIES, each firing every
BEAT_EVERY_SECONDS instead of at its hour, so that a test sees beat send them."""

import os
from datetime import timedelta

from cress.celery import app

_every = timedelta(seconds=float(os.environ.get("BEAT_EVERY_SECONDS", "1")))
app.conf.beat_schedule = {
    name: {**app.conf.beat_schedule[name], "schedule": _every} for name in os.environ["BEAT_ENTRIES"].split(",")
}
