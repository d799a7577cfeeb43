"""The outbox with a real Celery worker, the real Redis broker and a real SMTP server."""

import subprocess
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from messagerie import services
from messagerie.models import OutgoingEmail
from messagerie.services import queue_email
from messagerie.tasks import send_outgoing_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def wait_for_status(email, status, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == status:
            return email
        time.sleep(0.1)
    raise AssertionError(f"le courriel est resté à l'état {email.status}")


def test_a_committed_email_is_sent_once_by_the_worker(celery_worker_process, smtp_sink):
    with transaction.atomic():
        email = queue_email(to="porteur@exemple.re", template="messagerie/essai", context={"name": "Céline"})
    wait_for_status(email, OutgoingEmail.Status.SENT)
    assert len(smtp_sink.wait_for(1)) == 1
    # The same task delivered again (a broker redelivery) and a sweep send nothing more.
    send_outgoing_email.delay(email.pk)
    services.sweep_outbox()
    time.sleep(2)
    assert len(smtp_sink.messages) == 1


def redis_cli(*args):
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", *args], capture_output=True, text=True)


def start_redis():
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 10
    while redis_cli("ping").stdout.strip() != "PONG":
        assert time.monotonic() < deadline, "Redis n'a pas redémarré"
        time.sleep(0.1)


def test_broker_outage_delays_mail_but_loses_none(smtp_sink, tmp_path):
    """Redis really stopped: the email is still stored; once Redis and a worker run, the sweep sends it once."""
    from tests.helpers.worker import WorkerProcess, purge_broker

    redis_cli("shutdown", "nosave")
    try:
        assert redis_cli("ping").returncode != 0
        started = time.monotonic()
        with transaction.atomic():
            email = queue_email(to="porteur@exemple.re", template="messagerie/essai", context={"name": "Céline"})
        assert time.monotonic() - started < 10, "a broker outage must not hang the caller"
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.PENDING
    finally:
        start_redis()
    purge_broker()
    worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log")
    worker.start()
    try:
        OutgoingEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=5))
        assert services.sweep_outbox() == 1
        wait_for_status(email, OutgoingEmail.Status.SENT)
        services.sweep_outbox()
        time.sleep(1)
        assert len(smtp_sink.wait_for(1)) == 1
    finally:
        worker.stop()
