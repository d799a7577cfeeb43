"""The job alerts through a real beat, a real Celery worker, a Redis server of the test's own
and a real SMTP server: beat fires the digests every second, the worker is killed in the
middle of a sweep and a new one takes over, and each digest reaches its person exactly once."""

import time
from collections import Counter
from datetime import timedelta

import pytest

from emplois import tasks_alerts
from emplois.models import JobAlert, JobAlertDelivery
from messagerie.models import OutgoingEmail
from tests.emplois.factories import make_job_alert, make_offer
from tests.helpers.beat import BeatProcess
from tests.helpers.mail import assert_each_row_received_once, outbox_settled, resend_the_lost, sweep_as_time_passes
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ENTRIES = ["emplois-job-alert-digests"]
ALERTS = 60  # half on the CDI, half on the volunteering missions


def wait_until(condition, timeout=120.0, interval=0.2, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(interval)


def idle(worker) -> bool:
    """The worker has finished every task it received."""
    return all(events & {"succeeded", "raised", "failed"} for events in worker.task_events().values())


def test_each_digest_is_sent_once_across_a_worker_killed_mid_sweep(private_redis, smtp_sink, tmp_path):
    emails = [f"lecteur{index:03d}@exemple.re" for index in range(ALERTS)]
    for index, email in enumerate(emails):
        make_job_alert(email, query="contrat=cdi" if index % 2 else "nature=benevolat")
    cdi = [make_offer(f"Animateur n°{n}", published_ago=timedelta(hours=n + 1)) for n in range(2)]
    mission = make_offer("Bénévole à l'épicerie solidaire", contract="benevolat", published_ago=timedelta(hours=2))
    make_offer("Expirée", status="expiree", published_ago=timedelta(hours=3))
    # An alert that matches nothing, one unsubscribed and one never confirmed get nothing.
    make_job_alert("personne@exemple.re", query="commune=97416")
    make_job_alert("jamais@exemple.re", confirmed=False)
    gone = make_job_alert("partie@exemple.re")
    JobAlert.objects.filter(pk=gone.pk).update(unsubscribed_at=gone.confirmed_at, email="desinscrit@invalid.invalid")
    expected_deliveries = (ALERTS // 2) * len(cdi) + (ALERTS // 2) * 1

    purge_broker()
    beat = BeatProcess(entries=ENTRIES, log_path=tmp_path / "beat.log", schedule_path=tmp_path / "beat-schedule")
    first = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-1.log")
    first.start()
    beat.start()
    try:
        started = lambda: JobAlertDelivery.objects.count() >= 3  # noqa: E731
        wait_until(started, interval=0.01, message="aucun envoi du premier worker")
    finally:
        first.kill()  # SIGKILL in the middle of a sweep: no chance to finish or acknowledge
    assert JobAlertDelivery.objects.count() < expected_deliveries, "le worker devait être arrêté au milieu des envois"

    second = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-2.log")
    second.start()
    try:
        wait_until(
            lambda: JobAlertDelivery.objects.count() >= expected_deliveries, message="les envois n'ont pas repris"
        )
        # Beat goes on firing the sweep: nothing more is queued.
        wait_until(lambda: second.succeeded(tasks_alerts.send_job_alert_digests.name) >= 3)
        beat.stop()
        wait_until(lambda: idle(second) and (time.sleep(1) or idle(second)), message="le worker ne finit pas")
        # What the killed worker left is swept by the outbox (after its grace period and
        # OUTBOX_SENDING_TIMEOUT, messagerie.services.sweep_outbox): what it does, done now.
        sweep_as_time_passes()  # the one it was sending becomes « envoi incertain »
        wait_until(lambda: outbox_settled(ALERTS), message="les courriels ne sont pas tous partis")
        uncertain = assert_each_row_received_once(smtp_sink)
        # Staff resend the uncertain one if it never arrived.
        lost = resend_the_lost(smtp_sink, uncertain)
        wait_until(lambda: not OutgoingEmail.objects.filter(pk__in=lost).exclude(status="sent").exists())
    finally:
        beat.stop()
        second.stop()

    expected = Counter({(email, "emplois/alerte_nouveautes"): 1 for email in emails})
    assert Counter(OutgoingEmail.objects.values_list("to", "kind")) == expected, "each digest queued once"
    received = Counter((entry["to"][0], "emplois/alerte_nouveautes") for entry in smtp_sink.messages)
    assert received == expected, "each received once"
    assert JobAlertDelivery.objects.count() == expected_deliveries
    assert set(JobAlertDelivery.objects.values_list("offer", flat=True)) == {offer.pk for offer in [*cdi, mission]}
