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

from django.utils.text import slugify

from bench.cached_pages import CachedPagesBench, main

PREPARE = "from partenariats.demo import seed_partnerships; print(seed_partnerships())"
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
BENCH = CachedPagesBench(
    module="bench.partenariats",
    database="cress_bench_partenariats",
    database_env="BENCH_PARTENARIATS_DATABASE_URL",
    prepare=PREPARE,
    bump_version="partenariats.cache.bump_version",
    pages=PAGES,
    cold=COLD,
    description=__doc__,
)

if __name__ == "__main__":
    main(BENCH)
