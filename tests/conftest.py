"""Shared fixtures and guard-rails of the test suite.

- A test fails when a template prints an undefined variable.
- A run owns its Redis keys (tests/helpers/isolation.py): they are deleted at its start
  and end, never a whole database, which other runs may share.
- A test that takes Redis away stops its own server (`private_redis`), never the machine's.
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
    """This run's keys, at its start (a run given the same TEST_RUN_ID again finds no stale
    message) and at its end; never a whole database, nor another run's keys."""
    from tests.helpers.isolation import delete_run_keys

    delete_run_keys(settings.REDIS_URL, settings.CELERY_BROKER_URL)
    yield
    delete_run_keys(settings.REDIS_URL, settings.CELERY_BROKER_URL)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from lib.cache import ResilientRedisCache

    ResilientRedisCache._down_until = 0.0  # a test that stopped Redis leaves no pause behind
    ResilientRedisCache._missed_writes = False
    cache.clear()
    yield


@pytest.fixture
def private_redis(settings, tmp_path, monkeypatch):
    """A redis-server of this test's own, serving as cache and broker of the test process
    and of the workers and web servers it starts; stop() and start() it at will. The
    machine's Redis is left alone, and checked to be so at the end."""
    from cress.celery import app
    from tests.helpers.redis_server import MachineRedisWatch, PrivateRedis

    watch = MachineRedisWatch(settings.REDIS_URL) if settings.REDIS_URL else None
    server = PrivateRedis(directory=tmp_path / "redis")
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    settings.CELERY_BROKER_URL = server.url
    # Celery read its settings once, and prefers CELERY_BROKER_URL from the environment.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    monkeypatch.setenv("REDIS_URL", server.url)
    broker_url = app.conf.broker_url
    app.conf.broker_url = server.url
    _forget_broker_connections(app)
    try:
        yield server
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url = broker_url
        _forget_broker_connections(app)
        server.stop()
        if watch is not None:
            watch.assert_untouched()


def _forget_broker_connections(app):
    """The next task sent opens a connection to the broker of app.conf, not a pooled one."""
    app._pool = None
    app.amqp._producer_pool = None


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
    from tests.helpers import mail as mail_helpers

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_sink.port, "timeout": 5},
        }
    }
    mail_helpers.ACTIVE_SINK = smtp_sink
    yield smtp_sink
    mail_helpers.ACTIVE_SINK = None


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
