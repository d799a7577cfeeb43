"""Celery tasks of HR support (the beat_schedule is in cress/celery.py)."""

from celery import shared_task

from formation import hr


@shared_task(acks_late=True)
def anonymise_closed_hr_requests() -> int:
    return hr.anonymise_closed_hr_requests()
