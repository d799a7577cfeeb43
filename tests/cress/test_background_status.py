"""manage.py background_status lists what the background work left behind — failed, uncertain,
stuck and late emails, the tasks waiting in the real broker — names no person, and exits 1
when something needs a look (for a monitoring probe)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from messagerie.models import OutgoingEmail
from messagerie.services import queue_email
from messagerie.tasks import sweep_outbox
from tests.helpers.worker import purge_broker

pytestmark = pytest.mark.django_db
Status = OutgoingEmail.Status


def run() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("background_status", stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def email(status, *, to="celine.payet@exemple.re", **fields):
    row = queue_email(to=to, template="messagerie/essai", context={"name": "Céline"})
    OutgoingEmail.objects.filter(pk=row.pk).update(status=status, **fields)
    return row


def test_nothing_to_report_exits_zero():
    code, out = run()
    assert code == 0 and "Rien à signaler." in out
    assert "Courriels en échec définitif : 0" in out


def test_each_kind_of_email_left_behind_is_listed_without_its_recipient_and_exits_one():
    long_ago = timezone.now() - timedelta(hours=2)
    failed = email(Status.FAILED, attempts=8, last_error="SMTPRecipientsRefused: 550 boîte inconnue")
    uncertain = email(Status.UNCERTAIN, claimed_at=long_ago)
    stuck = email(Status.SENDING, claimed_at=long_ago)
    late = email(Status.PENDING)
    OutgoingEmail.objects.filter(pk=late.pk).update(created_at=long_ago)
    email(Status.SENDING, claimed_at=timezone.now())  # being sent right now: fine
    email(Status.PENDING)  # just queued: fine
    email(Status.SENT, sent_at=timezone.now())

    code, out = run()
    assert code == 1 and "4 point(s) à vérifier." in out
    assert "⚠ Courriels en échec définitif : 1" in out and f"n°{failed.pk} · messagerie/essai" in out
    assert "550 boîte inconnue" in out
    assert (
        "⚠ Courriels à l'envoi incertain (à vérifier avant de les renvoyer) : 1" in out and f"n°{uncertain.pk}" in out
    )
    assert "⚠ Courriels pris par un worker depuis trop longtemps : 1" in out and f"n°{stuck.pk}" in out
    assert "⚠ Courriels en attente au-delà du délai de relance : 1" in out and f"n°{late.pk}" in out
    assert "celine" not in out.lower()


@pytest.mark.services
def test_the_tasks_waiting_in_the_broker_are_counted(settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER, "the suite sends tasks to a real broker"
    purge_broker()
    try:
        for _ in range(3):
            sweep_outbox.delay()  # no worker runs: they wait in the queue
        code, out = run()
        assert f"Tâches en attente dans la file « {settings.CELERY_TASK_DEFAULT_QUEUE} » : 3" in out
        assert "Tâches prises par un worker, non acquittées : 0" in out
        assert code == 0, out  # waiting tasks alone are no alarm
    finally:
        purge_broker()
