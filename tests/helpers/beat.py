"""A real `celery beat` process on the test run's broker (the one `WorkerProcess` serves),
sending chosen entries of the real beat_schedule every second (tests/helpers/beat_app.py)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.worker import ROOT, services_env


class BeatProcess:
    def __init__(self, *, entries: list[str], log_path: Path, schedule_path: Path, every: float = 1.0):
        self.entries = entries
        self.every = every
        self.log_path = log_path
        # Where beat keeps when each entry last ran: a restarted beat reads it again.
        self.schedule_path = schedule_path
        self.process = None

    def env(self) -> dict:
        return {
            **os.environ,
            **services_env(),
            "DB_CONN_MAX_AGE": "0",
            "BEAT_ENTRIES": ",".join(self.entries),
            "BEAT_EVERY_SECONDS": str(self.every),
        }

    def start(self, timeout: float = 60.0) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.helpers.beat_app",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.schedule_path}",
                "--max-interval=1",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery beat s'est arrêté : {self.log_path.read_text()[-2000:]}")
            if b"beat: Starting..." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError("Celery beat n'a pas démarré à temps.")

    def sent(self, entry: str) -> int:
        """How many times beat has sent `entry` to the workers (its log says so each time)."""
        return len(re.findall(rb"Sending due task " + re.escape(entry.encode()) + rb" ", self.log_path.read_bytes()))

    def stop(self) -> None:
        if self.process is None or self.log.closed:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
