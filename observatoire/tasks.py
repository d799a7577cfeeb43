from celery import shared_task

from observatoire import services


@shared_task(acks_late=True)
def run_import_task(import_id: int) -> str:
    return services.run_import(import_id=import_id).status
