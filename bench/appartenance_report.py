"""The good-practices report's PDF (WeasyPrint, with its SVG chart), per size of assessment.

    python -m bench.appartenance_report [--times 5]

On the benchmark database `cress_bench_appartenance_rapport` (created and migrated if
needed), with production settings, in one process as a worker runs it: the demo's two
organisations over two years (`appartenance.demo_guide.seed_assessments`), then an
assessment with 40 improvement actions; each report built `--times` times
(`appartenance.report.report_pdf`: the queries, the chart, the template and WeasyPrint). The
first document of the process is timed apart: it loads WeasyPrint and the fonts. Everything
is rolled back at the end.
"""

import io
import os
import platform
import time

from bench.formation_documents import Timer, summary
from bench.server import main_in_child

DATABASE_URL = os.environ.get(
    "BENCH_APPARTENANCE_RAPPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_appartenance_rapport"
)


def measure(*, times: int) -> None:
    """In the child process (Django set up on the benchmark database)."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from pypdf import PdfReader

    from appartenance.demo_guide import seed_assessments
    from appartenance.models_guide import GuideAction, GuideAssessment
    from appartenance.report import report_pdf
    from tests.annuaire.factories import OrganisationFactory

    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    year = timezone.localdate().year
    with transaction.atomic():
        pair = [OrganisationFactory(name=f"Structure de mesure {n}") for n in (1, 2)]
        seed_assessments(organisations=pair)
        large = GuideAssessment.objects.get(organisation=pair[1], year=year)
        for number in range(36):
            GuideAction.objects.create(
                assessment=large, theme="gouvernance", owner="La présidente",
                title=f"Action d'amélioration n°{number + 1}, avec un intitulé de longueur ordinaire",
            )  # fmt: skip
        cases = [
            ("première année, 4 actions", GuideAssessment.objects.get(organisation=pair[0], year=year - 1)),
            ("deuxième année comparée, 4 actions", GuideAssessment.objects.get(organisation=pair[0], year=year)),
            ("deuxième année comparée, 40 actions", large),
        ]
        started = time.perf_counter()
        report_pdf(cases[0][1])
        print(
            "premier document du processus (chargement de WeasyPrint et des polices) : "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        for label, assessment in cases:
            timer = Timer()
            for _ in range(times):
                with timer:
                    pdf, _pages = report_pdf(
                        GuideAssessment.objects.select_related("organisation").get(pk=assessment.pk)
                    )
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"Rapport {label} ({pages} pages, {len(pdf) / 1024:.0f} Kio) : {summary(timer.wall, timer.cpu)}")
        transaction.set_rollback(True)  # the database stays as it was
    print(f"({timezone.now():%Y-%m-%d %H:%M})")


def main() -> None:
    main_in_child(module="bench.appartenance_report", doc=__doc__, database_url=DATABASE_URL, measure=measure)


if __name__ == "__main__":
    main()
