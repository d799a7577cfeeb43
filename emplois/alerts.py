"""Job alerts: a saved search of the offers (`/emplois/?…`) with an email.

- Double opt-in, one-click unsubscription (RFC 8058), deletion of unconfirmed alerts: the
  shared life of alerts (messagerie.alert_subscriptions); the links are minted when the email
  leaves, only their hashes are stored.
- Digests: daily or weekly (Réunion time, beat), the offers published since the alert's
  watermark that match its search and are still open, never sent before to it.
- Matching in batches (emplois.alert_matching): the new offers loaded once per sweep, one
  query per batch of alerts for their keywords, one for what the batch was already sent;
  never one query per alert.
- Exactly once: each (alert, offer) is a JobAlertDelivery row, unique, written in the same
  transaction as the email's outbox row and the alert's new watermark; a sweep killed half-way
  is finished by the next, which sends only what was not committed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from emplois.alert_matching import MAX_QUERYSTRING, OfferIndex, load_new_offers, match_batch, read_search
from emplois.models import JobAlert, JobAlertDelivery, Offer, Remote
from lib.dates import french_date
from messagerie.alert_subscriptions import AlertSubscriptions, due_filter

CONFIRM_LINK = "emplois.alerte-confirmation"
UNSUBSCRIBE_LINK = "emplois.alerte-desinscription"
CONFIRM_TEMPLATE = "emplois/alerte_confirmation"
DIGEST_TEMPLATE = "emplois/alerte_nouveautes"
SUBSCRIPTIONS = AlertSubscriptions(
    model=JobAlert,
    confirm_link=CONFIRM_LINK,
    unsubscribe_link=UNSUBSCRIBE_LINK,
    confirm_url="emplois:alert-confirm",
    unsubscribe_url="emplois:alert-unsubscribe",
)


class AlertError(Exception):
    """An alert refused, with a message in French for the person."""


def offer_url(offer: Offer) -> str:
    """The offer's public page (emplois:offer, /emplois/offres/<pk>-<slug>/)."""
    return settings.SITE_URL + reverse("emplois:offer", args=[offer.pk, offer.slug])


def search_url(query: str) -> str:
    return settings.SITE_URL + reverse("emplois:index") + (f"?{query}" if query else "")


# --- Subscribing ---------------------------------------------------------------------------------


@transaction.atomic
def create_alert(*, email: str, consent_text: str, querystring: str, frequency: str) -> None:
    """Record an unconfirmed alert on the search of `querystring` and email its confirmation
    link (nothing else is sent before it is confirmed)."""
    search = read_search(querystring)
    if search.errors:
        raise AlertError(search.errors[0])
    if len(search.querystring) > MAX_QUERYSTRING:
        raise AlertError("Cette recherche est trop longue pour être enregistrée : retirez des critères.")
    SUBSCRIPTIONS.subscribe(
        email=email,
        query=search.querystring,
        label=search.label[:300],
        frequency=frequency,
        consent_text=consent_text,
        template=CONFIRM_TEMPLATE,
    )


# --- Digests ---------------------------------------------------------------------------------------


def due_alerts(*, now):
    """(id, saved query, watermark) of every confirmed alert whose digest is due: one query."""
    return list(SUBSCRIPTIONS.active().filter(due_filter(now)).order_by("pk").values_list("pk", "query", "watermark"))


def overlap() -> timedelta:
    # An offer published in a transaction that committed late is still caught; the
    # delivery rows keep it from being sent twice.
    return timedelta(minutes=settings.ALERT_DIGEST_OVERLAP_MINUTES)


def match_due_alerts(due: list[tuple[int, str, object]], index: OfferIndex, *, already: set[tuple[int, int]]):
    """For a batch of due alerts, {alert id: [new offers to send]}: each alert's matches
    published after its own watermark (less the overlap), not sent to it before. At most one
    query (the batch's keywords, emplois.alert_matching.match_batch)."""
    matches = match_batch([(pk, query) for pk, query, _watermark in due], index)
    published = {pk: new.offer.published_at for pk, new in index.offers.items()}
    margin = overlap()
    result = {}
    for pk, _query, watermark in due:
        since = watermark - margin
        result[pk] = [
            index.offers[offer_id].offer
            for offer_id in matches[pk]
            if published[offer_id] > since and (not already or (pk, offer_id) not in already)
        ]
    return result


def digest_batches(*, now, batch_size: int | None = None):
    """The matching of the due alerts, batch by batch: yields (batch of (id, query,
    watermark), {alert id: [offers to send]}). Queries: the due alerts and the new offers
    once, then per batch at most one for their keywords and one for what they were already
    sent; never one per alert."""
    batch_size = batch_size or settings.JOB_ALERT_BATCH_SIZE
    due = due_alerts(now=now)
    if not due:
        return
    offers = load_new_offers(since=min(watermark for _pk, _q, watermark in due) - overlap(), now=now)
    offer_ids = [new.offer.pk for new in offers]
    index = OfferIndex(offers)
    for start in range(0, len(due), batch_size):
        batch = due[start : start + batch_size]
        already = set()
        if offers:
            sent = JobAlertDelivery.objects.filter(alert_id__in=[pk for pk, _q, _w in batch], offer_id__in=offer_ids)
            already = set(sent.values_list("alert_id", "offer_id"))
        yield batch, match_due_alerts(batch, index, already=already)


def send_digests(*, now=None, batch_size: int | None = None) -> int:
    """Periodic: each due alert gets its new matching offers in one email, each in its own
    transaction; those with nothing new look again from now (one query per batch). Returns
    the number of emails queued."""
    now = now or timezone.now()
    queued = 0
    for batch, matches in digest_batches(now=now, batch_size=batch_size):
        idle = [pk for pk, _query, _watermark in batch if not matches[pk]]
        if idle:  # (unless sent meanwhile: then no longer due)
            JobAlert.objects.filter(pk__in=idle).filter(due_filter(now)).update(watermark=now)
        for pk, _query, watermark in batch:
            if matches[pk]:
                queued += send_digest(alert_id=pk, offers=matches[pk], watermark=watermark, now=now)
    return queued


@transaction.atomic
def send_digest(*, alert_id: int, offers: list[Offer], watermark, now) -> int:
    """One alert's digest: its delivery rows, its email and its new watermark commit together.
    The alert is locked and must still have the watermark it was matched with: a digest sent
    meanwhile by another run moved it, and this one gives way. Returns 1 if an email was queued."""
    alert = (
        SUBSCRIPTIONS.active()
        .filter(pk=alert_id, watermark=watermark)
        .filter(due_filter(now))
        .select_for_update(skip_locked=True)
        .first()
    )
    if alert is None:
        return 0
    # Under the lock, what this alert was ever sent (the batch's reading, made sure): the
    # unique (alert, offer) constraint stays the last guard.
    sent_before = set(JobAlertDelivery.objects.filter(alert=alert, offer__in=offers).values_list("offer_id", flat=True))
    offers = [offer for offer in offers if offer.pk not in sent_before]
    alert.watermark = now
    if not offers:
        alert.save(update_fields=["watermark"])
        return 0
    limit = settings.JOB_ALERT_DIGEST_MAX_OFFERS
    sent, more = offers[:limit], len(offers) > limit
    JobAlertDelivery.objects.bulk_create([JobAlertDelivery(alert=alert, offer=offer) for offer in sent])
    SUBSCRIPTIONS.queue(
        alert,
        template=DIGEST_TEMPLATE,
        context={
            "offers": [offer_line(offer) for offer in sent],
            "more": more,
            "search_url": search_url(alert.query),
            "daily": alert.frequency == JobAlert.Frequency.DAILY,
        },
    )
    alert.last_sent_at = now
    alert.save(update_fields=["watermark", "last_sent_at"])
    return 1


def offer_line(offer: Offer) -> dict:
    """What a digest says of an offer (its organisation, commune and métier loaded with it)."""
    if offer.commune_id:
        place = offer.commune.name
        if offer.remote != Remote.NONE:
            place += f" ({offer.get_remote_display().lower()})"
    else:
        place = offer.get_remote_display()
    return {
        "title": offer.title,
        "organisation": offer.organisation.name,
        "contract": offer.get_contract_display(),
        "place": place,
        "closes": french_date(offer.closes_on),
        "url": offer_url(offer),
    }
