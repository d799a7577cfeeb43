"""A territorial plan's PDF summary (WeasyPrint), per size of plan.

    python -m bench.territoires_pdf [--times 5]

On the benchmark database `cress_bench_territoires` (created and migrated if needed), with
production settings, in one process as a web worker runs it: the demo's plans
(`territoires.demo.seed_territories`), then a large plan (6 axes of 8 actions, 6 indicators
of 12 values each), each summary built `--times` times (`selectors.plan_detail` and
`documents.plan_summary_pdf`: the queries, the charts, the template and WeasyPrint). The
first document of the process is timed apart: it loads WeasyPrint and the fonts. Everything
is rolled back at the end.
"""

import io
import os
import platform
import time
from datetime import date

from bench.formation_documents import Timer, summary
from bench.server import main_in_child

DATABASE_URL = os.environ.get(
    "BENCH_TERRITOIRES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_territoires"
)


def _large_plan():
    from tests.territoires.factories import make_action, make_axis, make_indicator, make_plan

    plan = make_plan(title="Grand plan de démonstration", start_year=2024, end_year=2030)
    for a in range(6):
        axis = make_axis(plan, order=a + 1, title=f"Axe de travail numéro {a + 1}")
        for n in range(8):
            make_action(
                axis,
                title=f"Action {n + 1} de l'axe {a + 1}, avec un intitulé de longueur ordinaire",
                lead_name="Structure pilote",
                budget=10000 * (n + 1),
                start_date=date(2024, 1 + n, 1),
                end_date=date(2027, 1 + n, 1),
                status="en_cours" if n % 2 else "a_venir",
            )
    for i in range(6):
        make_indicator(
            plan,
            label=f"Indicateur {i + 1}",
            target=1000,
            values=[(date(2024 + v // 4, 1 + 3 * (v % 4), 1), 40 * v) for v in range(12)],
        )
    return plan


def measure(*, times: int) -> None:
    """In the child process (Django set up on the benchmark database)."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from pypdf import PdfReader

    from territoires import selectors
    from territoires.demo import seed_territories
    from territoires.documents import plan_summary_pdf

    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    with transaction.atomic():
        seed_territories()
        plans = [*selectors.published_plans().order_by("slug"), _large_plan()]
        started = time.perf_counter()
        plan_summary_pdf(selectors.plan_detail(plans[0].slug))
        print(
            "premier document du processus (chargement de WeasyPrint et des polices) : "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        for plan in plans:
            timer = Timer()
            for _ in range(times):
                with timer:
                    pdf = plan_summary_pdf(selectors.plan_detail(plan.slug))
            found = selectors.plan_detail(plan.slug)
            actions = found.progress.total
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"{plan.title} ({actions} actions, {len(found.indicators.all())} indicateurs, {pages} pages, "
                f"{len(pdf) / 1024:.0f} Kio) : {summary(timer.wall, timer.cpu)}"
            )
        transaction.set_rollback(True)  # the database stays as it was
    print(f"({timezone.now():%Y-%m-%d %H:%M})")


def main() -> None:
    main_in_child(module="bench.territoires_pdf", doc=__doc__, database_url=DATABASE_URL, measure=measure)


if __name__ == "__main__":
    main()
