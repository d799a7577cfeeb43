"""The common frame of the benchmarks of pages cached under a version (partners, financial tools,
resources).

A benchmark module declares its pages and calls `main(CachedPagesBench(...))`:

- under load (gunicorn, 2 sync workers, production settings, Redis cache), each group of
  pages warm, its body cached under the app's version, beside the bare layout; and the
  groups of `unseen` pages, each path sent once (searches never seen before: nothing cached);
- then, in one child process (Django's test client, no load), each cold page rendered with
  the version just bumped (so built from the database), the same page warm, and the bare
  layout: medians of wall and CPU time.
"""

import argparse
import importlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, bench_env, gunicorn_server

BARE = "/_bench/gabarit/"


@dataclass(frozen=True)
class CachedPagesBench:
    module: str  # the benchmark's own module, run again as the cold child process
    database: str  # the benchmark database's name (each benchmark has its own)
    database_env: str  # the environment variable that overrides its URL
    prepare: str  # Python run by `manage.py shell -c` to fill the database (idempotent)
    bump_version: str  # "app.cache.bump_version": invalidates the cached pages
    pages: list[tuple[str, list[str]]]  # label, paths in rotation (warm, under load)
    cold: list[tuple[str, str]]  # label, path (rendered cold, one process)
    description: str = ""
    # label, paths each sent once under load (never seen before, so never cached): a search's
    # long tail. Not warmed up.
    unseen: tuple[tuple[str, list[str]], ...] = ()


def load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def measure_cold(bench: CachedPagesBench, *, rounds: int) -> None:
    """In the child process: each page rendered cold (version just bumped) and warm, beside
    the bare layout, one request at a time; medians of wall and CPU time."""
    import django

    django.setup()
    from django.test import Client

    module_name, _, function_name = bench.bump_version.rpartition(".")
    bump_version = getattr(importlib.import_module(module_name), function_name)
    client = Client()

    def timed(path: str) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    for _ in range(20):  # the process's templates, URL resolvers and connections
        timed(BARE)
    for _label, path in bench.cold:
        timed(path)
    bare, figures = [], {label: {"froid": [], "chaud": []} for label, _path in bench.cold}
    for _ in range(rounds):
        for label, path in bench.cold:
            bump_version()
            figures[label]["froid"].append(timed(path))
            figures[label]["chaud"].append(timed(path))
            bare.append(timed(BARE))

    def median(values, index):
        return statistics.median(value[index] for value in values)

    width = max(len(f"{label}, chaud") for label, _path in bench.cold) + 2
    print(f"Rendu dans un processus, sans charge ({rounds} tours, médianes ; charge {load_average()}) :")
    print(f"{'page':{width}} {'mur':>9} {'CPU':>9} {'CPU / gabarit nu':>17}")
    print(f"{'gabarit nu':{width}} {median(bare, 0):6.2f} ms {median(bare, 1):6.2f} ms {1:16.2f}×")
    for label, by_state in figures.items():
        for state, values in by_state.items():
            ratio = median(values, 1) / median(bare, 1)
            print(
                f"{label + ', ' + state:{width}} {median(values, 0):6.2f} ms {median(values, 1):6.2f} ms {ratio:16.2f}×"
            )


def main(bench: CachedPagesBench) -> None:
    parser = argparse.ArgumentParser(description=bench.description)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=100, help="cold renders of each page, one process")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(bench.database_env, f"postgres://postgres@127.0.0.1:5432/{bench.database}"),
    )
    parser.add_argument("--child-cold", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_cold:
        measure_cold(bench, rounds=args.child_cold)
        return

    def prepare(env):
        subprocess.run([sys.executable, "manage.py", "shell", "-c", bench.prepare], cwd=ROOT, env=env, check=True)

    media_root = Path(tempfile.gettempdir()) / f"{bench.database}_media"
    media_root.mkdir(exist_ok=True)
    extra = {"MEDIA_ROOT": str(media_root)}
    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    with gunicorn_server(database_url=args.database_url, prepare=prepare, extra_env=extra) as (port, _env):
        print(f"Charge de la machine au début : {load_average()}")
        for _label, paths in [("", [BARE]), *bench.pages]:
            run_load(host="127.0.0.1", port=port, paths=paths, clients=2, seconds=1.5)  # warm-up
        bare = run_load(
            host="127.0.0.1", port=port, paths=[BARE], clients=args.clients, seconds=args.seconds,
            label="gabarit nu (base + boucle de 20)",
        )  # fmt: skip
        results = [
            run_load(host="127.0.0.1", port=port, paths=paths, clients=args.clients, seconds=args.seconds, label=label)
            for label, paths in bench.pages
        ]
        for label, paths in bench.unseen:
            load = {"clients": args.clients, "seconds": args.seconds, "label": label, "once": True}
            results.append(run_load(host="127.0.0.1", port=port, paths=paths, **load))
        print(f"Charge de la machine à la fin : {load_average()}")
    print(f"gunicorn 2 workers sync, PostgreSQL, Redis, {args.clients} clients, {args.seconds:.0f} s par page")
    print_against_bare(bare, results)
    print()
    with tempfile.TemporaryDirectory() as static_root:
        env = {**bench_env(args.database_url, static_root), **extra, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        command = [sys.executable, "-m", bench.module, "--child-cold", str(args.rounds)]
        subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)
