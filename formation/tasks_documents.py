"""Tasks of the session documents: a certificate built and emailed by a worker."""

from celery import shared_task

from formation import documents


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=3, retry_backoff=True)
def issue_certificate_task(registration_id: int) -> str:
    issued = documents.issue_certificate(registration_id=registration_id)
    return issued.certificate_number if issued is not None else "refusée"
