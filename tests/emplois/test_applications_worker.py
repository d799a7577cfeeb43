"""Application emails through a real Celery worker, a Redis server of the test's own and a
real SMTP server: candidates apply through the form, the worker is killed in the middle of the
sending, a new one takes over, the outbox's sweep and a broker's redelivery run on top; each
employer and each candidate receives their email exactly once (the one message the kill catches
mid-send is marked « envoi incertain », never resent on its own), with a link that opens their page."""

import re
import time
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from emplois.models import Application
from messagerie import services as outbox
from messagerie.models import OutgoingEmail
from messagerie.tasks import send_outgoing_email
from tests.emplois.factories import PDF, make_offer
from tests.helpers.mail import assert_each_row_received_once, outbox_settled, resend_the_lost, sweep_as_time_passes
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

CANDIDATES = 12
SUBJECTS = {"employeur": "Nouvelle candidature", "candidat": "Votre candidature CAND-"}


def wait_until(condition, timeout=120.0, interval=0.05, message="délai dépassé"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(interval)


def sent_count() -> int:
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count()


def received(sink) -> Counter:
    counts = Counter()
    for entry in sink.messages:
        subject = " ".join(str(entry["message"]["Subject"]).split())
        kind = next((kind for kind, start in SUBJECTS.items() if subject.startswith(start)), subject)
        counts[(entry["to"][0], kind)] += 1
    return counts


def apply(client, offer, number: int) -> None:
    response = client.post(
        reverse("emplois:apply", args=[offer.pk]),
        {
            "name": f"Candidate {number}",
            "email": f"candidate{number:02d}@exemple.re",
            "message": "Je souhaite rejoindre votre équipe.",
            "cv": SimpleUploadedFile("cv.pdf", PDF, "application/pdf"),
            "consent": "on",
            "website_url": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_each_application_email_is_sent_once_across_a_worker_killed_mid_sending(
    private_redis, smtp_sink, tmp_path, settings
):
    settings.APPLICATIONS_PER_HOUR = CANDIDATES + 1
    offer = make_offer("Encadrant ou encadrante technique", contact_email="rh@chantier.re")
    purge_broker()
    first = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-1.log")
    first.start()
    client = Client()
    try:
        for number in range(CANDIDATES):
            apply(client, offer, number)  # committed: the two emails are enqueued on commit
        wait_until(lambda: sent_count() >= 3, interval=0.01, message="aucun envoi du premier worker")
    finally:
        first.kill()  # SIGKILL in the middle of the sending: no chance to finish or acknowledge
    assert sent_count() < 2 * CANDIDATES, "le worker devait être arrêté au milieu des envois"

    second = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker-2.log")
    second.start()
    try:
        # What the killed worker left queued, the outbox's sweep enqueues again once its grace
        # period is over; the one it was sending becomes « envoi incertain » (done now). A
        # broker's redelivery of every task sends nothing more.
        sweep_as_time_passes()
        wait_until(lambda: outbox_settled(2 * CANDIDATES), message="les courriels ne sont pas tous partis")
        for email_id in OutgoingEmail.objects.values_list("pk", flat=True):
            send_outgoing_email.delay(email_id)
        second.wait_until_idle(tasks=2 * CANDIDATES)
        assert outbox.sweep_outbox() == 0
        uncertain = assert_each_row_received_once(smtp_sink)
        # Staff resend the uncertain one if it never arrived.
        lost = resend_the_lost(smtp_sink, uncertain)
        wait_until(lambda: not OutgoingEmail.objects.filter(pk__in=lost).exclude(status="sent").exists())
    finally:
        second.stop()

    expected = Counter({("rh@chantier.re", "employeur"): CANDIDATES})
    expected |= Counter({(f"candidate{number:02d}@exemple.re", "candidat"): 1 for number in range(CANDIDATES)})
    assert Application.objects.count() == CANDIDATES
    assert Counter((to, kind) for to, kind in OutgoingEmail.objects.values_list("to", "kind")) == Counter(
        {
            **{("rh@chantier.re", "emplois/candidature_employeur"): CANDIDATES},
            **{(f"candidate{n:02d}@exemple.re", "emplois/candidature_confirmation"): 1 for n in range(CANDIDATES)},
        }
    )
    assert_each_row_received_once(smtp_sink)
    assert received(smtp_sink) == expected, "every email reached its person, once"

    # Each link that left opens its page: the employer's, the candidate's.
    for entry in smtp_sink.messages[:4]:
        body = entry["message"].get_body(preferencelist=("plain",)).get_content()
        path = re.search(r"https?://[^/\s]+(/emplois/(?:employeur/candidature|ma-candidature)/[\w-]+/)", body)
        assert path, body
        assert Client().get(path.group(1)).status_code == 200
