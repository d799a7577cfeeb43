"""A newsletter send through a real Celery worker that crashes mid-way, then a new worker."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from communication import newsletter
from communication.models import Delivery, NewsletterIssue, Subscriber
from communication.tasks import resume_stalled_sends
from tests.communication.factories import NewsFactory
from tests.helpers.smtp import SmtpSink
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

RECIPIENTS = 40


def wait_until(condition, timeout=60.0, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)


def test_a_worker_killed_mid_send_is_resumed_with_no_duplicate(tmp_path):
    sink = SmtpSink(delay=0.05)  # a slow mail server: the crash lands mid-send
    sink.start()
    emails = [f"abonne{index:02d}@exemple.re" for index in range(RECIPIENTS)]
    for email in emails:
        Subscriber.objects.create(
            email=email, status=Subscriber.Status.CONFIRMED, consent_text="ok", consent_at=timezone.now()
        )
    issue = NewsletterIssue.objects.create(subject="Lettre de test", intro="<p>Bonjour.</p>")
    issue.news.add(NewsFactory())
    settings_env = {"NEWSLETTER_BATCH_SIZE": "5", "NEWSLETTER_CLAIM_TIMEOUT_SECONDS": "1"}
    purge_broker()
    first = WorkerProcess(smtp_port=sink.port, log_path=tmp_path / "worker-1.log", extra_env=settings_env)
    first.start()
    try:
        assert newsletter.start_sending(issue) == RECIPIENTS  # queued after commit
        wait_until(lambda: len(sink.messages) >= 8, message="le premier worker n'a rien envoyé")
    finally:
        first.kill()  # SIGKILL: no chance to finish the batch or acknowledge its task
    received_before = len(sink.messages)
    statuses = Counter(Delivery.objects.filter(issue=issue).values_list("status", flat=True))
    assert statuses["a_envoyer"] > 0, "le worker devait être arrêté au milieu de l'envoi"
    assert received_before < RECIPIENTS

    second = WorkerProcess(smtp_port=sink.port, log_path=tmp_path / "worker-2.log", extra_env=settings_env)
    second.start()
    try:
        # Past the claim timeout (1 s here), what the crashed worker held is stale.
        last_claim = Delivery.objects.filter(issue=issue).aggregate(last=Max("claimed_at"))["last"]
        wait_until(lambda: timezone.now() > last_claim + timedelta(seconds=1.1))
        resume_stalled_sends.delay()  # what beat sends to the workers every two minutes
        wait_until(
            lambda: NewsletterIssue.objects.get(pk=issue.pk).status == NewsletterIssue.Status.SENT,
            message="l'envoi n'a pas repris jusqu'au bout",
        )
        second.wait_until_idle(tasks=1)  # the last batch has returned: nothing more is sent
    finally:
        second.stop()
        sink.stop()

    received = Counter(message["to"][0] for message in sink.messages)
    assert max(received.values()) == 1, f"reçu deux fois : {[e for e, n in received.items() if n > 1]}"
    rows = dict(Delivery.objects.filter(issue=issue).values_list("subscriber__email", "status"))
    uncertain = [email for email, status in rows.items() if status == "incertain"]
    assert len(uncertain) <= 1, "au plus le message en cours au moment de l'arrêt"
    assert set(rows.values()) <= {"envoye", "incertain"}
    sent = {email for email, status in rows.items() if status == "envoye"}
    assert sent <= set(received), "chaque envoi marqué fait a bien été reçu"
    assert set(received) - sent <= set(uncertain)
    assert len(sent) >= RECIPIENTS - 1
    assert len(sink.messages) > received_before
    # Each message carries its own recipient's unsubscribe link.
    first_message = sink.messages[0]["message"]
    assert first_message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/actualites/lettre/desinscription/" in first_message["List-Unsubscribe"]
