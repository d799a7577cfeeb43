"""Celery tasks of the alerts (imported by ExperimentationsConfig.ready(): Celery's
autodiscovery reads only `tasks.py`). Beat runs them (cress/celery.py); each only calls its
service, which is idempotent: a run killed half-way is finished by the next one."""

from celery import shared_task

from experimentations import alerts


@shared_task(acks_late=True)
def send_alert_digests() -> int:
    return alerts.send_digests()


@shared_task(acks_late=True)
def send_alert_reminders() -> int:
    return alerts.send_deadline_reminders()


@shared_task(acks_late=True)
def purge_unconfirmed_alerts() -> int:
    return alerts.purge_unconfirmed_alerts()
