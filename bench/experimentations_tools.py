"""The financial tools' list and finder against the bare layout.

    python -m bench.experimentations_tools --clients 10 --seconds 10     (make bench-experimentations)

Database `cress_bench_experimentations` (its own) or BENCH_EXPERIMENTATIONS_DATABASE_URL,
filled with the demo tools (experimentations.demo_tools, idempotent: about thirty tools of
La Réunion and three open calls).

Under load (gunicorn, 2 sync workers, production settings, Redis cache), each page warm —
its body cached under the tools' version and the calls' epoch: the list, the list under
searches and filters in rotation, the finder under answers in rotation. Then, in one
process (Django's test client, no load), the cold render: the version bumped before each
request, so the page is built from the database (search, ranking, reasons), beside the same
page warm and the bare layout (medians, wall and CPU time). Target (issue 13): the finder
and the list at 40 % of the bare layout's throughput or more.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, bench_env, gunicorn_server

PREPARE = "from experimentations.demo_tools import seed_tools; print(seed_tools())"
BARE = "/_bench/gabarit/"
LIST = "/financer-et-acheter/outils/"
FINDER = "/financer-et-acheter/trouver/"
SEARCHES = [
    "q=garantie",
    "q=pr%C3%AAts+d%27honneur",
    "instrument=subvention&commune=97411",
    "stage=creation&family=association",
    "appels=1",
    "sector=Q&amount=15000",
]
ANSWERS = [
    "stage=creation&family=association&commune=97411&amount=10000&purpose=demarrage",
    "stage=developpement&legal_form=5458&commune=97416&purpose=investissement",
    "stage=emergence&commune=97415&purpose=innovation",
    "family=cooperative&sector=E&amount=50000",
]
PAGES = [
    ("liste des outils (chaud)", [LIST]),
    (f"liste filtrée, {len(SEARCHES)} recherches (chaud)", [f"{LIST}?{query}" for query in SEARCHES]),
    (f"trouver, {len(ANSWERS)} questionnaires (chaud)", [f"{FINDER}?{query}" for query in ANSWERS]),
]
COLD = [
    ("liste des outils", LIST),
    ("liste, recherche et filtres", f"{LIST}?{SEARCHES[1]}&commune=97411"),
    ("trouver, résultats", f"{FINDER}?{ANSWERS[0]}"),
]
MEDIA_ROOT = Path(tempfile.gettempdir()) / "cress_bench_experimentations_media"


def load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def measure_cold(*, rounds: int) -> None:
    """In the child process: each page rendered cold (version just bumped) and warm, beside
    the bare layout, one request at a time; medians of wall and CPU time."""
    import django

    django.setup()
    from django.test import Client

    from experimentations.cache import bump_version

    client = Client()

    def timed(path: str) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    for _ in range(20):  # the process's templates, URL resolvers and connections
        timed(BARE)
    for _label, path in COLD:
        timed(path)
    bare, figures = [], {label: {"froid": [], "chaud": []} for label, _path in COLD}
    for _ in range(rounds):
        for label, path in COLD:
            bump_version()
            figures[label]["froid"].append(timed(path))
            figures[label]["chaud"].append(timed(path))
            bare.append(timed(BARE))

    def median(values, index):
        return statistics.median(value[index] for value in values)

    print(f"Rendu dans un processus, sans charge ({rounds} tours, médianes ; charge {load_average()}) :")
    print(f"{'page':40} {'mur':>9} {'CPU':>9} {'CPU / gabarit nu':>17}")
    print(f"{'gabarit nu':40} {median(bare, 0):6.2f} ms {median(bare, 1):6.2f} ms {1:16.2f}×")
    for label, by_state in figures.items():
        for state, values in by_state.items():
            ratio = median(values, 1) / median(bare, 1)
            print(f"{label + ', ' + state:40} {median(values, 0):6.2f} ms {median(values, 1):6.2f} ms {ratio:16.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=100, help="cold renders of each page, one process")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_EXPERIMENTATIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_experimentations"
        ),
    )
    parser.add_argument("--child-cold", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_cold:
        measure_cold(rounds=args.child_cold)
        return

    def prepare(env):
        subprocess.run([sys.executable, "manage.py", "shell", "-c", PREPARE], cwd=ROOT, env=env, check=True)

    MEDIA_ROOT.mkdir(exist_ok=True)
    extra = {"MEDIA_ROOT": str(MEDIA_ROOT)}
    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    with gunicorn_server(database_url=args.database_url, prepare=prepare, extra_env=extra) as (port, _env):
        print(f"Charge de la machine au début : {load_average()}")
        for _label, paths in [("", [BARE]), *PAGES]:
            run_load(host="127.0.0.1", port=port, paths=paths, clients=2, seconds=1.5)  # warm-up
        bare = run_load(
            host="127.0.0.1", port=port, paths=[BARE], clients=args.clients, seconds=args.seconds,
            label="gabarit nu (base + boucle de 20)",
        )  # fmt: skip
        results = [
            run_load(host="127.0.0.1", port=port, paths=paths, clients=args.clients, seconds=args.seconds, label=label)
            for label, paths in PAGES
        ]
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
        command = [sys.executable, "-m", "bench.experimentations_tools", "--child-cold", str(args.rounds)]
        subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)


if __name__ == "__main__":
    main()
