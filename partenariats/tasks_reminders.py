"""Celery tasks of the reminders (imported by PartenariatsConfig.ready(): Celery's
autodiscovery reads only `tasks.py`). Beat runs them (cress/celery.py); each only calls
its service, which is idempotent."""

from celery import shared_task

from partenariats import reminders


@shared_task(acks_late=True)
def sweep_conventions() -> dict:
    return reminders.sweep_conventions()


@shared_task(acks_late=True)
def send_weekly_digests() -> int:
    return reminders.send_weekly_digests()
