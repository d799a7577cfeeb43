from celery import shared_task

from territoires import documents


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=3, retry_backoff=True)
def build_plan_pdf_task(slug: str) -> bool:
    return documents.build_plan_pdf(slug=slug)
