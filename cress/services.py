"""Operations of the composition root that look across every app."""

from django.conf import settings
from django.utils import timezone

from lib.media import OrphanReport, find_orphans
from messagerie.services import queue_email

# Names listed in the email; the management command prints them all.
EMAIL_LIST_LIMIT = 50


def report_orphan_files() -> OrphanReport:
    """Weekly: compare the stored files with the rows that name them and, only when they
    differ, email the list to CONTACT_EMAIL (once a day at most). Returns the report."""
    report = find_orphans()
    if report:
        queue_email(
            to=settings.CONTACT_EMAIL,
            template="cress/fichiers_orphelins",
            context={
                "orphan_count": len(report.orphan_files),
                "orphan_files": report.orphan_files[:EMAIL_LIST_LIMIT],
                "orphan_more": max(0, len(report.orphan_files) - EMAIL_LIST_LIMIT),
                "missing_count": len(report.missing_files),
                "missing_files": report.missing_files[:EMAIL_LIST_LIMIT],
                "missing_more": max(0, len(report.missing_files) - EMAIL_LIST_LIMIT),
            },
            dedup_key=f"fichiers-orphelins:{timezone.localdate().isoformat()}",
        )
    return report
