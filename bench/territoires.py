"""The territory pages (région, an intercommunality, a commune) against the bare layout.

    make bench-territoires      (or: python -m bench.territoires --clients 10 --seconds 10)

The database (`cress_bench_territoires`, its own: other benchmarks migrate `cress_bench`
from other branches) gets the demo content with 5 000 organisations, then 5 000 intake
requests with their orientations, 3 000 events over two years, 30 partners with
conventions, a plan per intercommunality and policies (idempotent). The server keeps its
cache under a prefix of its own, which the benchmark empties (never a whole database).

Measured, in one run:
- each page warm (every block cached: the versions, the tree's stamp and the blocks come
  from the cache in one round trip, no SQL) under load, as a share of the bare layout's
  throughput; the target is 40 %. The overview (/territoires/: one cached fragment) is
  measured too, for scale: on a loaded machine every page that waits on Redis loses more;
- each page cold: the cache emptied before each request (tree, observatory reference and
  every block rebuilt), the median and worst of 5 requests;
- each block's rendering alone, for each of the three territories (best of 3, in-process).
"""

import argparse
import http.client
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, gunicorn_server

ORGANISATIONS = 5_000
REQUESTS = 5_000
EVENTS = 3_000
PARTNERS = 30
CACHE_PREFIX = "bench-territoires"
PAGES = [
    ("région /territoires/region/la-reunion/", "/territoires/region/la-reunion/"),
    ("EPCI /territoires/epci/cinor/", "/territoires/epci/cinor/"),
    ("commune /territoires/commune/saint-denis/", "/territoires/commune/saint-denis/"),
]


# --- Run inside Django (manage.py shell) ----------------------------------------------------


def seed() -> None:
    """The benchmark's data, added once (each part checks what is there)."""
    from django.core.management import call_command

    from accueil.demo import seed_bulk_requests
    from annuaire.models import Organisation

    if Organisation.objects.count() < ORGANISATIONS:
        call_command("seed_demo", "--size", str(ORGANISATIONS), verbosity=0)
    seed_bulk_requests(size=REQUESTS)
    _events()
    _partners()
    _plans()
    print("Organisations", Organisation.objects.filter(is_published=True).count(), flush=True)


def _events() -> None:
    import random

    from django.utils import timezone

    from communication.models import Event, EventKind, Publication
    from referentiels.models import Territory, TerritoryKind

    if Event.objects.filter(slug__startswith="banc-").count() >= EVENTS:
        return
    rng = random.Random(974)
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE))
    now = timezone.now()
    rows = []
    for n in range(EVENTS):
        commune = communes[n % len(communes)]
        starts = now + timedelta(days=rng.randint(-300, 400), hours=rng.randint(0, 23))
        rows.append(
            Event(
                title=f"Rencontre de l'ESS n°{n} à {commune.name}",
                slug=f"banc-rencontre-{n}",
                kind=rng.choice(EventKind.values),
                summary="Une rencontre ouverte à toutes et à tous.",
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                commune=commune,
                epci_id=commune.parent_id,
                status=Publication.PUBLISHED,
                publish_at=now - timedelta(days=400),
            )
        )
    Event.objects.bulk_create(rows, ignore_conflicts=True)


def _partners() -> None:
    from annuaire.models import Organisation
    from partenariats import services
    from partenariats.models import Convention, Partner, PartnerKind
    from referentiels.models import Territory, TerritoryKind

    if Partner.objects.count() >= PARTNERS:
        return
    places = list(Territory.objects.filter(kind__in=[TerritoryKind.EPCI, TerritoryKind.COMMUNE]).order_by("code"))
    organisations = Organisation.objects.filter(is_published=True).exclude(partner__isnull=False).order_by("pk")
    for n, organisation in enumerate(organisations[:PARTNERS]):
        partner = Partner.objects.create(
            organisation=organisation,
            kind=PartnerKind.values[n % len(PartnerKind.values)],
            public_description="Le partenariat accompagne les porteurs de projet de l'ESS.",
        )
        if n % 3:
            partner.territories.set([places[n % len(places)]])
        convention = Convention.objects.create(
            reference=f"BANC-{n:03d}",
            title=f"Convention de partenariat n°{n}",
            object="Accompagner ensemble les porteurs de projet.",
            start_date=date(2026, 1, 1) - timedelta(days=30 * n),
            end_date=date(2027, 12, 31),
        )
        convention.parties.set([partner])
        for target in ("en_signature", "en_vigueur")[: 1 + n % 2]:
            services.move_convention(convention, target, by=None)


def _plans() -> None:
    from referentiels.models import Territory, TerritoryKind
    from territoires.models import Action, Axis, Plan, Policy

    if Plan.objects.filter(slug__startswith="banc-").exists():
        return
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    for epci in Territory.objects.filter(kind=TerritoryKind.EPCI):
        plan = Plan.objects.create(
            territory=epci,
            title=f"Plan territorial de l'ESS — {epci.short_name}",
            slug=f"banc-plan-{epci.slug}",
            summary="Développer l'ESS sur le territoire.",
            diagnostic="<p>Un territoire riche d'associations.</p>",
            start_year=2025,
            end_year=2028,
            is_published=True,
        )
        for order in range(1, 4):
            axis = Axis.objects.create(plan=plan, order=order, title=f"Axe {order}")
            for number in range(4):
                Action.objects.create(axis=axis, order=number, title=f"Action {order}.{number}")
        policy = Policy.objects.create(
            title=f"PTCE {epci.short_name}",
            slug=f"banc-ptce-{epci.slug}",
            level=Policy.Level.EPCI,
            kind=Policy.Kind.PTCE,
            summary="Un pôle territorial de coopération économique.",
        )
        policy.territories.set([epci])
    regional = [
        (Policy.Level.REGION, Policy.Kind.STRATEGY),
        (Policy.Level.EUROPE, Policy.Kind.FUNDING),
        (Policy.Level.DEPARTMENT, Policy.Kind.SCHEME),
    ]
    for n, (level, kind) in enumerate(regional):
        policy = Policy.objects.create(
            title=f"Politique régionale n°{n}",
            slug=f"banc-politique-{n}",
            level=level,
            kind=kind,
            summary="Soutenir l'ESS.",
        )
        policy.territories.set([region])


def block_timings() -> None:
    """Each block's context and template alone, for each page's territory: best of 3."""
    from lib import territory_blocks
    from territoires import blocks

    tree = blocks.tree({})
    print(f"{'bloc':14}" + "".join(f"{label.split()[0]:>12}" for label, _path in PAGES))
    for block in territory_blocks.blocks():
        cells = []
        for _label, path in PAGES:
            kind, slug = path.strip("/").split("/")[1:]
            territory = tree.find(kind, slug)
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                blocks._render(block, territory)
                best = min(best, time.perf_counter() - started)
            cells.append(f"{best * 1000:9.1f} ms")
        print(f"{block.name:14}" + "".join(f"{cell:>12}" for cell in cells))


# --- The benchmark ------------------------------------------------------------------------


def _shell(env: dict, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _empty_cache(env: dict) -> None:
    import redis

    from lib.rediskeys import delete_prefixed

    delete_prefixed(redis.Redis.from_url(env["REDIS_URL"]), f"{CACHE_PREFIX}:")


def _one_request(port: int, path: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_TERRITOIRES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_territoires"
        ),
    )
    args = parser.parse_args()

    def prepare(env):
        started = time.monotonic()
        print(_shell(env, "from bench.territoires import seed; seed()").strip(), flush=True)
        print(f"Données prêtes en {time.monotonic() - started:.0f} s", flush=True)

    with gunicorn_server(
        database_url=args.database_url, prepare=prepare, extra_env={"CACHE_KEY_PREFIX": CACHE_PREFIX}
    ) as (port, env):
        warm_up = [["/_bench/gabarit/"], ["/territoires/"], *([path] for _label, path in PAGES)]
        # The processes first: imports, templates, URL resolver (each worker's first request
        # pays them), so that the cold figures below are the data's cost only.
        for paths in warm_up:
            run_load(host="127.0.0.1", port=port, paths=paths, clients=2, seconds=1.5)
        cold = {}
        for label, path in PAGES:
            times = []
            for _ in range(5):
                _empty_cache(env)
                times.append(_one_request(port, path))
            cold[label] = times
        for paths in warm_up:
            run_load(host="127.0.0.1", port=port, paths=paths, clients=2, seconds=1.5)  # the cache filled again
        bare = run_load(
            host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=args.clients, seconds=args.seconds,
            label="gabarit nu (base + boucle de 20)",
        )  # fmt: skip
        results = [
            run_load(
                host="127.0.0.1",
                port=port,
                paths=[path],
                clients=args.clients,
                seconds=args.seconds,
                label=f"{label.split()[0]} (blocs en cache)",
            )
            for label, path in PAGES
        ]
        # For scale under the same load: the overview, one cached fragment and no query.
        results.append(
            run_load(
                host="127.0.0.1",
                port=port,
                paths=["/territoires/"],
                clients=args.clients,
                seconds=args.seconds,
                label="repère : /territoires/",
            )
        )
        timings = _shell(env, "from bench.territoires import block_timings; block_timings()")
    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    print(f"gunicorn 2 workers sync, PostgreSQL, {args.clients} clients, {args.seconds:.0f} s par page")
    print_against_bare(bare, results)
    print()
    print(
        "À froid (cache vidé avant chaque requête : arbre, référence de l'observatoire et blocs refaits), 5 requêtes :"
    )
    for label, times in cold.items():
        print(f"  {label:44} médiane {statistics.median(times):7.1f} ms   pire {max(times):7.1f} ms")
    print()
    print("Chaque bloc seul (contexte et gabarit, meilleur de 3) :")
    print(timings.rstrip())


if __name__ == "__main__":
    main()
