"""A Redis server of the test's own, for the tests that take Redis away.

An outage test stops a server it started: on a free port, in a temporary folder, with no
persistence. The machine's Redis (127.0.0.1:6379), which other runs and people use, is
never stopped, flushed or reconfigured; `MachineRedisWatch` checks that it was not.
"""

import shutil
import subprocess
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.helpers.smtp import free_port

NO_RETRY = {"socket_connect_timeout": 1, "socket_timeout": 2, "retry": Retry(NoBackoff(), 0)}


class PrivateRedis:
    """`redis-server` on 127.0.0.1:<free port>; stop() and start() again on the same port."""

    def __init__(self, *, directory: Path):
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server est introuvable : installez le paquet redis-server.")
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, **NO_RETRY)

    def ping(self) -> bool:
        client = self.client()
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False
        finally:
            client.close()

    def start(self, timeout: float = 10.0) -> None:
        log = self.directory / "redis.log"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
                "--logfile", str(log),
                "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.process.poll() is not None:
                tail = log.read_text(errors="replace")[-1000:] if log.exists() else ""
                raise RuntimeError(f"redis-server s'est arrêté au démarrage (port {self.port}) : {tail}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server ne répond pas sur le port {self.port}.")
            time.sleep(0.05)

    def stop(self) -> None:
        """A real outage: the server is gone and its port refuses connections."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class MachineRedisWatch:
    """What shows that the machine's Redis was left alone: the same server process (its
    run_id changes on every start) with the same persistence settings. Reads only."""

    def __init__(self, url: str):
        self.url = url
        self.before = self.state()

    def state(self) -> dict | None:
        client = redis.Redis.from_url(self.url, **NO_RETRY)
        try:
            return {
                "run_id": client.info("server")["run_id"],
                "save": client.config_get("save").get("save"),
                "appendonly": client.config_get("appendonly").get("appendonly"),
            }
        except redis.exceptions.ConnectionError:
            return None
        finally:
            client.close()

    def assert_untouched(self) -> None:
        after = self.state()
        assert after == self.before, f"le Redis de la machine ({self.url}) a changé : {self.before} → {after}"
