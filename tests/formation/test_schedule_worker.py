"""The scheduled emails through a real Celery worker, a real Redis broker and a real SMTP
server: each sent once, the sweep run again queues nothing, and a worker killed mid-batch
loses nothing and sends nothing twice: the one message its death may have cut short is
marked « envoi incertain » for staff, never resent on its own."""

import time
from collections import Counter
from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from formation import registrations
from formation.models import Registration
from formation.schedule import queue_scheduled_emails as sweep_at
from formation.tasks_schedule import queue_scheduled_emails
from messagerie.models import OutgoingEmail
from messagerie.tasks import send_outgoing_email
from tests.formation.schedule_helpers import make_registration, make_session
from tests.helpers.beat import BeatProcess
from tests.helpers.mail import (
    assert_each_row_received_once,
    outbox_settled,
    received_by_kind,
    resend_the_lost,
    sweep_as_time_passes,
)
from tests.helpers.smtp import SmtpSink
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

Status = Registration.Status


def wait_until(condition, timeout=60.0, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)


def people_at_every_moment(count: int) -> set[tuple[str, str]]:
    """`count` people expected at a session in six days, marked present at a session that
    ended an hour ago, and at one that ended two months ago. The (address, subject start)
    of each email due."""
    upcoming = make_session(starts_at=timezone.now() + timedelta(days=6))
    ended = make_session(starts_at=timezone.now() - timedelta(hours=8), hours=7)
    two_months = make_session(starts_at=timezone.now() - timedelta(days=61), hours=7)
    due = set()
    for index in range(count):
        for session, status, prefix, subject in (
            (upcoming, Status.REGISTERED, "convoque", "Convocation"),
            (ended, Status.PRESENT, "chaud", "Votre avis"),
            (two_months, Status.PRESENT, "froid", "Deux mois"),
        ):
            registration = make_registration(session, status=status, email=f"{prefix}{index:02d}@exemple.re")
            due.add((registration.email, subject))
    return due


SUBJECTS = ("Convocation", "Votre avis", "Deux mois")


def subject_start(subject) -> str:
    return next(start for start in SUBJECTS if str(subject).startswith(start))


def received(sink) -> Counter:
    """How many times each (address, subject start) was received."""
    return Counter((entry["to"][0], subject_start(entry["message"]["Subject"])) for entry in sink.messages)


def body(entry) -> str:
    return entry["message"].get_body(preferencelist=("plain",)).get_content()


def all_sent() -> bool:
    return not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()


def test_each_scheduled_email_is_sent_once_by_the_worker_and_its_link_works(celery_worker_process, smtp_sink):
    due = people_at_every_moment(3)

    first = queue_scheduled_emails.delay()  # what beat sends to the workers every hour
    celery_worker_process.wait_for_task(first.id)
    wait_until(all_sent, message="les courriels programmés ne sont pas tous partis")
    assert OutgoingEmail.objects.count() == len(due) == 9
    again = [queue_scheduled_emails.delay() for _ in range(2)]  # the next runs of the sweep
    for result in again:
        celery_worker_process.wait_for_task(result.id)
    celery_worker_process.wait_until_idle(tasks=1 + 9 + 2)
    assert OutgoingEmail.objects.count() == 9, "a sweep run again queues nothing"

    assert received(smtp_sink) == Counter(dict.fromkeys(due, 1))
    # The link each received message carries opens its page (minted by the worker when it left).
    client = Client()
    for entry in smtp_sink.messages:
        path = "/formations/" + body(entry).split("/formations/", 1)[1].split()[0]
        assert client.get(path).status_code == 200, f"{entry['to']}: {path}"


def test_a_worker_killed_mid_batch_loses_no_email_and_sends_none_twice(tmp_path):
    sink = SmtpSink(delay=0.1)  # a slow mail server: the crash lands mid-batch
    sink.start()
    due = people_at_every_moment(12)
    purge_broker()
    first = WorkerProcess(smtp_port=sink.port, log_path=tmp_path / "worker-1.log")
    first.start()
    try:
        queue_scheduled_emails.delay()
        wait_until(lambda: len(sink.messages) >= 6, message="le premier worker n'a rien envoyé")
    finally:
        first.kill()  # SIGKILL: no chance to finish its email or acknowledge its task
    assert OutgoingEmail.objects.count() == len(due) == 36, "the sweep had queued every email"
    pending_at_kill = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count()
    assert pending_at_kill > 0, "le worker devait être arrêté au milieu des envois"
    received_before = len(sink.messages)

    second = WorkerProcess(smtp_port=sink.port, log_path=tmp_path / "worker-2.log")
    second.start()
    try:
        # The hour after: beat runs the sweep again (nothing new to queue), and the outbox's
        # sweep enqueues again what the dead worker left pending (past its grace period) and
        # marks « envoi incertain » the one it was sending (past OUTBOX_SENDING_TIMEOUT).
        queue_scheduled_emails.delay()
        enqueued = sweep_as_time_passes()
        wait_until(
            lambda: outbox_settled(36),
            timeout=90,
            message="les courriels laissés par le worker arrêté ne sont pas partis",
        )
        second.wait_until_idle(tasks=1 + enqueued)
        # The broker gives the dead worker's unacknowledged tasks again: nothing more leaves.
        for email_id in OutgoingEmail.objects.values_list("pk", flat=True):
            send_outgoing_email.delay(email_id)
        second.wait_until_idle(tasks=1 + enqueued + 36)
        uncertain = assert_each_row_received_once(sink)
        # Staff resend the uncertain one if it never arrived: it leaves with its Message-ID.
        lost = resend_the_lost(sink, uncertain)
        wait_until(lambda: not OutgoingEmail.objects.filter(pk__in=lost).exclude(status="sent").exists())
    finally:
        second.stop()
        sink.stop()

    assert OutgoingEmail.objects.count() == 36, "the sweep run again after the crash queued nothing"
    assert len(sink.messages) > received_before
    assert_each_row_received_once(sink)
    assert received(sink) == Counter(dict.fromkeys(due, 1)), "each email due reached its person once"


SWEEP = "formation-queue-scheduled-emails"
LATER_EMAILS = {
    "confirmation": "Inscription confirmée : ",
    "rappel": "Rappel : « ",
    "relance": "Rappel : votre avis, deux mois après",
}


def left_back_then(moment) -> int:
    """The hourly sweep as it ran at `moment`: what it queued then left then (sent)."""
    before = list(OutgoingEmail.objects.values_list("pk", flat=True))
    sweep_at(now=moment)
    return OutgoingEmail.objects.exclude(pk__in=before).update(
        created_at=moment, sent_at=moment, status=OutgoingEmail.Status.SENT
    )


def calendar_of(entry) -> str:
    """The .ics attached to a received message."""
    found = [part for part in entry["message"].iter_attachments() if part.get_filename() == "formation.ics"]
    assert len(found) == 1, f"{entry['to']} : une pièce jointe formation.ics"
    assert found[0].get_content_type() == "text/calendar"
    content = found[0].get_content()
    return content.decode() if isinstance(content, bytes) else content


def test_the_confirmation_the_reminder_and_the_cold_reminder_go_through_a_real_worker_and_beat_once_each(
    private_redis, smtp_sink, tmp_path
):
    now = timezone.now()
    tomorrow = make_session(starts_at=now + timedelta(hours=20))
    long_ago = make_session(starts_at=now - timedelta(days=76), hours=7)
    later = make_session(starts_at=now + timedelta(days=30))
    for index in range(3):
        make_registration(tomorrow, email=f"demain{index:02d}@exemple.re")
        make_registration(long_ago, status=Status.PRESENT, email=f"relance{index:02d}@exemple.re")
    # The sweeps of the past: the cold survey 15 days ago, the convocation 3 days ago.
    assert left_back_then(now - timedelta(days=15)) == 3
    assert left_back_then(now - timedelta(days=3)) == 3
    due = {(f"demain{index:02d}@exemple.re", "rappel") for index in range(3)}
    due |= {(f"relance{index:02d}@exemple.re", "relance") for index in range(3)}
    due |= {(f"inscrit{index:02d}@exemple.re", "confirmation") for index in range(3)}

    sweep_task = queue_scheduled_emails.name
    beat = BeatProcess(entries=[SWEEP], log_path=tmp_path / "beat.log", schedule_path=tmp_path / "beat-schedule")
    worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log")
    worker.start()
    beat.start()
    try:
        for index in range(3):  # people register while the worker and beat run
            registrations.register_person(
                session=later,
                person={
                    "first_name": "Line",
                    "last_name": f"Grondin {index}",
                    "email": f"inscrit{index:02d}@exemple.re",
                },
                consent_text="J'accepte que la CRESS traite mes données pour cette formation.",
            )
        wait_until(lambda: OutgoingEmail.objects.count() == 6 + len(due) and all_sent(), timeout=90,
                   message="la confirmation et les rappels ne sont pas tous partis")  # fmt: skip
        # Beat fires the sweep again and again: nothing more is queued, nothing sent again.
        runs = worker.succeeded(sweep_task)
        wait_until(lambda: worker.succeeded(sweep_task) >= runs + 3)
        assert beat.sent(SWEEP) >= 4
    finally:
        beat.stop()
        worker.stop()

    assert OutgoingEmail.objects.count() == 6 + len(due), "each email queued once"
    assert received_by_kind(smtp_sink, LATER_EMAILS) == Counter(dict.fromkeys(due, 1)), "each received once"
    assert len(smtp_sink.messages) == len(due), "the convocations and cold surveys sent before are not sent again"
    client = Client()
    for entry in smtp_sink.messages:
        text = body(entry)
        if str(entry["message"]["Subject"]).startswith(LATER_EMAILS["confirmation"]):
            ics = calendar_of(entry)
            assert "BEGIN:VEVENT" in ics and f"DTSTART:{later.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in ics
            assert f"UID:formation-session-{later.pk}@" in ics
            continue
        assert ("commence demain" in text) == entry["to"][0].startswith("demain")
        # The link each reminder carries opens its page (the convocation, the cold survey).
        path = "/formations/" + text.split("/formations/", 1)[1].split()[0]
        assert client.get(path).status_code == 200, f"{entry['to']}: {path}"
