from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from messagerie import services
from messagerie.models import OutgoingEmail
from messagerie.services import DeliveryError, deliver_email, queue_email

pytestmark = pytest.mark.django_db


def queue(to="porteur@exemple.re", **kwargs):
    return queue_email(to=to, template="messagerie/essai", context={"name": "Céline"}, **kwargs)


def test_queued_email_is_rendered_and_pending():
    email = queue()
    assert email.status == OutgoingEmail.Status.PENDING
    assert email.subject == "Message d'essai du portail ESS Réunion"
    assert "Bonjour Céline," in email.body_text
    assert email.kind == "messagerie/essai"


def test_a_rolled_back_change_leaves_no_email():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("la modification échoue")
    assert not OutgoingEmail.objects.exists()


def test_sending_is_enqueued_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        queue()
    assert len(callbacks) == 1


def test_delivery_through_a_real_smtp_server_marks_the_row_sent(smtp_mailer):
    email = queue()
    assert deliver_email(email_id=email.pk) is True
    received = smtp_mailer.wait_for(1)
    assert received[0]["to"] == ["porteur@exemple.re"]
    assert received[0]["message"]["Subject"] == "Message d'essai du portail ESS Réunion"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.sent_at and email.attempts == 1
    # Delivering again (a retry, a duplicate message) sends nothing.
    assert deliver_email(email_id=email.pk) is False
    assert len(smtp_mailer.messages) == 1


def test_smtp_failure_is_recorded_then_gives_up(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = queue()
    with pytest.raises(DeliveryError):
        deliver_email(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert "ConnectionRefusedError" in email.last_error
    with pytest.raises(DeliveryError):
        deliver_email(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 2)


def test_dedup_key_queues_a_reminder_once():
    assert queue(dedup_key="rappel:42:2026-11-27") is not None
    assert queue(dedup_key="rappel:42:2026-11-27") is None
    assert OutgoingEmail.objects.count() == 1


def test_sweep_enqueues_old_pending_rows_only(monkeypatch):
    old, _recent, sent = queue(), queue(), queue()
    OutgoingEmail.objects.filter(pk__in=[old.pk, sent.pk]).update(created_at=timezone.now() - timedelta(minutes=10))
    OutgoingEmail.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    enqueued = []
    monkeypatch.setattr(services, "_enqueue", enqueued.append)
    assert services.sweep_outbox() == 1
    assert enqueued == [old.pk]


def test_purge_deletes_old_sent_emails_and_keeps_pending_ones(settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    old_sent, old_pending, recent_sent = queue(), queue(), queue()
    long_ago = timezone.now() - timedelta(days=31)
    OutgoingEmail.objects.filter(pk__in=[old_sent.pk, old_pending.pk]).update(created_at=long_ago)
    OutgoingEmail.objects.filter(pk__in=[old_sent.pk, recent_sent.pk]).update(status="sent", sent_at=timezone.now())
    assert services.purge_sent_emails() == 1
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {old_pending.pk, recent_sent.pk}


def test_send_test_email_command():
    call_command("send_test_email", "essai@exemple.re", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert OutgoingEmail.objects.get().to == "essai@exemple.re"
    assert mail.outbox == []  # nothing is sent inside the command itself


def test_plain_text_emails_are_not_html_escaped():
    email = queue_email(to="a@exemple.re", template="messagerie/essai", context={"name": "L'Arche & Co"})
    assert "Bonjour L'Arche & Co," in email.body_text
