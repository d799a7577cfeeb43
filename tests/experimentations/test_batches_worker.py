"""The supplier batches through a real beat, a real Celery worker, a Redis server of the test's
own and a real SMTP server: beat fires the sweep and the reminder again and again, the worker
is killed and started again, beat is restarted, and each supplier receives the need once and
the reminder once; none for a need past its deadline or with enough interested suppliers."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from experimentations import batches, tasks_batches
from experimentations.models import SupplierMatch
from messagerie.models import OutgoingEmail
from tests.experimentations.factories import sent_need
from tests.helpers.beat import BeatProcess
from tests.helpers.mail import outbox_sent, received_by_kind
from tests.helpers.worker import WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

SWEEP, REMIND = "experimentations-send-supplier-batches", "experimentations-remind-suppliers"
# Any day, any hour, no delay between batches, the reminder at once: the worker's settings.
ALWAYS = {
    "EXPERIMENTATIONS_SENDING_WEEKDAYS": "0,1,2,3,4,5,6",
    "EXPERIMENTATIONS_SENDING_START_HOUR": "0",
    "EXPERIMENTATIONS_SENDING_END_HOUR": "24",
    "EXPERIMENTATIONS_BATCH_DELAY_HOURS": "0",
    "EXPERIMENTATIONS_BATCH_SIZE": "2",
    "EXPERIMENTATIONS_SUPPLIER_REMINDER_DAYS": "0",
}
SUBJECTS = {batches.EMAIL_NEED: "Un acheteur cherche", batches.EMAIL_REMINDER: "Rappel : un acheteur"}


def wait_until(condition, timeout=90.0, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.2)


def due() -> set[tuple[str, str]]:
    """Needs whose suppliers get the need and the reminder, and needs that send nothing."""
    open_need = sent_need(suppliers=5)
    late = sent_need(suppliers=2)
    type(late).objects.filter(pk=late.pk).update(answer_deadline=timezone.now() - timedelta(minutes=1))
    enough = sent_need(suppliers=3, wanted_answers=1)
    SupplierMatch.objects.filter(need=enough, rank=1).update(
        email="deja@exemple.re", emailed_at=timezone.now(), answer="interesse", answered_at=timezone.now()
    )
    addresses = open_need.matches.values_list("organisation__email", flat=True)
    return {(address, kind) for address in addresses for kind in (batches.EMAIL_NEED, batches.EMAIL_REMINDER)}


def test_a_real_worker_and_beat_email_each_supplier_once_across_restarts(private_redis, smtp_sink, tmp_path):
    expected = due()
    sweep_task, remind_task = tasks_batches.send_due_batches.name, tasks_batches.remind_suppliers.name
    schedule = tmp_path / "beat-schedule"

    first_beat = BeatProcess(entries=[SWEEP, REMIND], log_path=tmp_path / "beat-1.log", schedule_path=schedule)
    first_worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-1.log", extra_env=ALWAYS)
    first_worker.start()
    first_beat.start()
    try:
        wait_until(lambda: outbox_sent(len(expected)), message="les courriels ne sont pas tous partis")
        wait_until(lambda: first_worker.succeeded(sweep_task) >= 5 and first_worker.succeeded(remind_task) >= 3)
    finally:
        first_worker.kill()  # a crash: SIGKILL, whatever it was doing
    try:
        sent_before = first_beat.sent(SWEEP)
        wait_until(lambda: first_beat.sent(SWEEP) >= sent_before + 2)
    finally:
        first_beat.stop()

    second_beat = BeatProcess(entries=[SWEEP, REMIND], log_path=tmp_path / "beat-2.log", schedule_path=schedule)
    second_worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-2.log", extra_env=ALWAYS)
    second_worker.start()
    second_beat.start()
    try:
        wait_until(lambda: second_worker.succeeded(sweep_task) >= 4 and second_worker.succeeded(remind_task) >= 3)
    finally:
        second_beat.stop()
        second_worker.stop()

    outbox = Counter(OutgoingEmail.objects.values_list("to", "kind"))
    assert outbox == Counter(dict.fromkeys(expected, 1)), "each email queued once, none for the other needs"
    assert received_by_kind(smtp_sink, SUBJECTS) == Counter(dict.fromkeys(expected, 1)), "each email received once"
    assert len(smtp_sink.messages) == len(expected)
    # The batches of two, in rank order; the other needs untouched.
    batches_sent = SupplierMatch.objects.filter(emailed_at__isnull=False, answer="").order_by("rank")
    assert sorted(batches_sent.values_list("rank", "batch")) == [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)]
    assert SupplierMatch.objects.filter(reminded_at__isnull=False).count() == 5
