"""A real Celery worker process on the local Redis broker, using the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"


class WorkerProcess:
    def __init__(self, *, smtp_port: int | None = None, log_path: Path, extra_env: dict | None = None):
        self.smtp_port = smtp_port
        self.extra_env = extra_env or {}
        self.log_path = log_path
        self.process = None

    def env(self) -> dict:
        env = {
            **os.environ,
            "DJANGO_ENV": "test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "DB_CONN_MAX_AGE": "0",
        }
        if self.smtp_port:
            env |= {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
            env |= {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.smtp_port), "EMAIL_TIMEOUT": "5"}
        return env | self.extra_env

    def start(self, timeout: float = 60.0) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cress",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Le worker Celery s'est arrêté : {self.log_path.read_text()[-2000:]}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError("Le worker Celery n'a pas démarré à temps.")

    def kill(self) -> None:
        """A crash: SIGKILL, no time to finish anything or to acknowledge its task."""
        self.process.kill()
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        if self.log.closed:
            return
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def purge_broker() -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
