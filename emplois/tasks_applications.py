"""Celery tasks of applications (imported by EmploisConfig.ready(): Celery's autodiscovery
reads only `tasks.py`). Beat runs them (cress/celery.py); each only calls its service, which
is idempotent."""

from celery import shared_task

from emplois import applications


@shared_task(acks_late=True)
def purge_expired_applications() -> int:
    return applications.purge_expired_applications()
