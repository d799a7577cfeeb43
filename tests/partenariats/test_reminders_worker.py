"""The reminders through a real beat, a real Celery worker, a Redis server of the test's own
and a real SMTP server: beat fires the sweep and the digest again and again, the worker is
killed and started again, beat is restarted, and each reminder reaches its person exactly
once; none for a convention renewed, terminated or without an owner."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from messagerie.models import OutgoingEmail
from partenariats import reminders, tasks_reminders
from partenariats.models import Commitment, CommitmentTransition, Convention, ConventionTransition
from tests.comptes.factories import StaffFactory
from tests.helpers.beat import BeatProcess
from tests.helpers.mail import outbox_sent, received_by_kind
from tests.helpers.worker import WorkerProcess
from tests.partenariats.factories import make_commitment, make_committee, make_convention

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

SWEEP, DIGEST = "partenariats-sweep-conventions", "partenariats-weekly-digests"
SUBJECTS = {
    reminders.EmailKind.END: "Convention ",
    reminders.EmailKind.COMMITTEE: "À préparer : ",
    reminders.EmailKind.DIGEST: "Vos engagements ",
}


def wait_until(condition, timeout=90.0, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.2)


def reminders_due_today() -> set[tuple[str, str]]:
    """Conventions, commitments and a committee whose reminders are due now, and others that
    get none. The (address, kind) of each email due."""
    today, now = timezone.localdate(), timezone.now()
    lea = StaffFactory(email="lea@cress.re", role="Partenariats")
    paul = StaffFactory(email="paul@cress.re", role="Partenariats")

    def convention(days_left, **fields):
        return make_convention(start=today - timedelta(days=300), end=today + timedelta(days=days_left), **fields)

    in_90_days = convention(90, status="en_vigueur", owner=lea)
    in_30_days = convention(30, status="a_renouveler", owner=paul)
    make_committee(in_90_days, held_at=now + timedelta(days=5))
    make_commitment(in_90_days, due=today + timedelta(days=7), owner=lea)
    make_commitment(in_30_days, due=today - timedelta(days=2), owner=paul)  # becomes « en retard »
    # None for these: renewed, terminated, ended, without an owner.
    renewed = convention(30, status="en_vigueur", owner=StaffFactory(email="renouvelee@cress.re"))
    Convention.objects.filter(pk=renewed.pk).update(renewed_by=in_90_days)
    convention(30, status="resiliee", owner=StaffFactory(email="resiliee@cress.re"))
    convention(-1, status="en_vigueur", owner=StaffFactory(email="finie-hier@cress.re"))  # becomes « échue »
    convention(30, status="en_vigueur", owner=None)
    return {
        ("lea@cress.re", reminders.EmailKind.END),
        ("lea@cress.re", reminders.EmailKind.COMMITTEE),
        ("lea@cress.re", reminders.EmailKind.DIGEST),
        ("paul@cress.re", reminders.EmailKind.END),
        ("paul@cress.re", reminders.EmailKind.DIGEST),
    }


def test_a_real_worker_and_beat_send_each_reminder_exactly_once_across_restarts(private_redis, smtp_sink, tmp_path):
    due = reminders_due_today()
    sweep_task, digest_task = tasks_reminders.sweep_conventions.name, tasks_reminders.send_weekly_digests.name
    schedule = tmp_path / "beat-schedule"  # when each entry last ran, kept across beat's restart

    first_beat = BeatProcess(entries=[SWEEP, DIGEST], log_path=tmp_path / "beat-1.log", schedule_path=schedule)
    first_worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-1.log")
    first_worker.start()
    first_beat.start()
    try:
        wait_until(lambda: outbox_sent(len(due)), message="les rappels ne sont pas tous partis")
        # Beat fires again and again: nothing more is queued.
        wait_until(lambda: first_worker.succeeded(sweep_task) >= 3 and first_worker.succeeded(digest_task) >= 3)
    finally:
        first_worker.kill()  # a crash: SIGKILL, whatever it was doing
    try:
        # Beat goes on sending to no worker, then restarts on its schedule file.
        sent_before = first_beat.sent(SWEEP)
        wait_until(lambda: first_beat.sent(SWEEP) >= sent_before + 2)
    finally:
        first_beat.stop()

    second_beat = BeatProcess(entries=[SWEEP, DIGEST], log_path=tmp_path / "beat-2.log", schedule_path=schedule)
    second_worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-2.log")
    second_worker.start()
    second_beat.start()
    try:
        # The runs left waiting in the broker, then beat's new ones.
        wait_until(lambda: second_worker.succeeded(sweep_task) >= 5 and second_worker.succeeded(digest_task) >= 3)
        assert second_beat.sent(SWEEP) >= 1 and second_beat.sent(DIGEST) >= 1
    finally:
        second_beat.stop()
        second_worker.stop()

    outbox = Counter(OutgoingEmail.objects.values_list("to", "kind"))
    assert outbox == Counter(dict.fromkeys(due, 1)), "each reminder queued once, none for the others"
    assert outbox_sent(len(due))
    assert received_by_kind(smtp_sink, SUBJECTS) == Counter(dict.fromkeys(due, 1)), "each reminder received once"
    assert len(smtp_sink.messages) == len(due)
    # The states that change by themselves changed once.
    assert CommitmentTransition.objects.filter(to_state=Commitment.Status.LATE).count() == 1
    ended = ConventionTransition.objects.filter(to_state=Convention.Status.EXPIRED)
    assert list(ended.values_list("subject__owner__email", "comment")) == [("finie-hier@cress.re", "échéance atteinte")]
