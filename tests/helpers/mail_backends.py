"""Mail backends that fail the way real servers do, for the newsletter's error handling.

Each records what it "delivered" in django.core.mail.outbox, like the locmem backend."""

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# Addresses a backend treats specially, set by the test.
SPECIAL: dict[str, str] = {}


class FlakyBackend(LocmemBackend):
    """Per address in SPECIAL: "accepted-then-timeout" (delivered, then the answer is lost),
    "disconnect" (the connection drops before anything), "busy" (450, try later),
    "unknown" (550, no such mailbox)."""

    def send_messages(self, messages):
        for message in messages:
            (address,) = message.to
            behaviour = SPECIAL.get(address, "")
            if behaviour == "accepted-then-timeout":
                mail.outbox.append(message)
                raise TimeoutError("timed out")
            if behaviour == "disconnect":
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            if behaviour == "busy":
                raise smtplib.SMTPRecipientsRefused({address: (450, b"4.2.1 Mailbox busy, try later")})
            if behaviour == "unknown":
                raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 " + address.encode() + b" unknown")})
        return super().send_messages(messages)
