"""Celery tasks of the scheduled emails (imported by FormationConfig.ready(): Celery's
autodiscovery reads only `tasks.py`)."""

from celery import shared_task

from formation import schedule


@shared_task(acks_late=True)
def queue_scheduled_emails() -> dict:
    return schedule.queue_scheduled_emails()
