from celery import shared_task

from formation import registrations


@shared_task(acks_late=True)
def expire_offers() -> dict:
    return registrations.expire_offers()
