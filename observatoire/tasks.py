from celery import shared_task

from observatoire import panoramas, services


@shared_task(acks_late=True)
def run_import_task(import_id: int) -> str:
    return services.run_import(import_id=import_id).status


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=3, retry_backoff=True)
def build_panorama_task(panorama_id: int) -> str:
    return panoramas.build_panorama(panorama_id=panorama_id).status


@shared_task
def purge_panorama_requests() -> int:
    return panoramas.purge_panorama_requests()


@shared_task
def requeue_stalled_panoramas() -> int:
    return panoramas.requeue_stalled_panoramas()


@shared_task
def purge_waiting_imports() -> int:
    return services.purge_waiting_imports()
