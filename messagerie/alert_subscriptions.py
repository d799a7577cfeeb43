"""The life of an email alert on a saved search, shared by every app that offers one
(financial tools, job offers…): double opt-in, one-click unsubscription, digests due.

An alert model has the fields `email`, `token_hash` (the confirmation link's hash, unique),
`consent_at`, `confirmed_at`, `unsubscribed_at`, `frequency` (« quotidienne » or
« hebdomadaire ») and `watermark`. `AlertSubscriptions` holds what each app would otherwise
write again around such a model:

- the confirmation link is minted when the email leaves (messagerie.links): only its hash is
  kept on the alert, it works `ALERT_CONFIRM_DAYS`, and an alert still unconfirmed then is
  deleted (RGPD);
- every email carries the one-click unsubscribe link, in the body and in the List-Unsubscribe
  headers (RFC 2369, RFC 8058); an unsubscribed alert keeps no address;
- a digest is due a day or a week after the alert's watermark.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from lib.tokens import new_token, token_hash
from messagerie.links import PLACEHOLDER, LinkUnavailable, issue_token, private_link, resolve_token
from messagerie.services import queue_email

DAILY, WEEKLY = "quotidienne", "hebdomadaire"
PERIODS = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
# A digest due at 07:00 is not skipped because the previous one ran at 07:00:05.
DUE_SLACK = timedelta(hours=2)


def unsubscribe_headers(key: str = "unsubscribe_url") -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail programs offer a button that posts to the email's own
    unsubscribe link (the placeholder of the context's `key`, minted when it leaves)."""
    unsubscribe = PLACEHOLDER.format(key=key)
    return {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def due_filter(now) -> Q:
    """The alerts whose digest is due at `now`: a day (or a week) since their watermark."""
    return Q(frequency=DAILY, watermark__lte=now - PERIODS[DAILY] + DUE_SLACK) | Q(
        frequency=WEEKLY, watermark__lte=now - PERIODS[WEEKLY] + DUE_SLACK
    )


class AlertSubscriptions:
    """The double opt-in and the unsubscription of one alert model.

    `confirm_link` and `unsubscribe_link` are the names of the private-link builders (the
    app registers `build_confirm_link` and `build_unsubscribe_link` under them in its
    `AppConfig.ready()`); `confirm_url` and `unsubscribe_url` the URL names of the pages
    that take `<token>`.
    """

    def __init__(self, *, model, confirm_link: str, unsubscribe_link: str, confirm_url: str, unsubscribe_url: str):
        self.model = model
        self.confirm_link = confirm_link
        self.unsubscribe_link = unsubscribe_link
        self.confirm_url = confirm_url
        self.unsubscribe_url = unsubscribe_url

    def active(self):
        return self.model.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    @staticmethod
    def state_label(alert) -> str:
        if alert.unsubscribed_at:
            return "désinscrite"
        if alert.confirmed_at:
            return "confirmée"
        return "en attente de confirmation"

    # --- Links -----------------------------------------------------------------------------

    def build_confirm_link(self, *, alert: int) -> str:
        """Link builder: a fresh confirmation token; its hash replaces the alert's (the last
        confirmation email sent is the one that works)."""
        token, stored = new_token()
        updated = self.model.objects.filter(pk=alert, confirmed_at__isnull=True, unsubscribed_at__isnull=True).update(
            token_hash=stored
        )
        if not updated:
            raise LinkUnavailable("cette alerte n'attend plus de confirmation.")
        return settings.SITE_URL + reverse(self.confirm_url, args=[token])

    def build_unsubscribe_link(self, *, alert: int) -> str:
        """Link builder: a token stored hashed (messagerie.links), valid ALERT_UNSUBSCRIBE_LINK_DAYS."""
        if not self.model.objects.filter(pk=alert, unsubscribed_at__isnull=True).exists():
            raise LinkUnavailable("cette alerte est annulée.")
        expires_at = timezone.now() + timedelta(days=settings.ALERT_UNSUBSCRIBE_LINK_DAYS)
        token = issue_token(purpose=self.unsubscribe_link, object_id=alert, expires_at=expires_at)
        return settings.SITE_URL + reverse(self.unsubscribe_url, args=[token])

    def queue(self, alert, *, template: str, context: dict, dedup_key: str | None = None):
        """An email to the alert's address, with its unsubscribe link in the body and the headers."""
        return queue_email(
            to=alert.email,
            template=template,
            context={"alert": alert, "unsubscribe_url": private_link(self.unsubscribe_link, alert=alert.pk), **context},
            headers=unsubscribe_headers(),
            dedup_key=dedup_key,
        )

    def queue_confirmation(self, alert, *, template: str, context: dict | None = None):
        """The double opt-in's email: the confirmation link, valid ALERT_CONFIRM_DAYS."""
        return self.queue(
            alert,
            template=template,
            context={
                "url": private_link(self.confirm_link, alert=alert.pk),
                "days": settings.ALERT_CONFIRM_DAYS,
                **(context or {}),
            },
        )

    def subscribe(
        self, *, email: str, query: str, label: str, frequency: str, consent_text: str, template: str, **lookup
    ) -> None:
        """Record an unconfirmed alert (or renew the one waiting for this search) and email its
        confirmation link. An alert already confirmed only takes the new frequency. The same
        answer whatever the address has already saved: nobody learns what another person
        follows. `lookup`: the model's other fields that tell one alert from another. Run it
        inside the caller's transaction."""
        email = email.strip().lower()
        same = self.model.objects.select_for_update().filter(
            email=email, query=query, unsubscribed_at__isnull=True, **lookup
        )
        alert = same.first()
        if alert is not None and alert.confirmed_at is not None:
            if alert.frequency != frequency:
                self.model.objects.filter(pk=alert.pk).update(frequency=frequency)
            return
        now = timezone.now()
        if alert is None:
            alert = self.model(email=email, query=query, token_hash=new_token()[1], **lookup)
        alert.label = label
        alert.frequency = frequency or WEEKLY
        alert.consent_text = consent_text
        alert.consent_at = now  # renewed by each request, like the link it sends
        alert.watermark = now
        alert.full_clean(validate_constraints=False)
        alert.save()
        self.queue_confirmation(alert, template=template)

    # --- Confirming and leaving --------------------------------------------------------------

    def from_confirm_token(self, token: str):
        """The alert a confirmation link opens: unknown, forged, expired or unsubscribed: None."""
        if not token or len(token) > 200:
            return None
        alert = self.model.objects.filter(token_hash=token_hash(token), unsubscribed_at__isnull=True).first()
        if alert is None or alert.confirmed_at is not None:
            return alert
        if alert.consent_at < timezone.now() - timedelta(days=settings.ALERT_CONFIRM_DAYS):
            return None
        return alert

    def confirm(self, *, alert) -> None:
        """Start sending: what is new counts from now."""
        now = timezone.now()
        self.model.objects.filter(pk=alert.pk, confirmed_at__isnull=True, unsubscribed_at__isnull=True).update(
            confirmed_at=now, watermark=now
        )
        alert.refresh_from_db()

    def from_unsubscribe_token(self, token: str):
        alert_id = resolve_token(purpose=self.unsubscribe_link, token=token)
        return None if alert_id is None else self.model.objects.filter(pk=alert_id).first()

    def unsubscribe(self, *, alert) -> None:
        """Stop the alert at once and erase its address (RGPD); what it was sent stays counted."""
        with transaction.atomic():
            alert = self.model.objects.select_for_update().get(pk=alert.pk)
            if alert.unsubscribed_at is not None:
                return
            alert.unsubscribed_at = timezone.now()
            alert.email = f"desinscrit-{alert.pk}@invalid.invalid"
            alert.token_hash = new_token()[1]  # the confirmation link, if any, opens nothing now
            alert.save(update_fields=["unsubscribed_at", "email", "token_hash"])

    def purge_unconfirmed(self, *, now=None) -> int:
        """RGPD: alerts never confirmed are deleted once their link has expired."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.ALERT_CONFIRM_DAYS)
        deleted, _ = self.model.objects.filter(
            confirmed_at__isnull=True, unsubscribed_at__isnull=True, consent_at__lt=cutoff
        ).delete()
        return deleted

    # --- The two pages of the links ------------------------------------------------------------

    def confirm_page(self, request, token: str, *, templates: str):
        """The confirmation email's link. GET asks, POST confirms: a mail scanner that opens
        links confirms nothing. `templates` is the folder of confirmer, confirmee and
        lien_invalide.html."""
        alert = self.from_confirm_token(token)
        if alert is None:
            return render(request, f"{templates}/lien_invalide.html", {"message": ""}, status=404)
        if request.method == "POST":
            self.confirm(alert=alert)
            return render(request, f"{templates}/confirmee.html", {"alert": alert})
        return render(request, f"{templates}/confirmer.html", {"alert": alert})

    def unsubscribe_page(self, request, token: str, *, templates: str):
        """Every alert email's link: one click (GET shows a button, POST unsubscribes). The
        view is CSRF-exempt (RFC 8058: mail programs post without a form)."""
        alert = self.from_unsubscribe_token(token)
        if alert is None:
            return render(request, f"{templates}/lien_invalide.html", {"message": ""}, status=404)
        if request.method == "POST":
            self.unsubscribe(alert=alert)
            return render(request, f"{templates}/desinscrite.html")
        return render(request, f"{templates}/desinscrire.html", {"alert": alert})
