"""Tasks of « L'ESS et vous »: the good-practices report built by a worker, and the purge of
the Prix's jury records past their retention (cress/celery.py's beat)."""

from celery import shared_task

from appartenance import personal_data, report


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), max_retries=3, retry_backoff=True)
def build_guide_report_task(assessment_id: int) -> bool:
    return report.build_report(assessment_id=assessment_id)


@shared_task(acks_late=True)
def purge_expired_jury_records() -> int:
    return personal_data.purge_expired_jury_records()
