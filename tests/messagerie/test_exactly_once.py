"""Exactly once: the outbox claims a row (« en cours d'envoi », committed) before it talks to
the mail server, so a worker that dies after the server accepted a message but before the row
was marked sent never lets the queue send it again. The row becomes « envoi incertain » after
OUTBOX_SENDING_TIMEOUT, and only staff send it again, knowingly, with the same Message-ID.

Through a real PostgreSQL (another connection sees the claim), a real SMTP server and the
admin's own action."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from messagerie import services
from messagerie.models import OutgoingEmail
from messagerie.services import deliver_email, queue_email
from tests.helpers.mail import outbox_row_of
from tests.helpers.smtp import SmtpSink

Status = OutgoingEmail.Status


def queue(to="porteur@exemple.re"):
    return queue_email(to=to, template="messagerie/essai", context={"name": "Céline"})


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "délai dépassé"
        time.sleep(0.02)


def status_of(email) -> str:
    return OutgoingEmail.objects.values_list("status", flat=True).get(pk=email.pk)


@pytest.fixture
def slow_mail_server(settings):
    """A real SMTP server that takes a second to accept each message."""
    sink = SmtpSink(delay=1.0)
    sink.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 10},
        }
    }
    yield sink
    sink.stop()


def send_in_a_thread(email) -> threading.Thread:
    """A worker sending `email` (its own database connection, like another process)."""

    def run():
        try:
            deliver_email(email_id=email.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_mail_server_is_contacted(slow_mail_server):
    email = queue()
    sender = send_in_a_thread(email)
    # While the mail server is still taking the message, every other connection sees the row
    # claimed, and a second worker given the same id sends nothing.
    wait_until(lambda: status_of(email) == Status.SENDING)
    assert not slow_mail_server.messages
    claimed = OutgoingEmail.objects.get(pk=email.pk)
    assert claimed.claimed_at and claimed.attempts == 1
    assert deliver_email(email_id=email.pk) is False
    sender.join(timeout=15)
    assert status_of(email) == Status.SENT
    assert [outbox_row_of(entry) for entry in slow_mail_server.messages] == [email.pk]


@pytest.mark.django_db(transaction=True)
def test_a_send_that_outlasts_the_timeout_is_marked_uncertain_then_sent_when_it_succeeds(slow_mail_server, settings):
    settings.OUTBOX_SENDING_TIMEOUT = 0
    email = queue()
    sender = send_in_a_thread(email)
    wait_until(lambda: status_of(email) == Status.SENDING)
    assert services.sweep_outbox() == 0  # marked uncertain, not enqueued again
    assert status_of(email) == Status.UNCERTAIN
    sender.join(timeout=15)
    # The worker was only slow: the server accepted it, so the row says sent.
    assert status_of(email) == Status.SENT
    assert len(slow_mail_server.messages) == 1


@pytest.mark.django_db
def test_a_row_a_dead_worker_held_is_never_resent_by_the_queue_and_staff_resend_it_knowingly(
    smtp_mailer, admin_client, settings
):
    email = queue()
    other = queue(to="autre@exemple.re")
    # What a worker killed while sending leaves behind: the row claimed a minute ago.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(minutes=1), attempts=1
    )
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(hours=1))
    # The broker redelivers its task: nothing leaves. The sweep (within the timeout) leaves it
    # claimed and enqueues only the other, pending one.
    assert deliver_email(email_id=email.pk) is False
    assert services.sweep_outbox() == 1
    assert status_of(email) == Status.SENDING and not smtp_mailer.messages

    # Past the timeout, the sweep marks it uncertain, says why, and still does not send it.
    settings.OUTBOX_SENDING_TIMEOUT = 30
    assert services.sweep_outbox() == 1  # `other` only
    email.refresh_from_db()
    assert email.status == Status.UNCERTAIN and "peut-être parti" in email.last_error
    assert deliver_email(email_id=email.pk) is False and not smtp_mailer.messages
    # Failed-email retries leave it alone: only the knowing action resends it.
    assert services.retry_failed_emails(queryset=OutgoingEmail.objects.all()) == 0

    changelist = reverse("admin:messagerie_outgoingemail_changelist")
    page = admin_client.get(changelist, {"status__exact": "uncertain"})
    assert "Envoi incertain" in page.content.decode() and email.to in page.content.decode()
    response = admin_client.post(
        changelist,
        {"action": "resend_uncertain", ACTION_CHECKBOX_NAME: [email.pk, other.pk]},
        follow=True,
    )
    assert "1 courriel(s) à l&#x27;envoi incertain remis en file" in response.content.decode()
    assert status_of(email) == Status.PENDING and status_of(other) == Status.PENDING

    assert deliver_email(email_id=email.pk) is True
    received = smtp_mailer.wait_for(1)
    assert [outbox_row_of(entry) for entry in received] == [email.pk]
    # The same Message-ID on every attempt: a copy that did arrive is recognisable as the same.
    assert received[0]["message"]["Message-ID"] == services._message_id(email)


@pytest.mark.django_db
def test_the_retention_purge_never_deletes_a_row_being_sent(settings):
    settings.OUTBOX_RETENTION_DAYS = 1
    claimed, uncertain, sent = queue(), queue(), queue()
    long_ago = timezone.now() - timedelta(days=5)
    OutgoingEmail.objects.update(created_at=long_ago)
    OutgoingEmail.objects.filter(pk=claimed.pk).update(status=Status.SENDING, claimed_at=long_ago)
    OutgoingEmail.objects.filter(pk=uncertain.pk).update(status=Status.UNCERTAIN, claimed_at=long_ago)
    OutgoingEmail.objects.filter(pk=sent.pk).update(status=Status.SENT, sent_at=long_ago)
    assert services.purge_sent_emails() == 2
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [claimed.pk]


@pytest.mark.django_db
def test_the_database_refuses_a_claim_without_its_date():
    from django.db import IntegrityError, transaction

    email = queue()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).update(status=Status.SENDING)
