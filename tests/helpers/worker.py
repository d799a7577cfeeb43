"""A real Celery worker process on the test run's broker, using the test database."""

import re
import time
from pathlib import Path

import redis
from django.conf import settings

from lib.rediskeys import delete_prefixed
from tests.helpers.process import ChildProcess

TASK_EVENT = re.compile(rb"Task [\w.]+\[([0-9a-f-]+)\] (received|succeeded|raised|failed|retry)")


class WorkerProcess(ChildProcess):
    name = "Le worker Celery"

    def __init__(self, *, smtp_port: int | None = None, log_path: Path, extra_env: dict | None = None):
        super().__init__(log_path=log_path)
        self.smtp_port = smtp_port
        self.extra_env = extra_env or {}

    def env(self) -> dict:
        env = super().env()
        if self.smtp_port:
            env |= {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
            env |= {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.smtp_port), "EMAIL_TIMEOUT": "5"}
        return env | self.extra_env

    def arguments(self) -> list[str]:
        return [
            "celery", "-A", "cress", "worker", "--pool=solo", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip

    def is_ready(self) -> bool:
        return b" ready." in self.logged()

    def task_events(self) -> dict[str, set[str]]:
        """What the worker's log says of each task it was given: task id → events."""
        events: dict[str, set[str]] = {}
        for task_id, event in TASK_EVENT.findall(self.logged()):
            events.setdefault(task_id.decode(), set()).add(event.decode())
        return events

    def succeeded(self, task_name: str) -> int:
        """How many runs of the task `task_name` (its dotted name) the worker finished successfully."""
        pattern = rb"Task " + re.escape(task_name.encode()) + rb"\[[0-9a-f-]+\] succeeded"
        return len(re.findall(pattern, self.logged()))

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


def purge_broker() -> None:
    """Drop this run's queued messages (its broker keys), and nothing else of the database."""
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        delete_prefixed(client, prefix)
    finally:
        client.close()
