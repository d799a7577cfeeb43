from celery import shared_task

from accueil import services


@shared_task(acks_late=True)
def apply_retention() -> dict:
    return services.apply_retention()


@shared_task(acks_late=True)
def remind_and_expire_orientations() -> dict:
    from accueil.orientation import remind_and_expire

    return remind_and_expire()


@shared_task(acks_late=True)
def remind_staff_of_stale_requests() -> int:
    return services.remind_staff_of_stale_requests()
