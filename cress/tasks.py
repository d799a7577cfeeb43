from celery import shared_task

from cress import services


@shared_task(acks_late=True)
def report_orphan_files() -> dict:
    report = services.report_orphan_files()
    return {"fichiers_orphelins": len(report.orphan_files), "fichiers_manquants": len(report.missing_files)}
