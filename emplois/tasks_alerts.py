"""Celery tasks of the job alerts (imported by EmploisConfig.ready(): Celery's autodiscovery
reads only `tasks.py`). Beat runs them (cress/celery.py); each only calls its service, which
is idempotent: a run killed half-way is finished by the next one."""

from celery import shared_task

from emplois import alerts


@shared_task(acks_late=True)
def send_job_alert_digests() -> int:
    return alerts.send_digests()


@shared_task(acks_late=True)
def purge_unconfirmed_job_alerts() -> int:
    return alerts.SUBSCRIPTIONS.purge_unconfirmed()
