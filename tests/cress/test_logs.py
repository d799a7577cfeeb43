"""Structured logs (issue 14, point 4): one JSON object per line with the request id, returned in
X-Request-ID and carried into the Celery tasks the request queues; never a password, a token
or a personal field — through the real middleware, a real worker and its log."""

import io
import json
import logging

import pytest
from django.http import HttpResponseServerError
from django.urls import reverse

from cress.logs import JsonFormatter, RequestIdFilter, RequestLogMiddleware, user_hash
from tests.comptes.factories import PASSWORD, UserFactory
from tests.helpers.worker import WorkerProcess, purge_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """Every line the portal logs during the test, formatted as in production (LOG_FORMAT=json)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def request_line(lines, request_id):
    found = [line for line in lines if line["logger"] == "cress.requests" and line["request_id"] == request_id]
    assert len(found) == 1, lines
    return found[0]


def test_each_request_gets_an_id_in_its_response_and_one_json_line(client, log_lines):
    response = client.get(reverse("a-propos"))
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    line = request_line(log_lines(), request_id)
    assert {"time", "level", "logger", "message", "request_id"} <= set(line)
    assert (line["method"], line["route"], line["status"], line["level"]) == ("GET", "/a-propos/", 200, "INFO")
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "user" not in line
    assert client.get(reverse("a-propos"))["X-Request-ID"] != request_id


def test_the_proxys_request_id_is_kept_and_a_malformed_one_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "proxy-4f2a9c01"})["X-Request-ID"] == "proxy-4f2a9c01"
    for forged in ("court", "a b c d e f g h", "x" * 200, "abc\u00e9defghij"):
        replaced = client.get("/", headers={"X-Request-ID": forged})["X-Request-ID"]
        assert replaced != forged and len(replaced) == 32


def test_a_private_link_is_logged_by_its_pattern_never_its_token(client, log_lines):
    token = "Zk3v9QpL2mX7rT5wY8bN4cH6jD1fG0sA"
    response = client.get(reverse("accueil:suivi", args=[token]))
    line = request_line(log_lines(), response["X-Request-ID"])
    assert line["route"] == "/accompagnement/suivi/<str:token>/" and line["status"] == 404
    unrouted = client.get(f"/nulle-part/{token}/")
    assert request_line(log_lines(), unrouted["X-Request-ID"])["path"] == "/nulle-part/…/"
    # Django's own line about the 404, written after the middleware, has the id and no token.
    (django_line,) = [
        line for line in log_lines() if line["logger"] == "django.request" and "nulle-part" in line["message"]
    ]
    assert (
        django_line["request_id"] == unrouted["X-Request-ID"] and django_line["message"] == "Not Found: /nulle-part/…/"
    )
    assert token not in json.dumps(log_lines())


def test_a_login_logs_a_hashed_user_and_never_the_password_nor_the_email(client, log_lines):
    user = UserFactory(email="celine.payet@exemple.re")
    response = client.post(reverse("comptes:connexion"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("mon-espace"))
    everything = json.dumps(log_lines(), ensure_ascii=False)
    assert PASSWORD not in everything and "celine.payet" not in everything and "Payet" not in everything
    line = request_line(log_lines(), page["X-Request-ID"])
    assert line["user"] == user_hash(user.pk) and str(user.pk) != line["user"]


def test_a_server_error_is_logged_as_an_error_with_its_id(rf, log_lines):
    def failing_view(request):
        return HttpResponseServerError("panne")

    request = rf.get("/une-page/", headers={"X-Request-ID": "panne-0123456789"})
    response = RequestLogMiddleware(failing_view)(request)
    assert response["X-Request-ID"] == "panne-0123456789"
    line = request_line(log_lines(), "panne-0123456789")
    assert (line["status"], line["level"], line["path"]) == (500, "ERROR", "/une-page/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_the_tasks_a_request_queues_log_its_id_in_the_worker(client, smtp_sink, tmp_path):
    purge_broker()
    worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log", extra_env={"LOG_FORMAT": "json"})
    worker.start()
    try:
        response = client.post(
            reverse("actualites:lettre-inscription"),
            {"email": "lectrice@exemple.re", "consent": "on"},
            headers={"X-Request-ID": "inscription-lettre-42"},
        )
        assert response.status_code == 200 and response["X-Request-ID"] == "inscription-lettre-42"
        smtp_sink.wait_for(1)
        worker.wait_until_idle(tasks=1)
    finally:
        worker.stop()
    lines = [json.loads(line) for line in worker.logged().decode().splitlines() if line.startswith("{")]
    assert lines, "le worker écrit des lignes JSON"
    mine = [line for line in lines if line["request_id"] == "inscription-lettre-42"]
    assert any("send_outgoing_email" in line["message"] and "succeeded" in line["message"] for line in mine), mine
    assert "lectrice@exemple.re" not in worker.logged().decode()
