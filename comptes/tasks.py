from celery import shared_task

from comptes import services


@shared_task(acks_late=True)
def purge_login_attempts() -> int:
    return services.purge_login_attempts()
