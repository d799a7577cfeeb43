"""The alerts through a real beat, a real Celery worker, a Redis server of the test's own and
a real SMTP server: beat fires the digests and the reminders every second, the worker is
killed in the middle of a sweep and a new one takes over, and each digest and each reminder
reaches its person exactly once."""

import time
from collections import Counter
from datetime import timedelta

import pytest

from experimentations import tasks_alerts
from experimentations.models import AlertDelivery, ToolAlert
from messagerie.models import OutgoingEmail
from tests.experimentations.factories import make_alert, make_call, make_tool
from tests.helpers.beat import BeatProcess
from tests.helpers.mail import assert_each_row_received_once, outbox_settled, resend_the_lost, sweep_as_time_passes
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ENTRIES = ["experimentations-alert-digests", "experimentations-alert-reminders"]
ALERTS = 50


def wait_until(condition, timeout=120.0, interval=0.2, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(interval)


def idle(worker) -> bool:
    """The worker has finished every task it received."""
    return all(events & {"succeeded", "raised", "failed"} for events in worker.task_events().values())


def test_each_digest_and_reminder_is_sent_once_across_a_worker_killed_mid_sweep(private_redis, smtp_sink, tmp_path):
    emails = [f"lecteur{index:03d}@exemple.re" for index in range(ALERTS)]
    for email in emails:
        make_alert(email, watermark_ago=timedelta(days=7, hours=1))
    make_tool(name="Garantie France Active", published_ago=timedelta(hours=5))
    call = make_call(name="Appel Économie circulaire", closes_in=timedelta(days=20), published_ago=timedelta(hours=4))
    make_tool(name="Archivé", status="archive", published_ago=timedelta(hours=3))
    make_call(name="Clos", closes_in=timedelta(hours=-2), published_ago=timedelta(hours=3))
    # An alert unsubscribed and one never confirmed get nothing.
    make_alert("jamais@exemple.re", confirmed=False, watermark_ago=timedelta(days=8))
    gone = make_alert("partie@exemple.re", watermark_ago=timedelta(days=8))
    ToolAlert.objects.filter(pk=gone.pk).update(unsubscribed_at=gone.confirmed_at, email="desinscrit@invalid.invalid")
    expected = Counter({(email, kind): 1 for email in emails for kind in ("alerte_nouveautes", "alerte_rappel")})

    purge_broker()
    schedule = tmp_path / "beat-schedule"
    beat = BeatProcess(entries=ENTRIES, log_path=tmp_path / "beat.log", schedule_path=schedule)
    first = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-1.log")
    first.start()
    beat.start()
    try:
        wait_until(lambda: AlertDelivery.objects.count() >= 3, interval=0.01, message="aucun envoi du premier worker")
    finally:
        first.kill()  # SIGKILL in the middle of a sweep: no chance to finish or acknowledge
    done_before = AlertDelivery.objects.count()
    assert done_before < 3 * ALERTS, "le worker devait être arrêté au milieu des envois"

    second = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-2.log")
    second.start()
    try:
        wait_until(lambda: AlertDelivery.objects.count() >= 3 * ALERTS, message="les envois n'ont pas repris")
        # Beat goes on firing both sweeps: nothing more is queued.
        digests, reminders = tasks_alerts.send_alert_digests.name, tasks_alerts.send_alert_reminders.name
        wait_until(lambda: second.succeeded(digests) >= 3 and second.succeeded(reminders) >= 3)
        # What the killed worker left is swept by the outbox (after its grace period and
        # OUTBOX_SENDING_TIMEOUT, messagerie.services.sweep_outbox): what it does, done now.
        beat.stop()
        wait_until(lambda: idle(second) and (time.sleep(1) or idle(second)), message="le worker ne finit pas")
        sweep_as_time_passes()  # the one it was sending becomes « envoi incertain »
        wait_until(lambda: outbox_settled(2 * ALERTS), message="les courriels ne sont pas tous partis")
        uncertain = assert_each_row_received_once(smtp_sink)
        # Staff resend the uncertain one if it never arrived.
        lost = resend_the_lost(smtp_sink, uncertain)
        wait_until(lambda: not OutgoingEmail.objects.filter(pk__in=lost).exclude(status="sent").exists())
    finally:
        beat.stop()
        second.stop()

    outbox = Counter((to, kind.rsplit("/", 1)[-1]) for to, kind in OutgoingEmail.objects.values_list("to", "kind"))
    assert outbox == expected, "each digest and each reminder queued once, none for the others"
    received = Counter(
        (
            entry["to"][0],
            "alerte_rappel" if str(entry["message"]["Subject"]).startswith("Plus que") else "alerte_nouveautes",
        )
        for entry in smtp_sink.messages
    )
    assert received == expected, "each received once"
    assert Counter(AlertDelivery.objects.values_list("kind", flat=True)) == {"nouveau": 2 * ALERTS, "j30": ALERTS}
    assert set(AlertDelivery.objects.filter(kind="j30").values_list("tool", flat=True)) == {call.pk}
