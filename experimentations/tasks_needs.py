"""Celery tasks of buyers' needs (imported by ExperimentationsConfig.ready(): Celery's
autodiscovery reads only `tasks.py`). Beat runs them (cress/celery.py); each only calls its
service, which is idempotent."""

from celery import shared_task

from experimentations import needs


@shared_task(acks_late=True)
def refuse_stale_needs() -> int:
    return needs.refuse_stale_needs()


@shared_task(acks_late=True)
def send_due_surveys() -> int:
    return needs.send_due_surveys()


@shared_task(acks_late=True)
def anonymise_expired_needs() -> int:
    return needs.anonymise_expired_needs()
