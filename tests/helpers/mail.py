"""Emails as they leave: tests deliver outbox rows the way the worker does (private links
are minted then) and read what reached the mail backend."""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.core import mail

from messagerie.models import OutgoingEmail
from messagerie.services import deliver_email

# The SMTP sink the test process's mail goes to (fixture `smtp_mailer`), or None: locmem.
ACTIVE_SINK = None


@dataclass
class Received:
    """A message as the SMTP sink received it, read like Django's EmailMessage."""

    subject: str
    body: str
    to: list[str]
    extra_headers: dict
    # (file name, content type, content) of each attached file, as Django's EmailMessage lists them.
    attachments: list = field(default_factory=list)


def _received(entry) -> Received:
    message = entry["message"]
    body = message.get_body(preferencelist=("plain",))
    return Received(
        subject=str(message["Subject"]),
        body=body.get_content() if body is not None else "",
        to=entry["to"],
        extra_headers=dict(message.items()),
        attachments=[
            (part.get_filename(), part.get_content_type(), part.get_content()) for part in message.iter_attachments()
        ],
    )


def sent_messages() -> list:
    """Every message that left so far: from the SMTP sink when the test uses one."""
    if ACTIVE_SINK is not None:
        return [_received(entry) for entry in ACTIVE_SINK.messages]
    return list(mail.outbox)


def deliver(email: OutgoingEmail):
    """Send one outbox row as the worker would; the message that left."""
    if ACTIVE_SINK is not None:
        before = len(ACTIVE_SINK.messages)
        assert deliver_email(email_id=email.pk), f"nothing sent for {email}"
        return _received(ACTIVE_SINK.wait_for(before + 1, timeout=10)[before])
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


def received_by_kind(sink, subjects: dict) -> Counter:
    """How many times each (address, kind) reached the SMTP sink, the kind told by the
    subject's beginning (`subjects`: kind → start of its subject)."""
    return Counter(
        (entry["to"][0], kind)
        for entry in sink.messages
        for kind, subject in subjects.items()
        if str(entry["message"]["Subject"]).startswith(subject)
    )


def outbox_sent(count: int) -> bool:
    """True once at least `count` outbox rows are sent."""
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() >= count
