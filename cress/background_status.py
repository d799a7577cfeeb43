"""What the background work has left behind (issue 14, point 4): emails that failed, whose send
is uncertain, that a worker holds too long or that wait past the sweep's grace period, and the
tasks waiting in the broker or held by a worker without acknowledgement. Read by
`manage.py background_status` (for a person or a monitoring probe: exit status 1 when something
needs a look). Nothing personal is shown: an email is named by its number and kind."""

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from cress.celery import app
from messagerie.models import OutgoingEmail
from messagerie.services import SWEEP_GRACE

Status = OutgoingEmail.Status
SHOWN = 20  # rows listed per section (the count says how many there are)
# A task a worker holds longer than this without acknowledging it is stuck (or its worker died:
# the broker gives it again after its visibility timeout).
STUCK_AFTER = timedelta(minutes=30)


@dataclass
class Section:
    title: str
    count: int
    rows: list[str] = field(default_factory=list)
    needs_a_look: bool = True


def _emails(title: str, queryset, *, date_field: str, date_label: str) -> Section:
    rows = []
    for email in queryset.order_by("created_at")[:SHOWN]:
        moment = timezone.localtime(getattr(email, date_field))
        error = f" · {email.last_error[:120]}" if email.last_error else ""
        rows.append(
            f"n°{email.pk} · {email.kind} · {date_label} {moment:%d/%m/%Y %H:%M} · {email.attempts} tentative(s){error}"
        )
    return Section(title, queryset.count(), rows)


def outbox_sections(now=None) -> list[Section]:
    now = now or timezone.now()
    emails = OutgoingEmail.objects.only("kind", "created_at", "claimed_at", "attempts", "last_error")
    held_too_long = now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    created, claimed = (
        {"date_field": "created_at", "date_label": "créé le"},
        {"date_field": "claimed_at", "date_label": "pris le"},
    )
    return [
        _emails("Courriels en échec définitif", emails.filter(status=Status.FAILED), **created),
        _emails(
            "Courriels à l'envoi incertain (à vérifier avant de les renvoyer)",
            emails.filter(status=Status.UNCERTAIN),
            **claimed,
        ),
        _emails(
            "Courriels pris par un worker depuis trop longtemps",
            emails.filter(status=Status.SENDING, claimed_at__lt=held_too_long),
            **claimed,
        ),
        _emails(
            "Courriels en attente au-delà du délai de relance",
            emails.filter(status=Status.PENDING, created_at__lt=now - SWEEP_GRACE),
            **created,
        ),
    ]


def broker_sections() -> list[Section]:
    """The tasks in the broker's queue and those a worker holds unacknowledged (Redis transport)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [Section("File de tâches", 0, ["aucune : les tâches s'exécutent dans le processus web"], False)]
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    try:
        with app.connection_for_read() as connection:
            channel = connection.default_channel
            waiting = channel.client.llen(queue)
            held = channel.client.hlen(channel.unacked_key)
            oldest = channel.client.zrange(channel.unacked_index_key, 0, 0, withscores=True)
    except Exception as error:  # the broker is down: that is the answer
        return [Section("File de tâches", 0, [f"injoignable : {type(error).__name__}"])]
    sections = [Section(f"Tâches en attente dans la file « {queue} »", waiting, [], needs_a_look=False)]
    held_section = Section("Tâches prises par un worker, non acquittées", held, [], needs_a_look=False)
    if oldest:
        age = timedelta(seconds=max(0.0, time.time() - oldest[0][1]))
        held_section.rows.append(f"la plus ancienne depuis {int(age.total_seconds() // 60)} min")
        held_section.needs_a_look = age > STUCK_AFTER
    sections.append(held_section)
    return sections


def status() -> list[Section]:
    return [*outbox_sections(), *broker_sections()]
