"""Start the portal under gunicorn on PostgreSQL for a benchmark, with production settings."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        "SECURE_SSL_REDIRECT": "false",
        "BEHIND_TLS_PROXY": "false",
        "STATIC_ROOT": static_root,
        "BENCHMARK_VIEWS": "true",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def create_database(database_url: str) -> None:
    """Create the benchmark database if it does not exist yet (createdb fails if it does)."""
    name = database_url.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False)


def main_in_child(*, module: str, doc: str, database_url: str, measure) -> None:
    """The command line of a benchmark that measures in one process: parse `--times`; in the
    parent, create and migrate the benchmark database, then run `python -m <module> --child`
    with production settings, which calls `measure(times=...)`."""
    import argparse

    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--times", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(times=args.times)
        return
    create_database(database_url)
    with tempfile.TemporaryDirectory() as static_root:
        env = bench_env(database_url, static_root)
        manage(env, "migrate", "--noinput")
        command = [sys.executable, "-m", module, "--child", "--times", str(args.times)]
        subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)


@contextlib.contextmanager
def gunicorn_server(*, database_url: str, workers: int = 2, prepare=None, extra_env: dict | None = None):
    """Migrate the benchmark database, collect static files, then serve on a free port."""
    create_database(database_url)
    with tempfile.TemporaryDirectory() as static_root:
        env = {**bench_env(database_url, static_root), **(extra_env or {})}
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        if prepare:
            prepare(env)
        port = free_port()
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "cress.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn n'a pas démarré")
                time.sleep(0.2)
            yield port, env
        finally:
            process.terminate()
            process.wait(timeout=20)
