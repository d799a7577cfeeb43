"""A real Celery worker process on the test run's broker, using the test database."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from lib.rediskeys import delete_prefixed

ROOT = Path(__file__).resolve().parents[2]
TASK_EVENT = re.compile(rb"Task [\w.]+\[([0-9a-f-]+)\] (received|succeeded|raised|failed|retry)")


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


class WorkerProcess:
    def __init__(self, *, smtp_port: int | None = None, log_path: Path, extra_env: dict | None = None):
        self.smtp_port = smtp_port
        self.extra_env = extra_env or {}
        self.log_path = log_path
        self.process = None

    def env(self) -> dict:
        env = {**os.environ, **services_env(), "DB_CONN_MAX_AGE": "0"}
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

    def task_events(self) -> dict[str, set[str]]:
        """What the worker's log says of each task it was given: task id → events."""
        events: dict[str, set[str]] = {}
        for task_id, event in TASK_EVENT.findall(self.log_path.read_bytes()):
            events.setdefault(task_id.decode(), set()).add(event.decode())
        return events

    def succeeded(self, task_name: str) -> int:
        """How many runs of the task `task_name` (its dotted name) the worker finished successfully."""
        pattern = rb"Task " + re.escape(task_name.encode()) + rb"\[[0-9a-f-]+\] succeeded"
        return len(re.findall(pattern, self.log_path.read_bytes()))

    def wait_for_task(self, task_id: str, timeout: float = 30.0) -> None:
        """Until the worker has run the task `task_id` to success."""
        deadline = time.monotonic() + timeout
        while "succeeded" not in self.task_events().get(task_id, set()):
            if time.monotonic() > deadline:
                raise AssertionError(f"le worker n'a pas exécuté la tâche {task_id} : {self.task_events()}")
            time.sleep(0.05)

    def wait_until_idle(self, *, tasks: int, timeout: float = 30.0) -> None:
        """Until the worker has received at least `tasks` tasks and finished every one it received."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.task_events()
            finished = [done for done in events.values() if done & {"succeeded", "raised", "failed"}]
            if len(events) >= tasks and len(finished) == len(events):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"le worker n'a pas fini ses tâches : {events}")
            time.sleep(0.05)

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
    """Drop this run's queued messages (its broker keys), and nothing else of the database."""
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        delete_prefixed(client, prefix)
    finally:
        client.close()
