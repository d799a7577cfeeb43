"""The sweeps of buyers' needs through a real beat, a real Celery worker, a Redis server of
the test's own and a real SMTP server: beat fires them again and again, the worker is killed
and started again, beat is restarted; a need left « modification demandée » ten days is
refused once and its buyer told once; each survey due reaches its buyer once."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from experimentations import needs, tasks_needs
from experimentations.models import Need, NeedTransition
from messagerie.models import OutgoingEmail
from tests.experimentations.factories import posted_need
from tests.helpers.beat import BeatProcess
from tests.helpers.worker import WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

REFUSE, SURVEY = "experimentations-refuse-stale-needs", "experimentations-send-need-surveys"


def wait_until(condition, timeout=90.0, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.2)


def due_now():
    """Needs whose sweeps are due (and others that are not); the (address, subject start) of each email due."""
    stale, _ = posted_need(contact_email="oublie@exemple.re")
    needs.request_need_changes(need=stale, by=None, reason="Précisez les quantités.")
    fresh, _ = posted_need(contact_email="recent@exemple.re")
    needs.request_need_changes(need=fresh, by=None, reason="Précisez les quantités.")
    Need.objects.filter(pk=stale.pk).update(changes_requested_at=timezone.now() - timedelta(days=10, minutes=1))
    Need.objects.filter(pk=fresh.pk).update(changes_requested_at=timezone.now() - timedelta(days=9, hours=23))
    surveyed, _ = posted_need(status=Need.Status.SENT, contact_email="enquete@exemple.re")
    early, _ = posted_need(status=Need.Status.SENT, contact_email="trop-tot@exemple.re")
    Need.objects.filter(pk=surveyed.pk).update(answer_deadline=timezone.now() - timedelta(days=7, minutes=1))
    Need.objects.filter(pk=early.pk).update(answer_deadline=timezone.now() - timedelta(days=6, hours=23))
    OutgoingEmail.objects.all().delete()  # what the arrangement queued: only the sweeps' emails count
    return stale, {("oublie@exemple.re", "Votre besoin d'achat"), ("enquete@exemple.re", "Votre besoin ACH")}


def received(sink) -> Counter:
    return Counter(
        (entry["to"][0], subject)
        for entry in sink.messages
        for subject in ("Votre besoin d'achat", "Votre besoin ACH")
        if str(entry["message"]["Subject"]).startswith(subject)
    )


def all_sent(count: int) -> bool:
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() >= count


def test_a_real_worker_and_beat_refuse_and_survey_each_need_once_across_restarts(private_redis, smtp_sink, tmp_path):
    stale, due = due_now()
    refuse_task, survey_task = tasks_needs.refuse_stale_needs.name, tasks_needs.send_due_surveys.name
    schedule = tmp_path / "beat-schedule"

    first_beat = BeatProcess(entries=[REFUSE, SURVEY], log_path=tmp_path / "beat-1.log", schedule_path=schedule)
    first_worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-1.log")
    first_worker.start()
    first_beat.start()
    try:
        wait_until(lambda: all_sent(len(due)), message="les courriels ne sont pas tous partis")
        wait_until(lambda: first_worker.succeeded(refuse_task) >= 3 and first_worker.succeeded(survey_task) >= 3)
    finally:
        first_worker.kill()
    try:
        sent_before = first_beat.sent(REFUSE)
        wait_until(lambda: first_beat.sent(REFUSE) >= sent_before + 2)
    finally:
        first_beat.stop()

    second_beat = BeatProcess(entries=[REFUSE, SURVEY], log_path=tmp_path / "beat-2.log", schedule_path=schedule)
    second_worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-2.log")
    second_worker.start()
    second_beat.start()
    try:
        wait_until(lambda: second_worker.succeeded(refuse_task) >= 4 and second_worker.succeeded(survey_task) >= 2)
    finally:
        second_beat.stop()
        second_worker.stop()

    assert Counter(OutgoingEmail.objects.values_list("to", flat=True)) == Counter(
        {"oublie@exemple.re": 1, "enquete@exemple.re": 1}
    )
    assert received(smtp_sink) == Counter(dict.fromkeys(due, 1))
    assert len(smtp_sink.messages) == len(due)
    stale.refresh_from_db()
    assert stale.status == Need.Status.REFUSED
    assert NeedTransition.objects.filter(to_state=Need.Status.REFUSED).count() == 1
    assert Need.objects.filter(survey_sent_at__isnull=False).count() == 1
    assert Need.objects.filter(contact_email="recent@exemple.re", status=Need.Status.CHANGES).exists()
