"""The matching of a buyer's need with ESS suppliers at national scale: 200 000 organisations.

    python -m bench.experimentations_matching [--runs 20]

Creates or reuses the PostgreSQL database `cress_bench` with 200 000 demo organisations
(`seed_demo --size 200000`, as bench/directory.py does), then, in one process and for needs
of several shapes (one commune, an EPCI, the whole région, several sectors, clauses and a
budget), prints the time of the ranking query (first run: cold; then the median and p95 of
`--runs` runs), of `match_suppliers` writing its 50 rows, and the query plan of the ranking.
The needs are created in a transaction rolled back at the end: the database is left as found.
Target (issue 13, point 12): at most 200 ms per need.
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile

from bench.directory import ensure_directory
from bench.server import ROOT, bench_env, create_database, manage

SCRIPT = r"""
import os, statistics, time
from datetime import timedelta
from django.db import connection, transaction
from django.utils import timezone
from experimentations.matching import match_suppliers, need_places, ranked_candidates, ranking
from experimentations.models import Need, SupplierMatch
from referentiels.models import NafSection, Territory, TerritoryKind

RUNS = int(__RUNS__)
print("Charge de la machine au début :", " ".join(f"{load:.1f}" for load in os.getloadavg()))
# As autovacuum leaves a table in production: its visibility map set (index-only scans) and
# its statistics current (a seed just written leaves neither).
with connection.cursor() as cursor:
    started = time.perf_counter()
    cursor.execute("VACUUM (ANALYZE) annuaire_organisation")
    print(f"VACUUM (ANALYZE) annuaire_organisation : {time.perf_counter() - started:.1f} s")
communes = {t.code: t for t in Territory.objects.filter(kind=TerritoryKind.COMMUNE)}
epcis = {t.short_name: t for t in Territory.objects.filter(kind=TerritoryKind.EPCI)}
region = Territory.objects.get(kind=TerritoryKind.REGION)
# The sectors that hold the most suppliers in the demo directory: the hardest case.
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT s.code, count(*) FROM annuaire_organisation o JOIN referentiels_nafsection s ON s.id = o.sector_id "
        "WHERE o.is_published AND o.is_supplier AND o.is_ess_actor GROUP BY s.code ORDER BY 2 DESC"
    )
    by_sector = cursor.fetchall()
print("Fournisseurs publiés par secteur :", ", ".join(f"{code} {count}" for code, count in by_sector[:6]))
big = [code for code, _ in by_sector]
SHAPES = [
    ("une commune, le secteur le plus fourni", {"commune": communes["97411"]}, big[:1], [], None),
    ("une intercommunalité (TCO), 2 secteurs", {}, big[:2], [epcis["TCO"]], 80_000),
    ("toute La Réunion, 3 secteurs, clauses", {}, big[:3], [region], 600_000),
    ("une commune, secteur rare", {"commune": communes["97416"]}, big[-1:], [], 15_000),
]


class Rollback(Exception):
    pass


def timed(function):
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


try:
    with transaction.atomic():
        for index, (label, fields, sectors, territories, budget) in enumerate(SHAPES):
            need = Need.objects.create(
                reference=f"BENCH-{index}", buyer_kind="collectivite", buyer_name="Bench", contact_name="Bench",
                contact_email="bench@exemple.re", kind="devis", title=label, description="x",
                answer_deadline=timezone.now() + timedelta(days=20), how_to_answer="x",
                consent_text="x", consent_at=timezone.now(), status="valide", budget_max=budget,
                clauses=["insertion", "reserve"] if "clauses" in label else [], **fields,
            )
            need.sectors.set(NafSection.objects.filter(code__in=sectors))
            need.territories.set(territories)
            cold, rows = timed(lambda: list(ranked_candidates(need)[0]))
            times = sorted(timed(lambda: list(ranked_candidates(need)[0]))[0] for _ in range(RUNS))
            write, _ = timed(lambda: match_suppliers(need))
            rewrite, _ = timed(lambda: match_suppliers(need))
            print(
                f"{label:42} {len(rows):3d} retenus  classement : 1er {cold:6.1f} ms, "
                f"médiane {statistics.median(times):6.1f} ms, p95 {times[int(0.95 * (len(times) - 1))]:6.1f} ms ; "
                f"match_suppliers {write:6.1f} ms (relance {rewrite:6.1f} ms)"
            )
            if index == 2:  # the largest set of candidates
                plan = ranking(need, need_places(need), limit=50).explain(analyze=True, buffers=True)
        print("\nPlan du classement (toute La Réunion, 3 secteurs, clauses) :")
        print(plan)
        raise Rollback
except Rollback:
    pass
print("Charge de la machine à la fin :", " ".join(f"{load:.1f}" for load in os.getloadavg()))
print("SupplierMatch laissés :", SupplierMatch.objects.filter(need__reference__startswith="BENCH-").count())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench")
    )
    args = parser.parse_args()
    create_database(args.database_url)
    with tempfile.TemporaryDirectory() as static_root:
        env = bench_env(args.database_url, static_root)
        manage(env, "migrate", "--noinput")
        ensure_directory(env)
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        script = SCRIPT.replace("__RUNS__", str(args.runs))
        subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
