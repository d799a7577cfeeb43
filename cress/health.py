"""Checks behind /healthz: each dependency answers within a short timeout, or is reported down."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)


def _timed(check):
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # any failure of a dependency is a health answer, not an error
        # The page is public: name the failure, keep addresses and messages for the logs.
        logger.warning("healthz: %s en échec", check.__name__, exc_info=True)
        detail = type(exc).__name__
        ok = False
    return {"ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache():
    key = "healthz:probe"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("la valeur écrite n'a pas été relue")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_broker():
    url = settings.CELERY_BROKER_URL
    if not url:
        return "aucun courtier : tâches exécutées dans le processus web"
    with Connection(url, connect_timeout=2, transport_options={"socket_timeout": 2}) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return url.split("://", 1)[0]


def run_checks() -> dict:
    return {"database": _timed(check_database), "cache": _timed(check_cache), "broker": _timed(check_broker)}
