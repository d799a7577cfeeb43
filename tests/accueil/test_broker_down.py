"""Redis really stopped: a request is still filed; once Redis and a worker run, the
confirmation is sent exactly once."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accueil.models import IntakeRequest
from messagerie import services
from messagerie.models import OutgoingEmail
from tests.accueil.test_intake import fill_until_send
from tests.helpers.worker import WorkerProcess
from tests.messagerie.test_worker import wait_for_status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def test_a_request_filed_while_redis_is_down_is_confirmed_once_it_is_back(client, private_redis, smtp_sink, tmp_path):
    fill_until_send(client)  # the steps are kept in the database session
    private_redis.stop()
    assert not private_redis.ping()
    started = time.monotonic()
    response = client.post(reverse("accueil:etape", args=["envoi"]), {"consent": "on"})
    assert response.status_code == 302, "filing works without Redis"
    assert time.monotonic() - started < 15
    private_redis.start()
    intake = IntakeRequest.objects.get()
    email = OutgoingEmail.objects.get(kind="accueil/confirmation")
    assert email.status == OutgoingEmail.Status.PENDING and intake.reference in email.subject

    worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log")
    worker.start()
    try:
        OutgoingEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=5))
        assert services.sweep_outbox() == 1
        wait_for_status(email, OutgoingEmail.Status.SENT)
        worker.wait_until_idle(tasks=1)
        assert services.sweep_outbox() == 0
        received = smtp_sink.wait_for(1)
        assert len(received) == 1 and received[0]["to"] == [intake.email]
    finally:
        worker.stop()
