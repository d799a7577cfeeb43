"""A program a test starts beside itself (a Celery worker, celery beat, gunicorn), on the
test run's own database, cache and broker, its output kept in a log file, and stopped by
the test that started it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"


def services_env() -> dict:
    """The test database, cache and broker as this test sees them (`private_redis` changes
    them), for a process the test starts."""
    return {
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_KEY_PREFIX": settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", ""),
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # files uploaded by the test (each test has its own folder)
    }


class ChildProcess:
    """Subclasses give `name` (for messages), `arguments()` (after `python -m`) and
    `is_ready()`; `env()` adds to the services' environment."""

    name = "le programme"
    stop_signal = signal.SIGTERM

    def __init__(self, *, log_path: Path):
        self.log_path = log_path
        self.process = None
        self.log = None

    def arguments(self) -> list[str]:
        raise NotImplementedError

    def is_ready(self) -> bool:
        raise NotImplementedError

    def env(self) -> dict:
        return {**os.environ, **services_env(), "DB_CONN_MAX_AGE": "0"}

    def start(self, timeout: float = 60.0) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", *self.arguments()],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} s'est arrêté : {self.log_path.read_text()[-2000:]}")
            if self.is_ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} n'a pas démarré à temps.")

    def logged(self) -> bytes:
        return self.log_path.read_bytes()

    def kill(self) -> None:
        """A crash: SIGKILL, no time to finish anything or to acknowledge its work."""
        self.process.kill()
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        if self.process is None or self.log.closed:
            return
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
