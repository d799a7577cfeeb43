"""The email outbox: every email to a person goes through `queue_email`.

Writing the row and changing the business data happen in one transaction; the
send happens after commit, in a Celery task, so that a request never waits for an
SMTP server and a rolled-back change never sends mail.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from messagerie.links import LinkUnavailable, extract_links, fill_links, mint_links
from messagerie.models import OutgoingEmail

logger = logging.getLogger(__name__)

# A pending row younger than this is probably still on its way through the broker.
SWEEP_GRACE = timedelta(minutes=2)


class DeliveryError(Exception):
    """The SMTP server refused or could not be reached; the task retries."""


@dataclass(frozen=True)
class Attachment:
    """A small text file sent with an email (a calendar invitation…), kept in the outbox row
    so that a retry sends the same file. Binary documents are not attached: the email links
    to the page where they are downloaded."""

    filename: str
    mimetype: str
    content: str

    def as_row(self) -> dict:
        return {"filename": self.filename, "mimetype": self.mimetype, "content": self.content}


def render_email(*, template: str, context: dict) -> tuple[str, str, str]:
    """Render `emails/<template>.subject.txt`, `.txt` and, if present, `.html`."""
    context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context, using="text").split())
    text = render_to_string(f"emails/{template}.txt", context, using="text")
    try:
        html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def _enqueue(email_id: int) -> None:
    from messagerie.tasks import send_outgoing_email

    try:
        send_outgoing_email.delay(email_id)
    except Exception:  # broker unreachable: the row stays pending for the sweep
        logger.warning("Courriel %s en attente : file de tâches injoignable.", email_id, exc_info=True)


def queue_email(
    *,
    to: str,
    template: str,
    context: dict,
    reply_to: str = "",
    headers: dict | None = None,
    dedup_key: str | None = None,
    attachments: list[Attachment] = (),
) -> OutgoingEmail | None:
    """Write an email to the outbox and send it once the current transaction commits.

    Private links in the context (`messagerie.links.private_link`) are not rendered: the
    row keeps a placeholder and how to make the link, which is minted when it is sent.
    With a `dedup_key` already used, nothing is written and None is returned: the
    same reminder queued twice is sent once. `attachments` travel with the message.
    """
    context, links = extract_links(context)
    subject, text, html = render_email(template=template, context=context)
    email = OutgoingEmail(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to,
        headers=headers or {},
        links=links,
        attachments=[attachment.as_row() for attachment in attachments],
        kind=template,
        dedup_key=dedup_key,
    )
    # Fields are checked here; the table's constraints are left to the database.
    email.full_clean(exclude=["dedup_key"], validate_constraints=False)
    if dedup_key is None:
        email.save()
    else:
        try:
            with transaction.atomic():
                email.save()
        except IntegrityError:
            if OutgoingEmail.objects.filter(dedup_key=dedup_key).exists():
                return None
            raise
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _message_id(email: OutgoingEmail) -> str:
    """One Message-ID per outbox row, the same on every attempt: a copy sent again by staff
    after an uncertain send is recognisable as the same message (mail clients fold them)."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<outbox-{email.pk}.{int(email.created_at.timestamp())}@{domain}>"


def _message(email: OutgoingEmail, urls: dict) -> EmailMultiAlternatives:
    headers = {name: fill_links(value, urls) for name, value in email.headers.items()}
    headers.setdefault("Message-ID", _message_id(email))
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=fill_links(email.body_text, urls),
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(fill_links(email.body_html, urls, escape=True), "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def deliver_email(*, email_id: int) -> bool:
    """Send one pending email and mark it sent. Returns False if there was nothing to send.

    Its private links are minted first, in their own transaction, so that a link that
    reached the person always works; the row keeps only placeholders. Then the row is
    claimed (« en cours d'envoi ») and the claim committed before the mail server is
    contacted: two workers given the same id cannot both send it, and a worker killed
    after the server accepted the message but before the row was marked sent leaves it
    claimed, which the queue never sends again (the sweep later marks it « envoi
    incertain », see `sweep_outbox`). A refusal by the server puts the row back in the
    queue, until OUTBOX_MAX_ATTEMPTS.
    """
    links = (
        OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING)
        .values_list("links", flat=True)
        .first()
    )
    if links is None:
        return False
    urls, unavailable = {}, None
    if links:
        try:
            with transaction.atomic():
                urls = mint_links(links)
        except LinkUnavailable as exc:
            unavailable = exc
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutgoingEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        if unavailable is not None:
            # The page the link opens is gone (erased, closed): sending would lead nowhere.
            email.status = OutgoingEmail.Status.FAILED
            email.last_error = f"Lien indisponible : {unavailable}"[:2000]
            email.save(update_fields=["status", "last_error"])
            return False
        email.status = OutgoingEmail.Status.SENDING
        email.claimed_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["status", "claimed_at", "attempts"])
    # The claim is committed: from here on, whatever happens to this process, the queue
    # will not send this row again.
    try:
        _message(email, urls).send(fail_silently=False)
    except Exception as exc:
        gave_up = email.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENDING).update(
            status=OutgoingEmail.Status.FAILED if gave_up else OutgoingEmail.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise DeliveryError(str(exc)) from exc
    # A send slower than the timeout was marked uncertain by the sweep meanwhile: it did leave.
    OutgoingEmail.objects.filter(
        pk=email.pk, status__in=[OutgoingEmail.Status.SENDING, OutgoingEmail.Status.UNCERTAIN]
    ).update(status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def mark_uncertain_sends() -> int:
    """Mark « envoi incertain » every email claimed longer ago than OUTBOX_SENDING_TIMEOUT
    and still not sent nor refused: its worker died while sending it, maybe after the mail
    server accepted it. Nothing resends it on its own; returns how many were marked."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    stale = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING, claimed_at__lt=cutoff)
    count = stale.update(
        status=OutgoingEmail.Status.UNCERTAIN,
        last_error="Le worker s'est arrêté pendant l'envoi : le message est peut-être parti. "
        "Vérifiez avant de le renvoyer.",
    )
    if count:
        logger.warning("%s courriel(s) à l'envoi incertain (worker arrêté pendant l'envoi).", count)
    return count


def sweep_outbox() -> int:
    """Mark the uncertain sends, then enqueue again every pending email older than the
    grace period. Returns how many were enqueued."""
    mark_uncertain_sends()
    cutoff = timezone.now() - SWEEP_GRACE
    ids = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )
    for email_id in ids:
        _enqueue(email_id)
    return len(ids)


def retry_failed_emails(*, queryset, statuses=(OutgoingEmail.Status.FAILED,)) -> int:
    """Give failed emails (and, when staff say so knowingly, uncertain ones) a new round of
    attempts (admin actions). A resent uncertain email carries the same Message-ID."""
    ids = list(queryset.filter(status__in=statuses).values_list("pk", flat=True))
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk__in=ids).update(status=OutgoingEmail.Status.PENDING, attempts=0)
        for email_id in ids:
            transaction.on_commit(lambda email_id=email_id: _enqueue(email_id))
    return len(ids)


def purge_sent_emails() -> int:
    """RGPD: delete sent, failed and uncertain emails past the retention period. Returns how
    many (never a row still queued or being sent)."""
    cutoff = timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = (
        OutgoingEmail.objects.exclude(status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING])
        .filter(created_at__lt=cutoff)
        .delete()
    )
    return deleted
