"""A real `celery beat` process on the test run's broker (the one `WorkerProcess` serves),
sending chosen entries of the real beat_schedule every second (tests/helpers/beat_app.py)."""

import re
from pathlib import Path

from tests.helpers.process import ChildProcess


class BeatProcess(ChildProcess):
    name = "Celery beat"

    def __init__(self, *, entries: list[str], log_path: Path, schedule_path: Path, every: float = 1.0):
        super().__init__(log_path=log_path)
        self.entries = entries
        self.every = every
        # Where beat keeps when each entry last ran: a restarted beat reads it again.
        self.schedule_path = schedule_path

    def env(self) -> dict:
        return super().env() | {"BEAT_ENTRIES": ",".join(self.entries), "BEAT_EVERY_SECONDS": str(self.every)}

    def arguments(self) -> list[str]:
        return [
            "celery", "-A", "tests.helpers.beat_app", "beat", "--loglevel=INFO",
            f"--schedule={self.schedule_path}", "--max-interval=1",
        ]  # fmt: skip

    def is_ready(self) -> bool:
        return b"beat: Starting..." in self.logged()

    def sent(self, entry: str) -> int:
        """How many times beat has sent `entry` to the workers (its log says so each time)."""
        return len(re.findall(rb"Sending due task " + re.escape(entry.encode()) + rb" ", self.logged()))
