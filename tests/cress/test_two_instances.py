"""Beyond one machine (issue 14, point 7): two gunicorn instances and two Celery workers on one
database and one Redis, the traffic spread over both as a load balancer would. Nothing lives in
a process: a session opened on one instance works on the other, a rate limit counts the
requests of both, a form's CSRF token from one is good on the other, and every email queued by
either instance leaves once, through either worker."""

import http.client
import re
import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from communication.models import Subscriber
from messagerie.models import OutgoingEmail
from tests.annuaire.factories import OrganisationFactory, PartnerMembershipFactory
from tests.comptes.factories import PASSWORD, UserFactory
from tests.helpers.mail import assert_each_row_received_once, outbox_settled
from tests.helpers.webserver import WebServer
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

LIMIT = 12  # newsletter subscriptions per address and hour, on both instances together
ATTEMPTS = 16


def call(server, method, path, *, cookies=None, form=None):
    """(status, headers as a list, body) of one request; cookies as a dict."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def cookies_set(headers) -> dict:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key] = rest.split(";", 1)[0]
    return found


def form_token(server, path) -> tuple[dict, str]:
    status, headers, html = call(server, "GET", path)
    assert status == 200, html[:300]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookies_set(headers), token


def wait_until(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "délai dépassé"
        time.sleep(0.2)


def test_two_web_instances_and_two_workers_share_everything_and_lose_nothing(tmp_path, smtp_sink):
    organisation = OrganisationFactory(name="Kaz Solidaire")
    PartnerMembershipFactory(organisation=organisation, user=UserFactory(email="lea@kaz.re"))
    purge_broker()
    settings_env = {"NEWSLETTER_SUBSCRIPTIONS_PER_HOUR": str(LIMIT)}
    media = tmp_path / "media"
    servers = [
        WebServer(log_path=tmp_path / f"web-{name}.log", media_root=media, extra_env=settings_env) for name in "ab"
    ]
    workers = [WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / f"worker-{n}.log") for n in (1, 2)]
    for process in (*servers, *workers):
        process.start()
    a, b = servers
    try:
        # A session opened on A is good on B.
        cookies, token = form_token(a, reverse("comptes:connexion"))
        status, headers, _ = call(
            a, "POST", reverse("comptes:connexion"), cookies=cookies,
            form={"csrfmiddlewaretoken": token, "username": "lea@kaz.re", "password": PASSWORD},
        )  # fmt: skip
        assert status == 302
        session = {**cookies, **cookies_set(headers)}
        status, _, page = call(b, "GET", reverse("mon-espace"), cookies=session)
        assert status == 200 and "Fiche de l&#x27;annuaire : Kaz Solidaire" in page

        # Subscriptions alternate between the instances, each with a token read on the other:
        # the rate limit counts both together, and each accepted one queues one email.
        answers = []
        for index in range(ATTEMPTS):
            reader, writer = (a, b) if index % 2 else (b, a)
            cookies, token = form_token(reader, reverse("actualites:lettre-inscription"))
            status, _, _ = call(
                writer, "POST", reverse("actualites:lettre-inscription"), cookies=cookies,
                form={"csrfmiddlewaretoken": token, "email": f"lecteur{index:02d}@exemple.re", "consent": "on"},
            )  # fmt: skip
            answers.append(status)
        assert answers.count(200) == LIMIT and answers.count(429) == ATTEMPTS - LIMIT, answers
        assert answers[:LIMIT] == [200] * LIMIT
        assert Subscriber.objects.count() == LIMIT

        wait_until(lambda: outbox_settled(LIMIT))
        for worker in workers:
            worker.wait_until_idle(tasks=0)
        # Both workers took their share from the one queue (prefetch 1, late acknowledgement).
        assert sum(len(worker.task_events()) for worker in workers) >= LIMIT
    finally:
        for process in (*workers, *servers):
            process.stop()

    assert OutgoingEmail.objects.count() == LIMIT
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
    assert assert_each_row_received_once(smtp_sink) == []
    assert sorted(entry["to"][0] for entry in smtp_sink.messages) == [
        f"lecteur{index:02d}@exemple.re" for index in range(LIMIT)
    ]
