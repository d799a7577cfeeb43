"""The public partners page and a partner's page against the bare layout.

    python -m bench.partenariats --clients 10 --seconds 10     (make bench-partenariats)

Database `cress_bench_partenariats` (its own: other benchmarks migrate theirs from other
branches) or BENCH_PARTENARIATS_DATABASE_URL, filled with the demo partnerships
(partenariats.demo, idempotent: the seven partner bodies of the programme, their
conventions in every state, commitments, committees and published figures).

Under load (gunicorn, 2 sync workers, production settings, Redis cache), each page warm —
its body already cached under the partnerships' version, as almost every visit finds it:
the partners page, the partners page under each kind filter in rotation, and the partner
pages in rotation. Then, in one process (Django's test client, no load), the cold render:
the version bumped before each request, so the page is built from the database, beside
the same page warm and the bare layout (medians, wall and CPU time). Target: 40 % of the
bare layout's throughput or more, warm.
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

from django.utils.text import slugify

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, bench_env, gunicorn_server

PREPARE = "from partenariats.demo import seed_partnerships; print(seed_partnerships())"
BARE = "/_bench/gabarit/"
INDEX = "/partenaires/"
KINDS = ["chambre_consulaire", "reseau", "emploi", "protection_sociale"]
PARTNER_NAMES = [
    "Chambre de commerce et d'industrie de La Réunion",
    "Chambre de métiers et de l'artisanat de La Réunion",
    "Union régionale des SCOP et SCIC de La Réunion",
    "Cité des Métiers de La Réunion",
    "France Travail Réunion",
    "Caisse générale de sécurité sociale de La Réunion",
]
PARTNER_PAGES = [f"{INDEX}{slugify(name)}/" for name in PARTNER_NAMES]
PAGES = [
    ("page des partenaires (chaud)", [INDEX]),
    ("filtrée par type, 4 types (chaud)", [f"{INDEX}?type={kind}" for kind in KINDS]),
    ("page d'un partenaire, 6 pages (chaud)", PARTNER_PAGES),
]
COLD = [("page des partenaires", INDEX), ("page d'un partenaire", PARTNER_PAGES[2])]
MEDIA_ROOT = Path(tempfile.gettempdir()) / "cress_bench_partenariats_media"


def load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def measure_cold(*, rounds: int) -> None:
    """In the child process: each page rendered cold (version just bumped) and warm, beside
    the bare layout, one request at a time; medians of wall and CPU time."""
    import django

    django.setup()
    from django.test import Client

    from partenariats.cache import bump_version

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
    print(f"{'page':34} {'mur':>9} {'CPU':>9} {'CPU / gabarit nu':>17}")
    print(f"{'gabarit nu':34} {median(bare, 0):6.2f} ms {median(bare, 1):6.2f} ms {1:16.2f}×")
    for label, by_state in figures.items():
        for state, values in by_state.items():
            ratio = median(values, 1) / median(bare, 1)
            print(f"{label + ', ' + state:34} {median(values, 0):6.2f} ms {median(values, 1):6.2f} ms {ratio:16.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=100, help="cold renders of each page, one process")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_PARTENARIATS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_partenariats"
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
        command = [sys.executable, "-m", "bench.partenariats", "--child-cold", str(args.rounds)]
        subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)


if __name__ == "__main__":
    main()
