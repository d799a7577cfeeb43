"""The resource centre's list and search against the bare layout.

    python -m bench.appartenance_resources --clients 10 --seconds 10     (make bench-ressources)

Database `cress_bench_ressources` (its own) or BENCH_RESSOURCES_DATABASE_URL, filled with
the demo resources (appartenance.demo_resources, idempotent: about forty resources) and,
so that counting and ranking have work to do, 2 000 more generated from them (published,
varied words, themes, audiences, formats and years).

Under load (gunicorn, 2 sync workers, production settings, Redis cache): the list and the
list under searches and filters in rotation, warm (their counts cached per normalised
search under the resources' version); then searches never seen before, each sent once
(words × filters: their counts are computed, never read from the cache). Then, in one
process, the cold render (version bumped before each request) beside the same page warm
and the bare layout. Target (issue 20, point 9): the search at 40 % of the bare layout's
throughput or more, cached and cold.
"""

from itertools import product
from urllib.parse import urlencode

from bench.cached_pages import CachedPagesBench, main

PREPARE = """
from datetime import date
from appartenance.demo_resources import seed_resources
from appartenance.models_resources import Resource, ResourceTag, ResourceTheme, ResourceAudience, ResourceFormat
print(seed_resources())
if not Resource.objects.filter(slug__startswith="bench-").exists():
    words = ["association", "coopérative", "bénévoles", "gouvernance", "financement", "emploi", "statuts",
             "territoire", "comptabilité", "transition", "achats", "insertion", "mutuelle", "fondation"]
    themes, audiences, formats = ResourceTheme.values, ResourceAudience.values, ResourceFormat.values
    rows = []
    for i in range(2000):
        a, b, c = words[i % 14], words[(i * 3 + 1) % 14], words[(i * 7 + 2) % 14]
        rows.append(Resource(
            title=f"Guide {a} et {b} n° {i}", slug=f"bench-{i}", summary=f"Pour comprendre {c} et {a}.",
            body=f"<p>Le {b}, la {c}, les {a}s.</p>", author="CRESS La Réunion",
            published_on=date(2019 + i % 7, 1 + i % 12, 1 + i % 28), licence="cc_by", format=formats[i % len(formats)],
            external_url=f"https://video.exemple.re/{i}", is_published=True))
    created = Resource.objects.bulk_create(rows)
    ResourceTag.objects.bulk_create(
        [ResourceTag(resource=r, kind="theme", value=themes[r.pk % len(themes)]) for r in created]
        + [ResourceTag(resource=r, kind="public", value=audiences[r.pk % len(audiences)]) for r in created]
    )
    print("2000 ressources de plus")
"""
LIST = "/ess/ressources/"
SEARCHES = [
    "q=cooperatives",
    "q=statuts+de+SCIC",
    "theme=financement",
    "public=porteur&format=guide",
    "q=gouvernance&annee=2024",
    "format=observatoire",
]
WORDS = [
    "association", "cooperative", "benevole", "gouvernance", "financement", "emploi", "statuts", "territoire",
    "comptabilite", "transition", "achats", "insertion", "mutuelle", "fondation", "guide", "panorama",
]  # fmt: skip
THEMES = ["", "creation", "gouvernance", "financement", "emploi", "gestion", "cooperation", "transition"]
YEARS = ["", "2023", "2024", "2025"]


def never_seen() -> list[str]:
    """Searches of two words under a theme and a year: 16 × 15 × 8 × 4 = 7 680 addresses."""
    paths = []
    for (first, second), theme, year in product(product(WORDS, WORDS), THEMES, YEARS):
        if first == second:
            continue
        params = {"q": f"{first} {second}", "theme": theme, "annee": year}
        paths.append(f"{LIST}?{urlencode({key: value for key, value in params.items() if value})}")
    return paths


PAGES = [
    ("liste des ressources (chaud)", [LIST]),
    (f"recherche, {len(SEARCHES)} recherches (chaud)", [f"{LIST}?{query}" for query in SEARCHES]),
]
UNSEEN = (("recherches jamais vues (froid)", never_seen()),)
COLD = [
    ("liste des ressources", LIST),
    ("recherche et filtres", f"{LIST}?q=cooperatives&theme=creation"),
]
BENCH = CachedPagesBench(
    module="bench.appartenance_resources",
    database="cress_bench_ressources",
    database_env="BENCH_RESSOURCES_DATABASE_URL",
    prepare=PREPARE,
    bump_version="appartenance.resources.bump_version",
    pages=PAGES,
    cold=COLD,
    unseen=UNSEEN,
    description=__doc__,
)

if __name__ == "__main__":
    main(BENCH)
