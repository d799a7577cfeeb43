"""Celery tasks of the supplier batches (imported by ExperimentationsConfig.ready(): Celery's
autodiscovery reads only `tasks.py`). Beat runs them (cress/celery.py); each only calls its
service, which is idempotent."""

from celery import shared_task

from experimentations import batches


@shared_task(acks_late=True)
def send_due_batches() -> int:
    return batches.send_due_batches()


@shared_task(acks_late=True)
def remind_suppliers() -> int:
    return batches.remind_suppliers()
