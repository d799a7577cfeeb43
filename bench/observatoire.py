"""The observatory at scale: 200 000 establishments × 5 millésimes.

    python -m bench.observatoire --import-only      (the import of one millésime alone)
    python -m bench.observatoire                    (5 millésimes, then the explorer under load)
    python -m bench.observatoire --panorama         (the regional panorama built by one worker)
    python -m bench.observatoire --cpu              (one process, no load: CPU per explorer request)

Prints the time of one import of ROWS rows (read, checked, written by COPY, cube
computed), in the same process a worker uses, on the benchmark database `cress_bench_obs`;
then, under gunicorn (2 workers) with 10 clients, the explorer beside the bare layout:
warm (the same 120 views again and again) and cold (the data version just bumped, so the
reference is rebuilt, and every view asked once only). With `--panorama`, the millésimes
are published if they are not yet (their time printed apart), then the regional panorama is
built the way the worker's task builds it (`observatoire.panoramas.build_panorama`: figures
read through the mask, charts, niches, WeasyPrint), three times, each a new build.
With `--cpu`, one process with Django's test client measures the CPU time of a request:
the bare layout, then in turn a view never seen (cold) and the same view again (warm),
interleaved with the bare layout so that a shared machine's noise hits all alike.
"""

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, bench_env, create_database, gunicorn_server, manage

DATABASE_URL = os.environ.get("BENCH_OBSERVATOIRE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_obs")
ROWS = 200_000


def import_one(*, rows: int, year: int) -> None:
    """In the child process (Django set up on the benchmark database): build and import a file."""
    import random

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from comptes.models import User
    from observatoire import services
    from observatoire.models import Millesime
    from referentiels.models import NafActivity, Territory, TerritoryKind
    from tests.observatoire.factories import Row, establishment_file, make_siret

    rng = random.Random(year)
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE).values_list("code", flat=True))
    activities = list(NafActivity.objects.values_list("code", flat=True))
    categories = ["9220"] * 6 + ["5499", "5710", "5560", "8210", "9300", "1000", "7210", "5599"]

    def row(n: int) -> Row:
        return Row(
            make_siret(n),
            name=f"Établissement {n}",
            legal_category=rng.choice(categories),
            naf=rng.choice(activities),
            commune=rng.choice(communes),
            employer=rng.choice("OON"),
            ess=rng.choice("ON"),
            employees=str(rng.randint(0, 80)),
            fte=str(rng.randint(0, 700) / 10).replace(".", ","),
            payroll=str(rng.randint(0, 3_000_000)),
            created="2001-01-01",
        )

    content = establishment_file([row(n) for n in range(1, rows + 1)])
    staff, _ = User.objects.get_or_create(email="banc-observatoire@example.re", defaults={"is_staff": True})
    Millesime.objects.filter(year=year).update(state="importe")
    started = time.perf_counter()
    upload = SimpleUploadedFile("base.csv", content)
    data_import = services.upload_import(kind="etablissements", year=year, upload=upload, by=staff)
    done = services.run_import(import_id=data_import.pk)
    elapsed = time.perf_counter() - started
    assert done.status == "termine", done.error
    print(
        f"import {year} : {done.accepted_rows} lignes retenues, {done.refused_rows} refusées, "
        f"{len(content) / 1e6:.1f} Mo, {elapsed:.1f} s (dépôt + lecture + contrôle + COPY + cube)"
    )


def build_panoramas(*, times: int) -> None:
    """In the child process: publish the latest millésime if needed, then build the regional
    panorama `times` times, as the worker's task does."""
    import django

    django.setup()
    from django.db.models import Max
    from django.utils import timezone

    from observatoire import panoramas, services
    from observatoire.models import Millesime, MillesimeState, Panorama
    from referentiels.models import Territory, TerritoryKind

    millesimes = list(Millesime.objects.order_by("year"))
    if not millesimes:
        raise SystemExit("Aucun millésime : lancez d'abord python -m bench.observatoire --import-only")
    for millesime in millesimes:
        if millesime.state == MillesimeState.PUBLISHED:
            continue
        started = time.perf_counter()
        for target in (MillesimeState.CHECKING, MillesimeState.PUBLISHED):
            if millesime.state != target:
                services.transition_millesime(millesime=millesime, target=target)
                millesime.refresh_from_db()
        print(f"publication du millésime {millesime.year} (cube et secret) : {time.perf_counter() - started:.1f} s")
    millesime = millesimes[-1]
    region = Territory.objects.get(kind=TerritoryKind.REGION)
    for attempt in range(times):
        version = (Panorama.objects.aggregate(top=Max("data_version"))["top"] or 0) + 1  # a new build each time
        panorama = Panorama.objects.create(territory=region, millesime=millesime, data_version=version)
        started = time.perf_counter()
        done = panoramas.build_panorama(panorama_id=panorama.pk)
        elapsed = time.perf_counter() - started
        assert done.status == "pret", done.error
        print(
            f"panorama régional {millesime.year} n° {attempt + 1} : {elapsed:.2f} s, {done.pages} pages, "
            f"{done.file.size / 1024:.0f} Kio ({timezone.now():%H:%M:%S})"
        )


def measure_cpu(*, views: int) -> None:
    """In the child process: CPU time per request, one process, no load (medians)."""
    import statistics

    import django

    django.setup()
    from django.test import Client

    client = Client()

    def cpu(path: str) -> float:
        started = time.process_time()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return (time.process_time() - started) * 1000

    paths = explorer_paths(int(time.time()), views + 1)  # a new seed: views never asked before
    for _ in range(20):
        cpu("/_bench/gabarit/")
    cpu(paths.pop())  # the reference and the page's templates are loaded once per process
    bare, cold, warm, by_breakdown = [], [], [], {}
    for path in paths:
        bare.append(cpu("/_bench/gabarit/"))
        cold.append(cpu(path))
        by_breakdown.setdefault(urllib.parse.parse_qs(path.split("?", 1)[1])["ventilation"][0], []).append(cold[-1])
    for path in paths:
        bare.append(cpu("/_bench/gabarit/"))
        warm.append(cpu(path))
    median = statistics.median
    print(f"{views} vues, charge {os.getloadavg()[0]:.1f}")
    print(f"gabarit nu        {median(bare):6.2f} ms CPU")
    print(f"explorateur froid {median(cold):6.2f} ms CPU  ({median(cold) / median(bare):.2f} × le gabarit nu)")
    print(f"explorateur chaud {median(warm):6.2f} ms CPU  ({median(warm) / median(bare):.2f} × le gabarit nu)")
    print("froid par détail : " + ", ".join(f"{k} {median(v):.2f} ms" for k, v in sorted(by_breakdown.items())))


def run_import(env: dict, *, rows: int, year: int) -> None:
    command = [sys.executable, "-m", "bench.observatoire", "--child-import", str(year), "--rows", str(rows)]
    subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)


PUBLISH = """
from observatoire import services
from observatoire.models import Millesime, MillesimeState
for millesime in Millesime.objects.exclude(state=MillesimeState.PUBLISHED).order_by("year"):
    if millesime.state == MillesimeState.IMPORTED:
        services.transition_millesime(millesime=millesime, target=MillesimeState.CHECKING)
    services.transition_millesime(millesime=millesime, target=MillesimeState.PUBLISHED)
    print("publié", millesime.year)
"""
BUMP = "from observatoire import services; services._bump_data_version()"
YEARS = range(2020, 2025)


def explorer_paths(seed: int, count: int) -> list[str]:
    """Views of the explorer as people ask for them: territories of every level, breakdowns,
    measures and years (codes of La Réunion's referentiel)."""
    rng = random.Random(seed)
    territories = ["04", "9741", "9742", "249740119", "249740077", "249740101", "97411", "97416", "97415", "97422"]
    sectors = ["tout", "action-sociale", "enseignement", "Q", "P", "88", "85", "94", "sports-loisirs"]
    paths = set()
    while len(paths) < count:
        params = {
            "annee": rng.choice(YEARS),
            "territoire": rng.choice(territories),
            "famille": rng.choice(["toutes", "toutes", "association", "cooperative"]),
            "secteur": rng.choice(sectors),
            "mesure": rng.choice(["salaries", "etablissements", "part", "masse_salariale"]),
            "ventilation": rng.choice(["famille", "groupe", "section", "division", "territoire"]),
        }
        paths.add("/observatoire/explorer/?" + urllib.parse.urlencode(params))
    return sorted(paths)


def serve_and_measure(*, clients: int, seconds: float) -> None:
    def prepare(env):
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c",
             "from observatoire.models import Millesime; print(','.join(str(y) for y in "
             "Millesime.objects.values_list('year', flat=True)))"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        present = {int(year) for year in done.split(",") if year}
        for year in YEARS:
            if year not in present:
                run_import(env, rows=ROWS, year=year)
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", PUBLISH], cwd=ROOT, env=env, check=True
        )

    with (
        tempfile.TemporaryDirectory() as media_root,
        gunicorn_server(database_url=DATABASE_URL, prepare=prepare, extra_env={"MEDIA_ROOT": media_root}) as (
            port,
            env,
        ),
    ):
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        print(f"Charge de la machine au début : {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
        print(
            f"gunicorn 2 workers sync, PostgreSQL, {ROWS} établissements × {len(YEARS)} millésimes, {clients} clients"
        )
        warm_paths = explorer_paths(1, 120)
        run_load(host="127.0.0.1", port=port, paths=warm_paths, clients=2, seconds=60, once=True)  # warm-up
        bare = run_load(host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=clients,
                        seconds=seconds, label="gabarit nu")  # fmt: skip
        warm = run_load(host="127.0.0.1", port=port, paths=warm_paths, clients=clients, seconds=seconds,
                        label="explorateur, 120 vues (chaud)")  # fmt: skip
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", BUMP], cwd=ROOT, env=env, check=True
        )
        cold = run_load(host="127.0.0.1", port=port, paths=explorer_paths(2, 4000), clients=clients,
                        seconds=seconds, once=True, label="explorateur, vues jamais vues (froid)")  # fmt: skip
        print(f"Charge de la machine à la fin : {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
        print()
        print_against_bare(bare, [warm, cold])


def has_millesime(env: dict) -> bool:
    query = "SELECT count(*) FROM observatoire_millesime"
    found = subprocess.run(
        ["psql", DATABASE_URL, "-tAc", query], capture_output=True, text=True, check=False, env=env
    ).stdout.strip()
    return found not in ("", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--import-only", action="store_true")
    parser.add_argument("--years", type=int, default=1, help="millésimes to import (5 for the page measures)")
    parser.add_argument("--child-import", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--panorama", action="store_true", help="time the regional panorama (imports if empty)")
    parser.add_argument("--child-panorama", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, nargs="?", const=100, help="CPU per request, one process (N views)")
    parser.add_argument("--child-cpu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    if args.child_import:
        import_one(rows=args.rows, year=args.child_import)
        return
    if args.child_panorama:
        build_panoramas(times=args.child_panorama)
        return
    if args.child_cpu:
        measure_cpu(views=args.child_cpu)
        return
    if args.cpu:
        with tempfile.TemporaryDirectory() as static_root:
            env = {**bench_env(DATABASE_URL, static_root), "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
            manage(env, "collectstatic", "--noinput")
            command = [sys.executable, "-m", "bench.observatoire", "--child-cpu", str(args.cpu)]
            subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)
        return
    if not args.import_only and not args.panorama:
        serve_and_measure(clients=args.clients, seconds=args.seconds)
        return
    create_database(DATABASE_URL)
    with tempfile.TemporaryDirectory() as static_root, tempfile.TemporaryDirectory() as media_root:
        env = {**bench_env(DATABASE_URL, static_root), "MEDIA_ROOT": media_root}
        manage(env, "migrate", "--noinput")
        if args.panorama:
            if not has_millesime(env):
                for year in range(2024 - args.years + 1, 2025):
                    run_import(env, rows=args.rows, year=year)
            command = [sys.executable, "-m", "bench.observatoire", "--child-panorama", "3"]
            subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)
            return
        started = time.perf_counter()
        for year in range(2024 - args.years + 1, 2025):
            run_import(env, rows=args.rows, year=year)
        print(f"{args.years} millésime(s) importé(s) en {time.perf_counter() - started:.0f} s au total")


if __name__ == "__main__":
    main()
