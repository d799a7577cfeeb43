"""The newsletter: double opt-in, one-click unsubscribe, and a resumable batch send.

Sending is at most once per recipient. Each delivery row is claimed and committed
(« en cours ») before its message is handed to the mail server, then marked sent. A
worker killed mid-send stops where it is; the next run sends what is still « à envoyer »
and marks what it finds claimed for too long « incertain » rather than sending it again:
staff see those few rows and may resend them knowingly.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from communication.models import Delivery, NewsletterIssue, Subscriber
from lib.richtext import plain_text
from messagerie.links import LinkUnavailable, private_link
from messagerie.services import queue_email

logger = logging.getLogger(__name__)

CONFIRM_SALT = "communication.newsletter.confirm"
UNSUBSCRIBE_SALT = "communication.newsletter.unsubscribe"
LINK_PLACEHOLDER = "https://lien-de-desinscription.invalid/"
S = Subscriber.Status
D = Delivery.Status


class NewsletterError(Exception):
    """A newsletter operation refused, with a message in French for the person."""


# --- Subscription ----------------------------------------------------------------------


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=CONFIRM_SALT, compress=True)


# The confirmation link of a subscription (messagerie.links): signed, minted at sending.
CONFIRM_LINK = "communication.lettre-confirmation"


def build_confirm_link(*, subscriber: int) -> str:
    """Link builder: the double opt-in link, valid NEWSLETTER_CONFIRM_DAYS."""
    found = Subscriber.objects.filter(pk=subscriber, status=S.PENDING).first()
    if found is None:
        raise LinkUnavailable("cette inscription n'attend plus de confirmation.")
    return settings.SITE_URL + reverse("actualites:lettre-confirmation", args=[confirm_token(found)])


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.dumps({"id": subscriber.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return settings.SITE_URL + reverse("actualites:lettre-desinscription", args=[unsubscribe_token(subscriber)])


@transaction.atomic
def subscribe(*, email: str, themes: list[str], territories, consent_text: str) -> None:
    """Record the wish and send the confirmation link; nothing is sent to anyone before it is
    confirmed. The same answer whatever the address's state: no one learns who subscribed."""
    email = email.strip().lower()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is not None and subscriber.status == S.CONFIRMED:
        return
    if subscriber is None:
        subscriber = Subscriber(email=email)
    subscriber.status = S.PENDING
    subscriber.themes = themes
    subscriber.consent_text = consent_text
    subscriber.consent_at = timezone.now()
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError:  # subscribed at the same moment from another tab
        return
    subscriber.territories.set(territories)
    queue_email(
        to=email,
        template="communication/lettre_confirmation",
        context={"url": private_link(CONFIRM_LINK, subscriber=subscriber.pk), "days": settings.NEWSLETTER_CONFIRM_DAYS},
    )


def subscriber_from_confirm_token(token: str) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=data.get("id"), email=data.get("email")).first()


def confirm(subscriber: Subscriber) -> None:
    if subscriber.status == S.UNSUBSCRIBED:
        raise NewsletterError("Cette inscription a été annulée : inscrivez-vous à nouveau.")
    if subscriber.status == S.PENDING:
        subscriber.status = S.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])


def subscriber_from_unsubscribe_token(token: str) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=data.get("id")).first()


@transaction.atomic
def unsubscribe(subscriber: Subscriber) -> None:
    """Stop every mailing at once and erase the address (RGPD): only the row's id remains,
    so that an issue being sent skips it and its counts stay right."""
    if subscriber.status == S.UNSUBSCRIBED:
        return
    subscriber.status = S.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.email = f"desinscrit-{subscriber.pk}@invalid.invalid"
    subscriber.themes = []
    subscriber.save(update_fields=["status", "unsubscribed_at", "email", "themes"])
    subscriber.territories.clear()
    Delivery.objects.filter(subscriber=subscriber, status=D.PENDING).update(status=D.SKIPPED)
    Delivery.objects.filter(subscriber=subscriber).exclude(error="").update(error="")


def purge_unconfirmed() -> int:
    """RGPD: subscriptions never confirmed are deleted after NEWSLETTER_PENDING_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.NEWSLETTER_PENDING_DAYS)
    # consent_at is renewed by each new request, like the link it sends.
    deleted, _ = Subscriber.objects.filter(status=S.PENDING, consent_at__lt=cutoff).delete()
    return deleted


# --- Composing -------------------------------------------------------------------------


def recipients(issue: NewsletterIssue):
    """Confirmed subscribers the issue is for (its themes and territories, if any)."""
    queryset = Subscriber.objects.filter(status=S.CONFIRMED)
    if issue.themes and connection.vendor == "postgresql":
        wanted = Q(themes=[])
        for theme in issue.themes:
            wanted |= Q(themes__contains=[theme])
        queryset = queryset.filter(wanted)
    elif issue.themes:  # SQLite (the zero-setup default) has no JSON containment: compare here
        themes = set(issue.themes)
        ids = [pk for pk, chosen in queryset.values_list("pk", "themes") if not chosen or themes & set(chosen)]
        queryset = queryset.filter(pk__in=ids)
    territory_ids = [t.pk for t in issue.territories.all()]
    if territory_ids:
        queryset = queryset.filter(Q(territories__isnull=True) | Q(territories__in=territory_ids))
    return queryset.distinct()


def render_issue(issue: NewsletterIssue, *, unsubscribe: str, nonce: str = "") -> tuple[str, str]:
    """The issue's HTML and plain text, for one recipient (their own unsubscribe link)."""
    context = {
        "issue": issue,
        "intro_text": plain_text(issue.intro),
        "news": list(issue.news.visible().select_related("category").order_by("-publish_at")),
        "events": list(issue.events.visible().select_related("commune").order_by("starts_at")),
        "unsubscribe_url": unsubscribe,
        "news_url": settings.SITE_URL + reverse("actualites:index"),
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "nonce": nonce,
    }
    html = render_to_string("emails/communication/lettre.html", context)
    text = render_to_string("emails/communication/lettre.txt", context, using="text")
    return html, text


def _message(issue: NewsletterIssue, *, to: str, unsubscribe: str, html: str, text: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=issue.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            # RFC 2369 and RFC 8058: mail programs show an « unsubscribe » button that posts here.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Lettre de la CRESS La Réunion <lettre.{settings.SITE_URL.split('://', 1)[-1]}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_test(issue: NewsletterIssue, *, to: str) -> None:
    """A test copy to one staff address, through the outbox (its link unsubscribes no one)."""
    sample = settings.SITE_URL + reverse("actualites:lettre-inscription")
    html, text = render_issue(issue, unsubscribe=sample)
    queue_email(
        to=to,
        template="communication/lettre_test",
        context={
            "subject": issue.subject,
            "text": text,
            "html": html,
            "admin_url": settings.SITE_URL + reverse("admin:communication_newsletterissue_change", args=[issue.pk]),
        },
    )


# --- Sending ---------------------------------------------------------------------------


@transaction.atomic
def start_sending(issue: NewsletterIssue) -> int:
    """Freeze the list of recipients (one delivery row each) and start the batches.
    Returns the number of recipients."""
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != NewsletterIssue.Status.DRAFT:
        raise NewsletterError("Cette lettre est déjà envoyée ou en cours d'envoi.")
    if not issue.news.exists() and not issue.events.exists() and not issue.intro.strip():
        raise NewsletterError("La lettre est vide : ajoutez un éditorial, des actualités ou des événements.")
    ids = list(recipients(issue).order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise NewsletterError("Aucun abonné·e confirmé·e ne correspond : rien à envoyer.")
    Delivery.objects.bulk_create(
        [Delivery(issue=issue, subscriber_id=pk) for pk in ids], batch_size=2000, ignore_conflicts=True
    )
    issue.status = NewsletterIssue.Status.SENDING
    issue.send_started_at = timezone.now()
    issue.save(update_fields=["status", "send_started_at"])
    transaction.on_commit(lambda: _enqueue_batch(issue.pk))
    return len(ids)


def _enqueue_batch(issue_id: int) -> None:
    from communication.tasks import send_newsletter_batch

    try:
        send_newsletter_batch.delay(issue_id)
    except Exception:  # broker unreachable: the periodic resume picks the send up again
        logger.warning("Lettre %s : file de tâches injoignable, reprise différée.", issue_id, exc_info=True)


def _claimable(issue_id: int):
    now = timezone.now()
    return Delivery.objects.filter(issue_id=issue_id, status=D.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(issue_id: int) -> Delivery | None:
    """Take the next recipient and commit the claim before anything is sent."""
    with transaction.atomic():
        delivery = (
            _claimable(issue_id).select_for_update(skip_locked=True).select_related("subscriber").order_by("pk").first()
        )
        if delivery is None:
            return None
        if delivery.subscriber.status != S.CONFIRMED:
            delivery.status = D.SKIPPED
            delivery.save(update_fields=["status"])
            return delivery
        delivery.status = D.SENDING
        delivery.claimed_at = timezone.now()
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
        return delivery


def _failure(exc: Exception) -> tuple[str, str]:
    """What a failed send means: ("retry" | "failed" | "uncertain", error without any address).

    Only an answer of the server before it took the message proves it was not delivered;
    a timeout or a dropped connection may come after the server accepted it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        code = codes[0] if codes else None
        return ("retry" if code and 400 <= code < 500 else "failed"), f"Adresse refusée par le serveur ({code})."
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        code = exc.smtp_code
        return ("retry" if 400 <= code < 500 else "failed"), f"Message refusé par le serveur ({code})."
    return "uncertain", f"{type(exc).__name__} : envoi interrompu, peut-être reçu, non renvoyé."


def send_batch(issue_id: int, *, size: int | None = None) -> dict:
    """Send up to `size` messages of the issue, one committed row at a time. Returns counts
    and whether recipients can be sent to now (the task then enqueues the next batch)."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    issue = NewsletterIssue.objects.filter(pk=issue_id, status=NewsletterIssue.Status.SENDING).first()
    if issue is None:
        return {"sent": 0, "failed": 0, "remaining": False}
    sent = failed = 0
    # Rendered once per batch; each recipient gets their own unsubscribe link in place.
    html, text = render_issue(issue, unsubscribe=LINK_PLACEHOLDER)
    with mailers.default as connection:  # a server that cannot be reached fails here, before any claim
        for _ in range(size):
            delivery = _claim(issue_id)
            if delivery is None:
                break
            if delivery.status == D.SKIPPED:
                continue
            link = unsubscribe_url(delivery.subscriber)
            message = _message(
                issue,
                to=delivery.subscriber.email,
                unsubscribe=link,
                html=html.replace(LINK_PLACEHOLDER, link),
                text=text.replace(LINK_PLACEHOLDER, link),
            )
            try:
                connection.send_messages([message])  # one open connection for the whole batch
            except Exception as exc:
                failed += 1
                outcome, error = _failure(exc)
                if outcome == "retry" and delivery.attempts < settings.NEWSLETTER_MAX_ATTEMPTS:
                    later = timezone.now() + timedelta(minutes=settings.NEWSLETTER_RETRY_MINUTES)
                    Delivery.objects.filter(pk=delivery.pk).update(status=D.PENDING, next_attempt_at=later, error=error)
                    continue
                status = D.UNCERTAIN if outcome == "uncertain" else D.FAILED
                Delivery.objects.filter(pk=delivery.pk).update(status=status, error=error)
                if outcome == "uncertain":
                    break  # the connection is in doubt: the next batch opens a new one
                continue
            Delivery.objects.filter(pk=delivery.pk).update(status=D.SENT, sent_at=timezone.now(), error="")
            sent += 1
    remaining = _claimable(issue_id).exists()
    if not remaining:
        finish_if_done(issue_id)
    return {"sent": sent, "failed": failed, "remaining": remaining}


def finish_if_done(issue_id: int) -> bool:
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().filter(pk=issue_id).first()
        if issue is None or issue.status != NewsletterIssue.Status.SENDING:
            return False
        if Delivery.objects.filter(issue_id=issue_id, status__in=[D.PENDING, D.SENDING]).exists():
            return False
        issue.status = NewsletterIssue.Status.SENT
        issue.sent_at = timezone.now()
        issue.save(update_fields=["status", "sent_at"])
        return True


def resume_stalled_sends() -> int:
    """Periodic: rows claimed longer ago than NEWSLETTER_CLAIM_TIMEOUT_SECONDS belong to a
    worker that died; they become « incertain » (never re-sent). An issue with recipients to
    send to now, and no claim within that time (no chain of batches at work), gets a new
    batch. Returns how many issues were resumed."""
    cutoff = timezone.now() - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT_SECONDS)
    Delivery.objects.filter(status=D.SENDING, claimed_at__lt=cutoff).update(
        status=D.UNCERTAIN, error="Envoi interrompu (arrêt du worker) : peut-être reçu, non renvoyé."
    )
    resumed = 0
    for issue_id in NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENDING).values_list("pk", flat=True):
        last_claim = Delivery.objects.filter(issue_id=issue_id).aggregate(last=Max("claimed_at"))["last"]
        if last_claim is not None and last_claim >= cutoff:
            continue  # a worker is sending it right now
        if _claimable(issue_id).exists():
            _enqueue_batch(issue_id)
            resumed += 1
        else:
            finish_if_done(issue_id)
    return resumed


@transaction.atomic
def resend_uncertain(issue: NewsletterIssue) -> int:
    """Staff's knowing choice: send again to the recipients whose delivery is uncertain
    (some may receive the issue twice)."""
    count = Delivery.objects.filter(issue=issue, status=D.UNCERTAIN).update(
        status=D.PENDING, error="", next_attempt_at=None
    )
    if count:
        NewsletterIssue.objects.filter(pk=issue.pk).update(status=NewsletterIssue.Status.SENDING, sent_at=None)
        transaction.on_commit(lambda: _enqueue_batch(issue.pk))
    return count


def delivery_counts(issue: NewsletterIssue) -> dict[str, int]:
    totals = dict(issue.deliveries.values_list("status").annotate(n=Count("pk")).order_by())
    return {label: totals.get(value, 0) for value, label in D.choices}
