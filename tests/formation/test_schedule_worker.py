"""The scheduled emails through a real Celery worker, a real Redis broker and a real SMTP
server: each sent once, the sweep run again queues nothing, and a worker killed mid-batch
loses nothing and sends nothing twice (but the one message its death may have cut short)."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from formation.models import Registration
from formation.tasks_schedule import queue_scheduled_emails
from messagerie.models import OutgoingEmail
from messagerie.tasks import sweep_outbox
from tests.formation.schedule_helpers import make_registration, make_session
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


def received(sink) -> Counter:
    """How many times each (address, subject start) was received."""
    return Counter(
        (entry["to"][0], subject)
        for entry in sink.messages
        for subject in ("Convocation", "Votre avis", "Deux mois")
        if str(entry["message"]["Subject"]).startswith(subject)
    )


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
        # sweep enqueues again what the dead worker left pending (past its grace period).
        queue_scheduled_emails.delay()
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        sweep_outbox.delay()
        wait_until(all_sent, timeout=90, message="les courriels laissés par le worker arrêté ne sont pas partis")
        second.wait_until_idle(tasks=2 + pending_at_kill)
    finally:
        second.stop()
        sink.stop()

    assert OutgoingEmail.objects.count() == 36, "the sweep run again after the crash queued nothing"
    assert len(sink.messages) > received_before
    counts = received(sink)
    assert set(counts) == due, "every email due reached its person"
    twice = [key for key, times in counts.items() if times > 1]
    # SIGKILL may land between the mail server's « accepted » and the row marked sent: that
    # one message (and only it) is sent again. Every other is sent exactly once.
    assert len(twice) <= 1 and max(counts.values()) <= 2, f"reçus plusieurs fois : {twice}"
    assert len(sink.messages) <= len(due) + 1
