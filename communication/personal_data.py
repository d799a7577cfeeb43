"""What communication holds about a person (lib/personal_data.py): their newsletter
subscription and the issues sent to them.

Erasing reuses the unsubscription (`newsletter.unsubscribe`): the address is erased at once
and the row stays without it, so that the sends' counts stay right; a subscription never
confirmed is deleted, as the retention job does after NEWSLETTER_PENDING_DAYS.
"""

from communication import newsletter
from communication.models import Delivery, Subscriber, Theme
from lib.personal_data import Erased, Found, PersonalDataProvider, Record, Retention, normalise_email, when


def _subscriptions(email: str):
    return Subscriber.objects.filter(email__iexact=normalise_email(email)).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
    )


def find(email: str) -> Found:
    email = normalise_email(email)
    if not email:
        return Found()  # an empty address would match every row whose address was erased
    found = Found()
    themes = dict(Theme.choices)
    for subscriber in _subscriptions(email).prefetch_related("territories").order_by("pk"):
        found.records.append(
            Record(
                "Abonnement à la lettre d'information",
                {
                    "adresse électronique": subscriber.email,
                    "état": subscriber.get_status_display(),
                    "thèmes": [themes.get(theme, theme) for theme in subscriber.themes],
                    "territoires": sorted(territory.name for territory in subscriber.territories.all()),
                    "consentement accepté": subscriber.consent_text,
                    "consentement donné le": when(subscriber.consent_at),
                    "inscrit·e le": when(subscriber.created_at),
                    "confirmé le": when(subscriber.confirmed_at),
                },
            )
        )
        for delivery in Delivery.objects.filter(subscriber=subscriber).select_related("issue").order_by("pk"):
            found.records.append(
                Record(
                    "Envoi de la lettre d'information",
                    {
                        "lettre": delivery.issue.subject,
                        "état": delivery.get_status_display(),
                        "envoyée le": when(delivery.sent_at),
                    },
                )
            )
    return found


def erase(email: str, *, by) -> Erased:
    email = normalise_email(email)
    if not email:
        return Erased()
    erased = Erased()
    for subscriber in _subscriptions(email):
        if subscriber.status == Subscriber.Status.PENDING:
            subscriber.delete()
        else:
            deliveries = Delivery.objects.filter(subscriber=subscriber).count()
            newsletter.unsubscribe(subscriber)
            erased.erased += deliveries
        erased.erased += 1
    return erased


PROVIDER = PersonalDataProvider(
    name="communication",
    label="Lettre d'information",
    order=45,
    models=("communication.Subscriber", "communication.Delivery"),
    find=find,
    erase=erase,
    retentions=(
        Retention(
            treatment="Abonnements à la lettre d'information (adresse électronique, thèmes, territoires)",
            basis="Consentement",
            period="Jusqu'à la désinscription, qui efface l'adresse aussitôt ; une inscription jamais confirmée "
            "est supprimée après {NEWSLETTER_PENDING_DAYS} jours",
            settings=("NEWSLETTER_PENDING_DAYS",),
        ),
    ),
)
