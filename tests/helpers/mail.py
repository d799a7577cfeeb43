"""Emails as they leave: tests deliver outbox rows the way the worker does (private links
are minted then) and read what reached the mail backend."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.utils import timezone

from messagerie.models import OutgoingEmail
from messagerie.services import deliver_email, retry_failed_emails, sweep_outbox

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


def outbox_settled(count: int) -> bool:
    """True once `count` outbox rows exist and none is still queued or being sent: each is
    sent, failed or (left by a killed worker) « envoi incertain »."""
    rows = OutgoingEmail.objects.values_list("status", flat=True)
    waiting = {OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING}
    return len(rows) >= count and not waiting & set(rows)


def sweep_as_time_passes() -> int:
    """The outbox's sweep as it runs once the grace period and OUTBOX_SENDING_TIMEOUT are over:
    what a killed worker left claimed becomes « envoi incertain » (never resent on its own),
    what it left queued is enqueued again. Returns how many were enqueued."""
    long_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT + 60)
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING).update(claimed_at=long_ago)
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).update(created_at=long_ago)
    return sweep_outbox()


def outbox_row_of(entry) -> int:
    """The outbox row a message received by the SMTP sink came from (its Message-ID)."""
    found = re.fullmatch(r"<outbox-(\d+)\.\d+@[^>]+>", str(entry["message"]["Message-ID"]).strip())
    assert found, f"Message-ID inattendu : {entry['message']['Message-ID']}"
    return int(found.group(1))


def assert_each_row_received_once(sink) -> list[OutgoingEmail]:
    """After a worker was killed mid-send and another took over: no outbox row reached the
    sink twice, each row sent reached it exactly once, and a row marked « envoi incertain »
    (the one the dead worker held: a solo pool holds one) at most once. Returns the
    uncertain rows, for staff to resend knowingly."""
    received = Counter(outbox_row_of(entry) for entry in sink.messages)
    twice = {pk: times for pk, times in received.items() if times > 1}
    assert not twice, f"reçus plusieurs fois : {twice}"
    rows = list(OutgoingEmail.objects.order_by("pk"))
    assert set(received) <= {row.pk for row in rows}
    for row in rows:
        if row.status == OutgoingEmail.Status.SENT:
            assert received[row.pk] == 1, f"{row} : envoyé mais jamais reçu"
        else:
            assert row.status == OutgoingEmail.Status.UNCERTAIN, f"{row} : {row.get_status_display()}"
    uncertain = [row for row in rows if row.status == OutgoingEmail.Status.UNCERTAIN]
    assert len(uncertain) <= 1, f"un seul courriel en cours d'envoi par worker arrêté : {uncertain}"
    return uncertain


def resend_the_lost(sink, uncertain: list[OutgoingEmail]) -> list[int]:
    """Staff's « renvoyer » on the uncertain rows that never reached the sink (the worker died
    before the mail server accepted them); a row that did arrive stays uncertain, as staff
    would leave it once checked. Returns the ids put back in the queue."""
    arrived = {outbox_row_of(entry) for entry in sink.messages}
    lost = [row.pk for row in uncertain if row.pk not in arrived]
    retry_failed_emails(queryset=OutgoingEmail.objects.filter(pk__in=lost), statuses=[OutgoingEmail.Status.UNCERTAIN])
    return lost
