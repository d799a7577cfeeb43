"""The directory at national scale: 200 000 organisations, 10 concurrent clients.

    make bench-annuaire      (or: python -m bench.directory --clients 10 --seconds 20)

Creates or reuses the PostgreSQL database `cress_bench` with 200 000 demo
organisations (`seed_demo --size 200000`), serves it with gunicorn (2 sync workers,
production settings, Redis cache), then measures and prints:
- requests/s, p50 and p95 of the directory page under varied queries (common words,
  rare words, two filters, typos, distance sort, later pages), and of the bare layout
  view in the same run, and their ratio;
- the database time of the search and facet queries, uncached (first request of a
  query) and for a cached query;
- the time and size of the map data at island, town and street zoom.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, gunicorn_server

SIZE = 200_000

DIRECTORY_QUERIES = [
    {"q": "insertion"},
    {"q": "économie solidaire"},
    {"q": "association"},
    {"q": "jardins partagés"},
    {"q": "recyclerie", "page": "3"},
    {"q": "vavangaz"},
    {"q": "maloya"},
    {"q": "goyavier"},
    {"famille": "cooperative", "epci": "tco"},
    {"q": "insertion", "epci": "civis", "role": "fournisseur"},
    {"thematique": "finance-solidaire", "commune": "97411"},
    {"q": "ressourcery"},
    {"q": "epicerie solidair"},
    {"q": "recylerie"},
    {},
    {"tri": "distance", "pres_de": "97416", "famille": "mutuelle"},
]
MAP_REQUESTS = [
    ("île entière, zoom 10", {"zoom": "10", "bbox": "55.1,-21.5,55.95,-20.8"}),
    ("île, filtre « insertion », zoom 10", {"zoom": "10", "bbox": "55.1,-21.5,55.95,-20.8", "q": "insertion"}),
    ("Saint-Denis, zoom 13", {"zoom": "13", "bbox": "55.38,-20.95,55.52,-20.84"}),
    ("rue de Saint-Pierre, zoom 16", {"zoom": "16", "bbox": "55.470,-21.345,55.486,-21.333"}),
    ("Saint-Denis, zoom 15 (groupes serveur)", {"zoom": "15", "bbox": "55.41,-20.91,55.49,-20.85"}),
    ("Saint-Denis centre, zoom 16 (plafond 5 000)", {"zoom": "16", "bbox": "55.43,-20.90,55.47,-20.86"}),
]


def path(base: str, params: dict) -> str:
    return base + ("?" + urllib.parse.urlencode(params) if params else "")


COUNT_SCRIPT = "from annuaire.models import Organisation as O; print(O.objects.count())"


def ensure_directory(env: dict) -> None:
    check = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", COUNT_SCRIPT],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    count = int(check.stdout.strip().splitlines()[-1])
    if count < SIZE:
        print(f"Base de mesure : {count} structures, création jusqu'à {SIZE}…", flush=True)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--size", str(SIZE)], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"seed_demo --size {SIZE} : {time.monotonic() - started:.0f} s", flush=True)


def timed_get(port: int, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as response:
        size = len(response.read())
    return (time.perf_counter() - started) * 1000, size


def database_times(env: dict) -> str:
    """Time the search and facet work in one process, cache cleared, then cached."""
    script = """
import time
from django.core.cache import cache
from annuaire.search import DirectoryFilters, search_directory, summary, filter_options
rows = []
for params in QUERIES:
    filters = DirectoryFilters(**params)
    cache.clear()
    options = filter_options()
    started = time.perf_counter(); counts = summary(filters, options); facets = time.perf_counter() - started
    started = time.perf_counter(); search_directory(filters); page_cold = time.perf_counter() - started
    started = time.perf_counter(); search_directory(filters); page_warm = time.perf_counter() - started
    rows.append((params, counts["total"], facets * 1000, page_cold * 1000, page_warm * 1000))
for params, total, facets, cold, warm in rows:
    print(f"{str(params):58} {total:7d} matches  facets+count {facets:7.1f} ms  "
          f"page uncached {cold:6.1f} ms  cached {warm:5.1f} ms")
"""
    queries = [
        {"q": "insertion", "sort": "pertinence"},
        {"q": "économie solidaire", "sort": "pertinence"},
        {"q": "vavangaz", "sort": "pertinence"},
        {"q": "ressourcery", "sort": "pertinence"},
        {"family": "cooperative", "epci": "tco", "sort": "nom"},
        {"q": "insertion", "epci": "civis", "role": "fournisseur", "sort": "pertinence"},
        {"sort": "nom"},
    ]
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", f"QUERIES = {queries!r}\n{script}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return "\n".join(line for line in result.stdout.splitlines() if "matches" in line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench")
    )
    args = parser.parse_args()

    directory_paths = [path("/annuaire/", params) for params in DIRECTORY_QUERIES]
    with gunicorn_server(database_url=args.database_url, prepare=ensure_directory) as (port, env):
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        print(f"gunicorn 2 workers sync, PostgreSQL, {SIZE} structures, {args.clients} clients, {args.seconds:.0f} s")
        print("\nTemps base de données (un processus, sans charge) :")
        print(database_times(env))

        # Warm-up: every query once (first requests fill the caches, as in production).
        for url in directory_paths:
            timed_get(port, url)
        bare = run_load(host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=args.clients,
                        seconds=args.seconds, label="gabarit nu")  # fmt: skip
        directory = run_load(host="127.0.0.1", port=port, paths=directory_paths, clients=args.clients,
                             seconds=args.seconds, label="annuaire (16 requêtes variées)")  # fmt: skip
        print("\nSous charge :")
        print_against_bare(bare, [directory])

        print("\nDonnées de carte (première requête, puis p95 de 20 requêtes sous charge de 10 clients) :")
        for label, params in MAP_REQUESTS:
            url = path("/annuaire/carte.json", params)
            first_ms, size = timed_get(port, url)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}") as response:
                features = len(json.loads(response.read())["features"])
            loaded = run_load(host="127.0.0.1", port=port, paths=[url], clients=args.clients, seconds=5, label=label)
            print(
                f"{label:45} {features:5d} points/groupes  {size / 1024:7.1f} Kio  1re requête {first_ms:6.1f} ms  "
                f"p50 {loaded.percentile(0.5):6.1f} ms  p95 {loaded.percentile(0.95):6.1f} ms  "
                f"({loaded.requests_per_second:.0f} req/s)"
            )
        print(f"\nlatence médiane annuaire : {statistics.median(directory.latencies_ms):.1f} ms")


if __name__ == "__main__":
    main()
