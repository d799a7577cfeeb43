"""Public pages against a bare template view of the same layout, under load.

    make bench            (or: python -m bench.pages --clients 10 --seconds 15)

Prints requests/s, p50 and p95 for each page and the ratio of its throughput to the bare
layout's. The database gets the demo news and events first (idempotent).
"""

import argparse
import os
import platform
import subprocess
import sys

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, gunicorn_server

PREPARE = "from communication.demo import seed_news_and_events; print(seed_news_and_events())"

PAGES = [
    ("accueil /", "/"),
    ("territoires /territoires/", "/territoires/"),
    ("actualités /actualites/", "/actualites/"),
    ("flux RSS /actualites/rss/", "/actualites/rss/"),
    ("agenda /agenda/", "/agenda/"),
    ("agenda du mois /agenda/mois/", "/agenda/mois/"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench")
    )
    args = parser.parse_args()

    def prepare(env):
        subprocess.run([sys.executable, "manage.py", "shell", "-c", PREPARE], cwd=ROOT, env=env, check=True)

    with gunicorn_server(database_url=args.database_url, prepare=prepare) as (port, _env):
        for _label, path in [("", "/_bench/gabarit/"), *PAGES]:
            run_load(host="127.0.0.1", port=port, paths=[path], clients=2, seconds=1.5)  # warm-up
        bare = run_load(
            host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=args.clients, seconds=args.seconds,
            label="gabarit nu (base + boucle de 20)",
        )  # fmt: skip
        results = [
            run_load(host="127.0.0.1", port=port, paths=[path], clients=args.clients, seconds=args.seconds, label=label)
            for label, path in PAGES
        ]
    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    print(f"gunicorn 2 workers sync, PostgreSQL, {args.clients} clients, {args.seconds:.0f} s par page")
    print_against_bare(bare, results)


if __name__ == "__main__":
    main()
