"""Celery tasks of the offers (imported by EmploisConfig.ready(): Celery's autodiscovery reads
only `tasks.py`). Beat runs them (cress/celery.py); each only calls its idempotent service."""

from celery import shared_task

from emplois import offers


@shared_task(acks_late=True)
def expire_offers() -> int:
    return offers.expire_offers()
