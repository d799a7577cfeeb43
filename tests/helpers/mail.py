"""Emails as they leave: tests deliver outbox rows the way the worker does (private links
are minted then) and read what reached the mail backend."""

import re

from django.core import mail

from messagerie.models import OutgoingEmail
from messagerie.services import deliver_email


def deliver(email: OutgoingEmail):
    """Send one outbox row as the worker would; the message that left."""
    sent_before = len(mail.outbox)
    assert deliver_email(email_id=email.pk), f"nothing sent for {email}"
    return mail.outbox[sent_before]


def sent_email(**filters):
    """Send the latest outbox row matching `filters` (e.g. kind=…, to=…); the message that left."""
    return deliver(OutgoingEmail.objects.filter(**filters).latest("pk"))


def deliver_all() -> list:
    """Send every pending row, oldest first; the messages that left."""
    pending = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).order_by("pk")
    return [deliver(email) for email in pending]


def link_path(message, path_pattern: str) -> str:
    """The path of the first link in a sent message whose path matches `path_pattern`."""
    found = re.search(r"https?://[^/\s]+(" + path_pattern + r")", message.body)
    assert found, f"no link matching {path_pattern!r} in:\n{message.body}"
    return found.group(1)
