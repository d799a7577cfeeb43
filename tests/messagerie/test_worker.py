"""The outbox with a real Celery worker, a real Redis broker and a real SMTP server."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from messagerie import services
from messagerie.models import OutgoingEmail
from messagerie.services import queue_email
from messagerie.tasks import send_outgoing_email
from tests.helpers.worker import WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def wait_for_status(email, status, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == status:
            return email
        time.sleep(0.05)
    raise AssertionError(f"le courriel est resté à l'état {email.status}")


def test_a_committed_email_is_sent_once_by_the_worker(celery_worker_process, smtp_sink):
    with transaction.atomic():
        email = queue_email(to="porteur@exemple.re", template="messagerie/essai", context={"name": "Céline"})
    wait_for_status(email, OutgoingEmail.Status.SENT)
    assert len(smtp_sink.wait_for(1)) == 1
    # The same task delivered again (a broker redelivery) runs to its end and sends nothing;
    # a sweep finds nothing left to send.
    redelivery = send_outgoing_email.delay(email.pk)
    celery_worker_process.wait_for_task(redelivery.id)
    assert services.sweep_outbox() == 0
    assert len(smtp_sink.messages) == 1


def test_broker_outage_delays_mail_but_loses_none(private_redis, smtp_sink, tmp_path):
    """The broker really stopped: the email is still stored; once the broker and a worker
    run again, the sweep sends it, once."""
    private_redis.stop()
    assert not private_redis.ping()
    started = time.monotonic()
    with transaction.atomic():
        email = queue_email(to="porteur@exemple.re", template="messagerie/essai", context={"name": "Céline"})
    assert time.monotonic() - started < 10, "a broker outage must not hang the caller"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING

    private_redis.start()
    worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log")
    worker.start()
    try:
        OutgoingEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=5))
        assert services.sweep_outbox() == 1
        wait_for_status(email, OutgoingEmail.Status.SENT)
        worker.wait_until_idle(tasks=1)
        assert services.sweep_outbox() == 0
        assert len(smtp_sink.wait_for(1)) == 1
    finally:
        worker.stop()
