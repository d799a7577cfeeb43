"""Tasks of the committees: the minutes' PDF built and emailed by a worker (imported in
PartenariatsConfig.ready(): only tasks.py modules are autodiscovered)."""

from celery import shared_task
from django.db import OperationalError

from partenariats import committees


@shared_task(acks_late=True, autoretry_for=(ConnectionError, OperationalError), max_retries=3, retry_backoff=True)
def deliver_minutes_task(committee_id: int) -> int:
    """How many emails were queued (none when run again on the same minutes)."""
    return committees.deliver_minutes(committee_id=committee_id)
