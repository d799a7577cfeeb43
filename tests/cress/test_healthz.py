import pytest

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_reports_every_dependency_up(client, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the test run uses the real local Redis broker"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {**body["checks"]["database"], "ok": True, "detail": "postgresql"}
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["cache"]["detail"] == "ResilientRedisCache"
    assert body["checks"]["broker"] == {**body["checks"]["broker"], "ok": True, "detail": "redis"}


def test_healthz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "lib.cache.ResilientRedisCache",  # as in production: it degrades, the probe tells
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert "127.0.0.1" not in checks["broker"]["detail"], "the public page does not reveal internal addresses"


def test_healthz_is_never_cached(client):
    assert "no-cache" in client.get("/healthz").headers["Cache-Control"]
