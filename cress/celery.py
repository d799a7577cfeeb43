"""The Celery application of the portal.

Configuration comes from Django settings (prefix CELERY_). Every periodic job of
every app is declared here, in one beat_schedule, so that one file says what runs
when. Far-future work is never a long countdown: it is a database row that one of
these sweeps picks up (see FACTS.md on Redis visibility timeouts).
"""

import os

from celery import Celery, signals
from celery.schedules import crontab

from accueil.schedule import ORIENTATION_JOB_TIME

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cress.settings")

app = Celery("cress")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _logging_from_django(**kwargs):
    """The worker and beat log as the web does (settings.LOGGING: JSON lines in production, each
    with the request id), instead of Celery's own format."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def _connect_request_ids():
    from cress import logs

    signals.before_task_publish.connect(logs.carry_request_id, weak=False)
    signals.task_prerun.connect(logs.adopt_request_id, weak=False)
    signals.task_postrun.connect(logs.drop_request_id, weak=False)


_connect_request_ids()

app.conf.beat_schedule = {
    # Emails left unsent (broker down when they were queued, worker crash) are
    # enqueued again; a row already sent is never sent twice.
    "messagerie-sweep-outbox": {
        "task": "messagerie.tasks.sweep_outbox",
        "schedule": crontab(minute="*/5"),
    },
    # RGPD: sent emails hold personal data; they are deleted after the retention period.
    "messagerie-purge-sent-emails": {
        "task": "messagerie.tasks.purge_sent_emails",
        "schedule": crontab(hour=3, minute=10),
    },
    # Hashes of private links expired for a month are of no use any more.
    "messagerie-purge-expired-links": {
        "task": "messagerie.tasks.purge_expired_links",
        "schedule": crontab(hour=3, minute=15),
    },
    # RGPD: login attempts hold an email and an IP address.
    "comptes-purge-login-attempts": {
        "task": "comptes.tasks.purge_login_attempts",
        "schedule": crontab(hour=3, minute=20),
    },
    # RGPD: processed contributions and claims (names, addresses) are deleted after a year.
    "annuaire-purge-processed-requests": {
        "task": "annuaire.tasks.purge_processed_requests",
        "schedule": crontab(hour=3, minute=30),
    },
    # RGPD: documents of closed requests deleted after 6 months, requests anonymised after 36.
    "accueil-apply-retention": {
        "task": "accueil.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=40),
    },
    # RGPD: employers' HR support requests anonymised 36 months after closing.
    "formation-anonymise-hr-requests": {
        "task": "formation.tasks_hr.anonymise_closed_hr_requests",
        "schedule": crontab(hour=2, minute=50),
    },
    # Staff: the open requests with no action for a week, each morning.
    "accueil-remind-staff": {
        "task": "accueil.tasks.remind_staff_of_stale_requests",
        "schedule": crontab(hour=7, minute=30),
    },
    # Orientations: reminder to structures that have not answered, then expiry.
    "accueil-remind-and-expire-orientations": {
        "task": "accueil.tasks.remind_and_expire_orientations",
        "schedule": crontab(hour=ORIENTATION_JOB_TIME.hour, minute=ORIENTATION_JOB_TIME.minute),
    },
    # Newsletter: a send whose worker died goes on where it stopped (its interrupted
    # rows are marked uncertain, never sent twice).
    "communication-resume-newsletter-sends": {
        "task": "communication.tasks.resume_stalled_sends",
        "schedule": crontab(minute="*/2"),
    },
    # RGPD: newsletter subscriptions never confirmed are deleted.
    "communication-purge-unconfirmed-subscriptions": {
        "task": "communication.tasks.purge_unconfirmed_subscriptions",
        "schedule": crontab(hour=3, minute=40),
    },
    # Panorama builds lost on the way (broker down, worker gone) are queued again.
    "observatoire-requeue-stalled-panoramas": {
        "task": "observatoire.tasks.requeue_stalled_panoramas",
        "schedule": crontab(minute="*/5"),
    },
    # RGPD: panorama requests (an email address each) are deleted after a week.
    "observatoire-purge-panorama-requests": {
        "task": "observatoire.tasks.purge_panorama_requests",
        "schedule": crontab(hour=3, minute=50),
    },
    # RGPD and INSEE's secrecy: an uploaded establishment file never launched is deleted.
    "observatoire-purge-waiting-imports": {
        "task": "observatoire.tasks.purge_waiting_imports",
        "schedule": crontab(hour=3, minute=55),
    },
    # Formation: each hour, the convocations, reminders and surveys that are due are queued
    # once each (formation/schedule.py; the moments come from the sessions' rows).
    "formation-queue-scheduled-emails": {
        "task": "formation.tasks_schedule.queue_scheduled_emails",
        "schedule": crontab(minute=25),
    },
    # Partenariats: each hour, commitments past due become « en retard », conventions past
    # their end « échue », and the end-of-convention and committee reminders due are queued
    # once each (partenariats/reminders.py; the moments come from the rows).
    # Achats responsables: a need left « modification demandée » NEED_CHANGES_DAYS without the
    # buyer's answer is refused; the survey NEED_SURVEY_DAYS after a need's deadline (each once).
    "experimentations-refuse-stale-needs": {
        "task": "experimentations.tasks_needs.refuse_stale_needs",
        "schedule": crontab(minute=40),
    },
    "experimentations-send-need-surveys": {
        "task": "experimentations.tasks_needs.send_due_surveys",
        "schedule": crontab(hour=9, minute=5),
    },
    "partenariats-sweep-conventions": {
        "task": "partenariats.tasks_reminders.sweep_conventions",
        "schedule": crontab(minute=35),
    },
    # Partenariats: on Monday morning (Réunion time, CELERY_TIMEZONE), each owner's digest of
    # overdue and due-soon commitments, once per week.
    "partenariats-weekly-digests": {
        "task": "partenariats.tasks_reminders.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
    },
    # Expérimentations, alerts: each morning (Réunion time), the daily and weekly digests due
    # (the alert's watermark says when it last looked), then the reminders 30 and 7 days
    # before a followed call's deadline; each (alert, tool, reason) sent once.
    "experimentations-alert-digests": {
        "task": "experimentations.tasks_alerts.send_alert_digests",
        "schedule": crontab(hour=7, minute=5),
    },
    "experimentations-alert-reminders": {
        "task": "experimentations.tasks_alerts.send_alert_reminders",
        "schedule": crontab(hour=7, minute=20),
    },
    # RGPD: alerts never confirmed are deleted once their link has expired.
    "experimentations-purge-unconfirmed-alerts": {
        "task": "experimentations.tasks_alerts.purge_unconfirmed_alerts",
        "schedule": crontab(hour=3, minute=50),
    },
    # RGPD: a handled complaint loses its author and the names in its text after
    # FORMATION_COMPLAINT_ANONYMISE_MONTHS.
    "formation-anonymise-handled-complaints": {
        "task": "formation.tasks.anonymise_handled_complaints",
        "schedule": crontab(hour=3, minute=5),
    },
    # RGPD: a Prix juror's appointment, conflicts and scores are deleted PRIX_JURY_RETENTION_YEARS
    # after the campaign's results (kept until then as the record of a fair deliberation).
    "appartenance-purge-expired-jury-records": {
        "task": "appartenance.tasks.purge_expired_jury_records",
        "schedule": crontab(hour=4, minute=5),
    },
    # RGPD: a purchasing need's contact is anonymised NEED_ANONYMISE_MONTHS after its answer deadline.
    "experimentations-anonymise-expired-needs": {
        "task": "experimentations.tasks_needs.anonymise_expired_needs",
        "schedule": crontab(hour=3, minute=40),
    },
    # Emplois, job alerts: each morning (Réunion time), the daily and weekly digests due, the
    # alerts matched in batches against the new offers; each (alert, offer) sent once.
    "emplois-job-alert-digests": {
        "task": "emplois.tasks_alerts.send_job_alert_digests",
        "schedule": crontab(hour=7, minute=10),
    },
    # RGPD: job alerts never confirmed are deleted once their link has expired.
    "emplois-purge-unconfirmed-job-alerts": {
        "task": "emplois.tasks_alerts.purge_unconfirmed_job_alerts",
        "schedule": crontab(hour=3, minute=52),
    },
    # Uploaded files that no row names any more, and rows whose file is missing: a weekly
    # report to the contact address (files are deleted with their rows, see lib/media.py).
    "cress-report-orphan-files": {
        "task": "cress.tasks.report_orphan_files",
        "schedule": crontab(hour=4, minute=30, day_of_week=1),
    },
    # Formation: offers of a freed place past their deadline pass to the next person
    # waiting; places left free (capacity raised) are offered.
    # RGPD: trainees' registrations are anonymised three years after their session.
    # RGPD: applications made through the job board, and their files, deleted
    # APPLICATION_RETENTION_MONTHS after their offer's closing date (emplois/applications.py).
    "emplois-purge-applications": {
        "task": "emplois.tasks_applications.purge_expired_applications",
        "schedule": crontab(hour=3, minute=35),
    },
    "formation-anonymise-past-registrations": {
        "task": "formation.tasks.anonymise_past_registrations",
        "schedule": crontab(hour=2, minute=55),
    },
    "formation-expire-offers": {
        "task": "formation.tasks.expire_offers",
        "schedule": crontab(minute="*/5"),
    },
    # Expérimentations: every 10 minutes, the next batch of suppliers of each need sent, when
    # due (sending weekdays and hours, Réunion time, and the delay between batches are settings);
    # each hour, the one reminder to suppliers who have not answered (experimentations/batches.py).
    "experimentations-send-supplier-batches": {
        "task": "experimentations.tasks_batches.send_due_batches",
        "schedule": crontab(minute="*/10"),
    },
    "experimentations-remind-suppliers": {
        "task": "experimentations.tasks_batches.remind_suppliers",
        "schedule": crontab(minute=45),
    },
    # Emplois: each published offer whose closing date has passed (Réunion time) is closed
    # « expirée » the day after it, once (emplois/offers.py).
    "emplois-expire-offers": {
        "task": "emplois.tasks_offers.expire_offers",
        "schedule": crontab(hour=0, minute=15),
    },
    # The lexicon of name words only grows as organisations are saved; rebuilding it
    # weekly drops the words of deleted or withdrawn organisations.
    "annuaire-rebuild-search-lexicon": {
        "task": "annuaire.tasks.rebuild_search_lexicon",
        "schedule": crontab(hour=4, minute=0, day_of_week=1),
    },
    # RGPD: skills records (emplois) without activity for SKILLS_RECORD_DAYS are deleted,
    # their experiences, PDF summary and links with them.
    "emplois-purge-idle-skills-records": {
        "task": "emplois.tasks_skills.purge_idle_skills_records",
        "schedule": crontab(hour=4, minute=25),
    },
}
