"""Everything communication can hold about one person: a confirmed newsletter subscription
(themes, a territory) and an issue sent to them, with a send that failed for them first."""

from django.db import transaction
from django.utils import timezone

from communication import newsletter
from communication.models import Delivery, NewsletterIssue, Subscriber
from referentiels.models import Territory, TerritoryKind

CONSENT = "J'accepte de recevoir la lettre d'information de la CRESS."


@transaction.atomic
def make_person(email, first_name, last_name) -> None:
    west = Territory.objects.get(kind=TerritoryKind.EPCI, short_name="TCO")
    newsletter.subscribe(email=email, themes=["agenda", "achats"], territories=[west], consent_text=CONSENT)
    subscriber = Subscriber.objects.get(email=email.lower())
    newsletter.confirm(subscriber)
    issue = NewsletterIssue.objects.create(
        subject=f"La lettre de l'ESS, {timezone.localdate():%B %Y}", status=NewsletterIssue.Status.SENT
    )
    Delivery.objects.create(
        issue=issue, subscriber=subscriber, status=Delivery.Status.SENT, attempts=2, sent_at=timezone.now()
    )
    failed = NewsletterIssue.objects.create(subject="Numéro spécial Mois de l'ESS", status=NewsletterIssue.Status.SENT)
    Delivery.objects.create(
        issue=failed,
        subscriber=subscriber,
        status=Delivery.Status.FAILED,
        attempts=3,
        error=f"SMTPRecipientsRefused: {email} (550)",
    )
