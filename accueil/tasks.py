from celery import shared_task

from accueil import services


@shared_task(acks_late=True)
def apply_retention() -> dict:
    return services.apply_retention()
