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
import random
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


VOCABULARY_SCRIPT = """
import json
from django.db import connection
from annuaire.search import filter_options
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT DISTINCT w FROM (SELECT regexp_split_to_table(lower(name || ' ' || description), '[^[:alpha:]]+') w "
        "FROM annuaire_organisation WHERE is_published) s WHERE length(w) >= 3"
    )
    words = sorted(row[0] for row in cursor.fetchall())
options = filter_options()
print(json.dumps({"words": words, **{
    name: [value for value, _label, _pk in options[name]]
    for name in ("commune", "epci", "family", "sector", "category", "role", "label")
}}))
"""
FILTER_PARAMS = {
    "commune": "commune", "epci": "epci", "family": "famille", "sector": "secteur",
    "category": "thematique", "role": "role", "label": "label",
}  # fmt: skip


def typo(word: str, rng: random.Random) -> str:
    """One edit of a word (swap, drop, double or replace a letter): what people type."""
    i = rng.randrange(1, len(word) - 1)
    edits = [
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],
        word[:i] + word[i + 1 :],
        word[:i] + word[i] + word[i:],
        word[:i] + rng.choice("aeiourstlnm") + word[i + 1 :],
    ]
    return rng.choice(edits)


def long_tail_paths(vocabulary: dict, count: int, seed: int) -> list[str]:
    """`count` distinct directory requests, none repeated: single words of the directory
    and their typos, pairs of words, one or two filters with or without a word, page 2."""
    rng = random.Random(seed)
    words = vocabulary["words"]
    seen, paths = set(), []
    while len(paths) < count:
        kind = rng.random()
        params = {}
        if kind < 0.30:
            params["q"] = rng.choice(words)
        elif kind < 0.45:
            params["q"] = typo(rng.choice([w for w in words if len(w) >= 5] or words), rng)
        elif kind < 0.70:
            params["q"] = f"{rng.choice(words)} {rng.choice(words)}"
        else:
            for name in rng.sample(list(FILTER_PARAMS), rng.choice([1, 2])):
                params[FILTER_PARAMS[name]] = rng.choice(vocabulary[name])
            if rng.random() < 0.5:
                params["q"] = rng.choice(words)
        if rng.random() < 0.15:
            params["page"] = "2"
        url = path("/annuaire/", params)
        if url not in seen:
            seen.add(url)
            paths.append(url)
    return paths


# Accepts a contribution (a correction moving a published organisation to another commune
# and changing its description) every second, through the portal's service, until stdin
# closes: every write changes the directory version, so every cached selection expires.
WRITER_SCRIPT = """
import random, select, sys, time
from annuaire.contributions import accept_contribution, submit_contribution
from annuaire.models import Contribution, Organisation
from comptes.models import User
from referentiels.models import Territory, TerritoryKind
staff, _ = User.objects.get_or_create(email="bench-ecriture@cress-reunion.invalid", defaults={"is_staff": True})
communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE))
ids = list(Organisation.objects.filter(is_published=True).values_list("pk", flat=True)[:5000])
rng = random.Random()
print("pret", flush=True)
written = 0
while not select.select([sys.stdin], [], [], 1.0)[0]:
    organisation = Organisation.objects.get(pk=rng.choice(ids))
    contribution = submit_contribution(
        kind=Contribution.Kind.CORRECTION, organisation=organisation,
        values={"commune": rng.choice(communes), "description": f"Mise à jour de mesure n°{written} ({rng.random()})."},
        contributor_name="Mesure", contributor_email="mesure@cress-reunion.invalid", consent_text="mesure",
    )
    accept_contribution(contribution=contribution, by=staff)
    written += 1
print(f"ecritures {written}", flush=True)
"""


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
    parser.add_argument("--longue-traine", action="store_true", help="only the long-tail and write-mix measures")
    args = parser.parse_args()

    directory_paths = [path("/annuaire/", params) for params in DIRECTORY_QUERIES]
    with gunicorn_server(database_url=args.database_url, prepare=ensure_directory) as (port, env):
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        print(f"gunicorn 2 workers sync, PostgreSQL, {SIZE} structures, {args.clients} clients, {args.seconds:.0f} s")
        if args.longue_traine:
            long_tail_measures(port, env, args)
            return
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

        long_tail_measures(port, env, args)


def long_tail_measures(port: int, env: dict, args) -> None:
    """The cold path: every request a selection never seen before, then the same with a
    write every second; the bare layout measured again beside them."""
    vocabulary = json.loads(
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", VOCABULARY_SCRIPT],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    paths = long_tail_paths(vocabulary, 40_000, seed=time.time_ns())
    half = len(paths) // 2
    bare = run_load(host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=args.clients,
                    seconds=args.seconds, label="gabarit nu")  # fmt: skip
    cold = run_load(host="127.0.0.1", port=port, paths=paths[:half], clients=args.clients, seconds=args.seconds,
                    label="annuaire, longue traîne", once=True)  # fmt: skip
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", WRITER_SCRIPT],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    while (line := writer.stdout.readline()) and line.strip() != "pret":  # after the shell's own lines
        pass
    try:
        written = run_load(host="127.0.0.1", port=port, paths=paths[half:], clients=args.clients,
                           seconds=args.seconds, label="longue traîne + 1 écriture/s", once=True)  # fmt: skip
    finally:
        writer.stdin.close()
        report = writer.stdout.read().strip()
        writer.wait(timeout=30)
    print(f"\nLongue traîne ({len(vocabulary['words'])} mots de l'annuaire, fautes de frappe, paires, filtres, page 2 ;"
          f" aucune requête répétée) — {report} :")  # fmt: skip
    print_against_bare(bare, [cold, written])


if __name__ == "__main__":
    main()
