"""Shared fixtures and guard-rails of the test suite.

- A test fails when a template prints an undefined variable.
- The Redis databases of the test run are emptied once at the start, so that no
  message left by an earlier run reaches a worker started by a test.
- Browser fixtures drive Debian's Chromium through Playwright (never a downloaded browser).
"""

import os

import pytest
from django.conf import settings

from tests.helpers.browser import launch_chromium


def pytest_configure(config):
    if settings.DJANGO_ENV != "test":
        pytest.exit("Les tests se lancent avec `make test` (DJANGO_ENV=test, PostgreSQL et Redis locaux).", 2)


class UndefinedTemplateVariable(str):
    """string_if_invalid that raises: Django formats it with the variable's name."""

    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, variable):
        raise AssertionError(f"Variable de gabarit non définie : {variable!r}")


@pytest.fixture(autouse=True)
def _fail_on_undefined_template_variable(settings):
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"] = {**templates[0]["OPTIONS"], "string_if_invalid": UndefinedTemplateVariable("%s")}
    settings.TEMPLATES = templates


@pytest.fixture(scope="session", autouse=True)
def _clean_test_redis():
    import redis

    for url in {settings.REDIS_URL, settings.CELERY_BROKER_URL} - {""}:
        redis.Redis.from_url(url).flushdb()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from lib.cache import ResilientRedisCache

    ResilientRedisCache._down_until = 0.0  # a test that stopped Redis leaves no pause behind
    ResilientRedisCache._missed_writes = False
    cache.clear()
    yield


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, its second factor verified like every staff session."""
    from tests.helpers.auth import login_verified

    login_verified(client, admin_user)
    return client


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in the test's thread; Django would then
    # refuse ORM calls from that thread. Tests only: `check --deploy` forbids it in production.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with launch_chromium() as browser:
            yield browser
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def smtp_sink():
    from tests.helpers.smtp import SmtpSink

    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_mailer(settings, smtp_sink):
    """Point the test process's own mail at the SMTP sink (instead of locmem)."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_sink.port, "timeout": 5},
        }
    }
    return smtp_sink


@pytest.fixture
def celery_worker_process(smtp_sink, tmp_path):
    """A real `celery worker` process sending its mail to the SMTP sink.

    Tests using it need `django_db(transaction=True)`: the worker reads committed rows.
    """
    from tests.helpers.worker import WorkerProcess, purge_broker

    purge_broker()
    worker = WorkerProcess(smtp_port=smtp_sink.port, log_path=tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never into the project tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def web_server(transactional_db, tmp_path):
    """gunicorn serving cress.wsgi on the test database, one worker watched through /proc."""
    from tests.helpers.webserver import WebServer

    server = WebServer(log_path=tmp_path / "gunicorn.log", media_root=tmp_path / "server-media")
    server.start()
    yield server
    server.stop()
