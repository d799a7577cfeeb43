"""The observatory at scale: importing 200 000 establishments, 5 millésimes.

    python -m bench.observatoire --import-only      (the import alone)
    python -m bench.observatoire                    (import, then the pages under load)

Prints the time of one import of ROWS rows (read, checked, written by COPY, cube
computed), in the same process a worker uses, on the benchmark database `cress_bench_obs`.
"""

import argparse
import subprocess
import sys
import tempfile
import time

from bench.server import ROOT, bench_env, create_database, manage

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cress_bench_obs"
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


def run_import(env: dict, *, rows: int, year: int) -> None:
    command = [sys.executable, "-m", "bench.observatoire", "--child-import", str(year), "--rows", str(rows)]
    subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--import-only", action="store_true")
    parser.add_argument("--years", type=int, default=1, help="millésimes to import (5 for the page measures)")
    parser.add_argument("--child-import", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        import_one(rows=args.rows, year=args.child_import)
        return
    create_database(DATABASE_URL)
    with tempfile.TemporaryDirectory() as static_root, tempfile.TemporaryDirectory() as media_root:
        env = {**bench_env(DATABASE_URL, static_root), "MEDIA_ROOT": media_root}
        manage(env, "migrate", "--noinput")
        started = time.perf_counter()
        for year in range(2024 - args.years + 1, 2025):
            run_import(env, rows=args.rows, year=year)
        print(f"{args.years} millésime(s) importé(s) en {time.perf_counter() - started:.0f} s au total")


if __name__ == "__main__":
    main()
