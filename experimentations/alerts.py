"""Alerts on financial tools: a saved search (or one call for projects) with an email.

- Double opt-in: nothing is sent but the confirmation link before the person confirms; the
  link is minted when the email leaves (messagerie.links), only its hash is kept on the
  alert, and it works ALERT_CONFIRM_DAYS; an alert still unconfirmed then is deleted.
- Every email carries a one-click unsubscribe link (and the List-Unsubscribe header); an
  unsubscribed alert keeps no address (RGPD).
- Digests: the published tools matching the search, new since the alert's watermark, daily
  or weekly. Reminders: 30 and 7 days (Réunion calendar days) before the deadline of each
  call the alert follows (its `tool`, or a call it was sent), none after the deadline, none
  for an archived tool or an exhausted budget.
- Exactly once: each (alert, tool, reason) is an AlertDelivery row, unique, written in the
  same transaction as the email's outbox row; beat's sweeps may run again and again, or be
  killed half-way, the next run sends only what was not committed.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from experimentations.alert_matching import matching_tools, read_search
from experimentations.models import AlertDelivery, FinancialTool, ToolAlert
from lib.dates import french_date, french_datetime
from messagerie.alert_subscriptions import AlertSubscriptions, due_filter

logger = logging.getLogger(__name__)

CONFIRM_LINK = "experimentations.alerte-confirmation"
UNSUBSCRIBE_LINK = "experimentations.alerte-desinscription"
Kind = AlertDelivery.Kind
Frequency = ToolAlert.Frequency
# Days left (in Réunion calendar days) when each reminder is due; the nearest wins.
REMINDERS = ((Kind.DEADLINE_7, 7), (Kind.DEADLINE_30, 30))
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
# Double opt-in, links, unsubscription: shared with the other apps' alerts (messagerie).
SUBSCRIPTIONS = AlertSubscriptions(
    model=ToolAlert,
    confirm_link=CONFIRM_LINK,
    unsubscribe_link=UNSUBSCRIBE_LINK,
    confirm_url="experimentations:alert-confirm",
    unsubscribe_url="experimentations:alert-unsubscribe",
)
active_alerts = SUBSCRIPTIONS.active
state_label = SUBSCRIPTIONS.state_label
build_confirm_link = SUBSCRIPTIONS.build_confirm_link
build_unsubscribe_link = SUBSCRIPTIONS.build_unsubscribe_link
alert_from_confirm_token = SUBSCRIPTIONS.from_confirm_token
confirm_alert = SUBSCRIPTIONS.confirm
alert_from_unsubscribe_token = SUBSCRIPTIONS.from_unsubscribe_token
unsubscribe_alert = SUBSCRIPTIONS.unsubscribe
purge_unconfirmed_alerts = SUBSCRIPTIONS.purge_unconfirmed
_queue = SUBSCRIPTIONS.queue


class AlertError(Exception):
    """An alert refused, with a message in French for the person."""


def tool_url(tool: FinancialTool) -> str:
    return settings.SITE_URL + reverse("experimentations:tool", args=[tool.slug])


def search_url(alert: ToolAlert) -> str:
    path = reverse("experimentations:tools")
    return settings.SITE_URL + path + (f"?{alert.query}" if alert.query else "")


# --- Subscribing ---------------------------------------------------------------------------


def follow_target(slug: str) -> FinancialTool | None:
    """A call for projects one may follow: published, open, budget not exhausted."""
    if not SLUG.fullmatch(slug):
        return None
    return (
        FinancialTool.objects.filter(
            slug=slug,
            is_call=True,
            status=FinancialTool.Status.PUBLISHED,
            budget_exhausted=False,
            closes_at__gt=timezone.now(),
        )
        .select_related("provider")
        .first()
    )


@transaction.atomic
def create_alert(
    *, email: str, consent_text: str, querystring: str = "", tool: FinancialTool | None = None, frequency: str = ""
) -> None:
    """Record an unconfirmed alert and email its confirmation link. The same answer whatever
    the address has already saved: nobody learns what another person follows."""
    if tool is not None:
        query, label = "", f"Rappels de l'appel « {tool.name} »"[:300]
        frequency = Frequency.WEEKLY
    else:
        search = read_search(querystring)
        if search.errors:
            raise AlertError(search.errors[0])
        query, label = search.querystring, search.label[:300]
        if len(query) > ToolAlert._meta.get_field("query").max_length:
            raise AlertError("Cette recherche est trop longue pour être enregistrée : retirez des critères.")
    SUBSCRIPTIONS.subscribe(
        email=email,
        query=query,
        label=label,
        frequency=frequency,
        consent_text=consent_text,
        template="experimentations/alerte_confirmation",
        tool=tool,
    )


# --- Digests ----------------------------------------------------------------------------------


def send_digests(*, now=None) -> int:
    """Periodic: each search alert due (daily or weekly) gets the new matching tools in one
    email, each alert in its own transaction. Returns the number of emails queued."""
    now = now or timezone.now()
    due = active_alerts().filter(due_filter(now), tool__isnull=True)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    return sum(send_digest(alert_id=alert_id, now=now) for alert_id in ids)


@transaction.atomic
def send_digest(*, alert_id: int, now=None) -> int:
    """One alert's digest, if still due: its delivery rows, its email and its new watermark
    commit together. Returns 1 if an email was queued."""
    now = now or timezone.now()
    alert = (
        active_alerts()
        .filter(pk=alert_id, tool__isnull=True)
        .filter(due_filter(now))
        .select_for_update(skip_locked=True)
        .first()
    )
    if alert is None:  # sent meanwhile by another run, or being sent
        return 0
    since = alert.watermark - timedelta(minutes=settings.ALERT_DIGEST_OVERLAP_MINUTES)
    already = AlertDelivery.objects.filter(alert=alert, kind=Kind.NEW).values("tool_id")
    candidates = (
        matching_tools(alert.query, now=now)
        .filter(published_at__gt=since, published_at__lte=now)
        .exclude(pk__in=already)
        .select_related("provider")
    )
    tools = list(candidates[: settings.ALERT_DIGEST_MAX_TOOLS + 1])
    more = len(tools) > settings.ALERT_DIGEST_MAX_TOOLS
    tools = tools[: settings.ALERT_DIGEST_MAX_TOOLS]
    alert.watermark = now
    fields = ["watermark"]
    if tools:
        AlertDelivery.objects.bulk_create([AlertDelivery(alert=alert, tool=tool, kind=Kind.NEW) for tool in tools])
        _queue(
            alert,
            template="experimentations/alerte_nouveautes",
            context={
                "tools": [_tool_line(tool) for tool in tools],
                "more": more,
                "search_url": search_url(alert),
                "daily": alert.frequency == Frequency.DAILY,
            },
        )
        alert.last_sent_at = now
        fields.append("last_sent_at")
    alert.save(update_fields=fields)
    return 1 if tools else 0


def _tool_line(tool: FinancialTool) -> dict:
    return {
        "name": tool.name,
        "provider": tool.provider.name,
        "summary": tool.summary,
        "instrument": tool.get_instrument_display(),
        "closes": french_datetime(tool.closes_at) if tool.closes_at else "",
        "url": tool_url(tool),
    }


# --- Deadline reminders -----------------------------------------------------------------------


def reminder_due(closes_at, *, now) -> str | None:
    """The reminder due for a deadline now, counted in Réunion calendar days: the 7-day one
    from the 7th day before, the 30-day one from the 30th; none once the deadline passed."""
    if closes_at <= now:
        return None
    days_left = (timezone.localdate(closes_at) - timezone.localdate(now)).days
    for kind, days in REMINDERS:
        if days_left <= days:
            return kind
    return None


def followed_calls(*, now):
    """(alert id, tool) of each open call an active alert follows: its own `tool`, or a call
    a digest sent it. One query whatever the number of alerts."""
    followed = Q(followers__in=active_alerts()) | Q(
        pk__in=AlertDelivery.objects.filter(alert__in=active_alerts(), kind=Kind.NEW).values("tool_id")
    )
    calls = (
        FinancialTool.objects.filter(
            followed,
            is_call=True,
            status=FinancialTool.Status.PUBLISHED,
            budget_exhausted=False,
            closes_at__gt=now,
            closes_at__lte=now + timedelta(days=REMINDERS[-1][1] + 1),
        )
        .distinct()
        .select_related("provider")
    )
    calls = {tool.pk: tool for tool in calls}
    if not calls:
        return []
    pairs = set(active_alerts().filter(tool_id__in=calls).values_list("pk", "tool_id"))
    pairs |= set(
        AlertDelivery.objects.filter(alert__in=active_alerts(), kind=Kind.NEW, tool_id__in=calls).values_list(
            "alert_id", "tool_id"
        )
    )
    return [(alert_id, calls[tool_id]) for alert_id, tool_id in sorted(pairs)]


def send_deadline_reminders(*, now=None) -> int:
    """Periodic: each reminder due, once (the delivery row's uniqueness), its email in the same
    transaction. A call already within 7 days when first followed gets only the 7-day one.
    Returns the number of emails queued."""
    now = now or timezone.now()
    queued = 0
    for alert_id, tool in followed_calls(now=now):
        kind = reminder_due(tool.closes_at, now=now)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                alert = active_alerts().filter(pk=alert_id).select_for_update().first()
                if alert is None:
                    continue
                AlertDelivery.objects.create(alert=alert, tool=tool, kind=kind)
                days_left = (timezone.localdate(tool.closes_at) - timezone.localdate(now)).days
                _queue(
                    alert,
                    template="experimentations/alerte_rappel",
                    context={
                        "tool": _tool_line(tool),
                        "days_left": days_left,
                        "closes_on": french_date(tool.closes_at),
                        "closes_at": french_datetime(tool.closes_at),
                    },
                )
        except IntegrityError:  # sent already (this reminder, by this run or another)
            continue
        queued += 1
    return queued
