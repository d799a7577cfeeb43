"""The production web server (gunicorn, one sync worker) serving cress.wsgi on the test
database, with what a test needs to look at its worker process from outside: peak
resident memory and bytes read and written (Linux /proc).

The `web_server` fixture (tests/conftest.py) takes a transactional database: the
server reads committed rows.
"""

import http.client
import re
import signal
import uuid
from pathlib import Path

from tests.helpers.process import ChildProcess
from tests.helpers.smtp import free_port


class WebServer(ChildProcess):
    name = "gunicorn"
    stop_signal = signal.SIGQUIT  # gunicorn's quick shutdown

    def __init__(self, *, log_path: Path, media_root: Path, extra_env: dict | None = None):
        super().__init__(log_path=log_path)
        self.media_root = media_root
        self.extra_env = extra_env or {}
        self.port = free_port()

    def env(self) -> dict:
        return super().env() | {"MEDIA_ROOT": str(self.media_root), **self.extra_env}

    def arguments(self) -> list[str]:
        return [
            "gunicorn", "cress.wsgi", "--workers=1", f"--bind=127.0.0.1:{self.port}",
            "--timeout=120", "--graceful-timeout=5",
        ]  # fmt: skip

    def is_ready(self) -> bool:
        try:
            status, _headers, _body = self.request("GET", "/healthz")
        except OSError:
            return False
        return status in (200, 503)

    # --- The worker process, seen from /proc ----------------------------------------------

    def worker_pid(self) -> int:
        """The one worker forked by the gunicorn master."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                return int(entry.name)
        raise RuntimeError("pas de worker gunicorn")

    def peak_memory_bytes(self) -> int:
        """The worker's peak resident memory so far (VmHWM), in bytes."""
        status = Path(f"/proc/{self.worker_pid()}/status").read_text()
        return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1)) * 1024

    def io_counters(self) -> dict[str, int]:
        """Bytes the worker read and wrote through system calls (sockets and files alike)."""
        lines = Path(f"/proc/{self.worker_pid()}/io").read_text().splitlines()
        return {key: int(value) for key, value in (line.split(": ") for line in lines)}

    # --- Talking to it --------------------------------------------------------------------

    def connection(self, timeout: float = 60) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, *, body=None, headers=None) -> tuple[int, dict, str]:
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()

    def csrf(self, path: str) -> tuple[str, str]:
        """(the CSRF cookie header, the form token) read from a GET of a page with a form."""
        connection = self.connection()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            html = response.read().decode()
            cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
        finally:
            connection.close()
        assert response.status == 200, html[:500]
        cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return cookie, token


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    """(content type, body) of a multipart/form-data form, as a browser sends it."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)
