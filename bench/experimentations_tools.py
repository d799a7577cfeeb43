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

from bench.cached_pages import CachedPagesBench, main

PREPARE = "from experimentations.demo_tools import seed_tools; print(seed_tools())"
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
BENCH = CachedPagesBench(
    module="bench.experimentations_tools",
    database="cress_bench_experimentations",
    database_env="BENCH_EXPERIMENTATIONS_DATABASE_URL",
    prepare=PREPARE,
    bump_version="experimentations.cache.bump_version",
    pages=PAGES,
    cold=COLD,
    description=__doc__,
)

if __name__ == "__main__":
    main(BENCH)
