"""Tasks of the skills record: the PDF summary built by a worker, the daily purge."""

from celery import shared_task

from emplois import skills


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=3, retry_backoff=True)
def build_skills_pdf_task(record_id: int) -> bool:
    return skills.build_pdf(record_id=record_id)


@shared_task
def purge_idle_skills_records() -> int:
    return skills.purge_idle_records()
