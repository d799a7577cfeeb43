"""Text attachments (a calendar invitation…) travel with an outbox email, on every attempt."""

import pytest

from messagerie.models import OutgoingEmail
from messagerie.services import Attachment, deliver_email, queue_email, retry_failed_emails
from tests.helpers.mail import deliver

pytestmark = pytest.mark.django_db

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Réunion d'essai\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def queue_with_ics(**kwargs):
    return queue_email(
        to="porteur@exemple.re",
        template="messagerie/essai",
        context={"name": "Céline"},
        attachments=[Attachment(filename="rendez-vous.ics", mimetype="text/calendar", content=ICS)],
        **kwargs,
    )


def test_the_attachment_is_kept_in_the_row_and_reaches_the_mail_server(smtp_mailer):
    email = queue_with_ics()
    email.refresh_from_db()
    assert email.attachments == [{"filename": "rendez-vous.ics", "mimetype": "text/calendar", "content": ICS}]
    message = deliver(email)
    [(name, content_type, content)] = message.attachments
    assert (name, content_type) == ("rendez-vous.ics", "text/calendar")
    assert "SUMMARY:Réunion d'essai" in content
    assert "Bonjour Céline," in message.body, "the text body is still the body"


def test_a_resent_email_carries_its_attachment_again(smtp_mailer):
    email = queue_with_ics()
    deliver(email)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED)
    retry_failed_emails(queryset=OutgoingEmail.objects.filter(pk=email.pk))
    assert deliver_email(email_id=email.pk)
    received = smtp_mailer.wait_for(2)
    assert [len(list(entry["message"].iter_attachments())) for entry in received] == [1, 1]


def test_an_email_without_attachment_has_none():
    email = queue_email(to="porteur@exemple.re", template="messagerie/essai", context={"name": "Céline"})
    email.refresh_from_db()
    assert email.attachments == []
