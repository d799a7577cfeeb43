"""The training catalogue and a training page against the bare layout, under load.

    python -m bench.formation_catalogue --clients 10 --seconds 10

The database gets the demo catalogue first (formation.demo, idempotent: about ten
trainings, past sessions with attendance and surveys, upcoming sessions). Measured: the
catalogue, the catalogue under eight filter combinations sent in rotation (each cached after
its first request), a training page with its sessions and results, and the agenda with
the sessions as a source. Prints each page's throughput as a share of the bare layout's;
the target is 40 % for the catalogue.
"""

import argparse
import os
import platform
import subprocess
import sys

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, gunicorn_server

PREPARE = "from formation.demo import seed_trainings; print(seed_trainings())"

FILTERED = [
    "/formations/?q=gouvernance",
    "/formations/?q=comptabilite",
    "/formations/?theme=rh",
    "/formations/?public=benevoles&places=1",
    "/formations/?modalite=distanciel",
    "/formations/?territoire=saint-denis",
    "/formations/?q=projet&public=porteurs",
    "/formations/?theme=gestion&places=1",
]
PAGES = [
    ("catalogue /formations/", ["/formations/"]),
    ("catalogue filtré (8 variantes)", FILTERED),
    ("fiche formation", ["/formations/catalogue/gouvernance-associative/"]),
    ("agenda /agenda/ (avec les sessions)", ["/agenda/"]),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench")
    )
    args = parser.parse_args()

    def prepare(env):
        subprocess.run([sys.executable, "manage.py", "shell", "-c", PREPARE], cwd=ROOT, env=env, check=True)

    with gunicorn_server(database_url=args.database_url, prepare=prepare) as (port, _env):
        for _label, paths in [("", ["/_bench/gabarit/"]), *PAGES]:
            run_load(host="127.0.0.1", port=port, paths=paths, clients=2, seconds=1.5)  # warm-up
        bare = run_load(
            host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=args.clients, seconds=args.seconds,
            label="gabarit nu (base + boucle de 20)",
        )  # fmt: skip
        results = [
            run_load(host="127.0.0.1", port=port, paths=paths, clients=args.clients, seconds=args.seconds, label=label)
            for label, paths in PAGES
        ]
    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    print(f"gunicorn 2 workers sync, PostgreSQL, {args.clients} clients, {args.seconds:.0f} s par page")
    print_against_bare(bare, results)


if __name__ == "__main__":
    main()
