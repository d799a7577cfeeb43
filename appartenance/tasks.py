"""Tasks of « L'ESS et vous »: the good-practices report built by a worker."""

from celery import shared_task

from appartenance import report


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=3, retry_backoff=True)
def build_guide_report_task(assessment_id: int) -> bool:
    return report.build_report(assessment_id=assessment_id)
