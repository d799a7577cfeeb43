from celery import shared_task

from formation import registrations, retention


@shared_task(acks_late=True)
def expire_offers() -> dict:
    return registrations.expire_offers()


@shared_task
def anonymise_past_registrations() -> int:
    return retention.anonymise_past_registrations()


@shared_task(acks_late=True)
def anonymise_handled_complaints() -> int:
    return retention.anonymise_handled_complaints()
