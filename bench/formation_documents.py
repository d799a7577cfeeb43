"""The documents of a training session: the attendance sheet and the certificate PDFs.

    python -m bench.formation_documents [--people 12 30] [--days 2 5] [--times 5]

On the benchmark database `cress_bench_formation` (created and migrated if needed), with
production settings, in one process as a worker runs: a session of D days (2 half-days a
day) with P people marked present, then the attendance sheet built `--times` times for
each size, and one certificate per person (`formation.documents.certificate_pdf`: the
queries, the template and WeasyPrint; the worker's task adds saving the file and queueing
the email). The first document of the process is timed apart: it loads WeasyPrint and the
fonts, which a worker does once.
"""

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from bench.server import ROOT, bench_env, create_database, manage

DATABASE_URL = os.environ.get(
    "BENCH_FORMATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_formation"
)


def summary(seconds: list[float], cpu: list[float]) -> str:
    """Wall time (what a person waits) and the process's CPU time (what the machine's other
    load does not change: the machines are shared)."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"médiane {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"min {ordered[0] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms ; "
        f"temps CPU médian {statistics.median(cpu) * 1000:.0f} ms ({len(ordered)} mesures)"
    )


class Timer:
    def __init__(self):
        self.wall, self.cpu = [], []

    def __enter__(self):
        self.started = (time.perf_counter(), time.process_time())

    def __exit__(self, *exc):
        self.wall.append(time.perf_counter() - self.started[0])
        self.cpu.append(time.process_time() - self.started[1])


def measure(*, people: list[int], days: list[int], times: int) -> None:
    """In the child process (Django set up on the benchmark database)."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from pypdf import PdfReader

    from formation import documents
    from formation.attendance import record_attendance
    from formation.models import AssessmentResult
    from tests.formation.documents_helpers import make_registration, make_session

    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    first = True
    for day_count in days:
        for people_count in people:
            with transaction.atomic():
                session = make_session(length_days=day_count, days_ago=day_count + 7)
                registrations = [
                    make_registration(session, first_name=f"Prénom{n}", last_name=f"Nom{n}")
                    for n in range(people_count)
                ]
                half_days = list(session.half_days.all())
                record_attendance(
                    session=session,
                    present={(r.pk, h.pk) for r in registrations for h in half_days},
                    results={r.pk: AssessmentResult.MET for r in registrations},
                )
                if first:
                    started = time.perf_counter()
                    documents.attendance_sheet_pdf(session)
                    print(f"premier document du processus (chargement de WeasyPrint et des polices) : "
                          f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip
                    first = False
                sheet = Timer()
                for _ in range(times):
                    with sheet:
                        pdf = documents.attendance_sheet_pdf(session)
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                print(
                    f"feuille d'émargement, {day_count} jour(s) × {people_count} personnes ({pages} pages, "
                    f"{len(pdf) / 1024:.0f} Kio) : {summary(sheet.wall, sheet.cpu)}"
                )
                certificate = Timer()
                for registration in registrations:
                    registration.refresh_from_db()
                    with certificate:
                        pdf = documents.certificate_pdf(registration)
                print(
                    f"attestation, session de {day_count} jour(s) ({len(pdf) / 1024:.0f} Kio) : "
                    f"{summary(certificate.wall, certificate.cpu)} — soit {people_count} attestations en "
                    f"{sum(certificate.wall):.1f} s pour un worker"
                )
                transaction.set_rollback(True)  # the database stays as it was
    print(f"({timezone.now():%Y-%m-%d %H:%M})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="+", default=[12, 30])
    parser.add_argument("--days", type=int, nargs="+", default=[2, 5])
    parser.add_argument("--times", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(people=args.people, days=args.days, times=args.times)
        return
    create_database(DATABASE_URL)
    with tempfile.TemporaryDirectory() as static_root, tempfile.TemporaryDirectory() as media_root:
        env = {**bench_env(DATABASE_URL, static_root), "MEDIA_ROOT": media_root}
        manage(env, "migrate", "--noinput")
        command = [sys.executable, "-m", "bench.formation_documents", "--child", "--times", str(args.times),
                   "--people", *map(str, args.people), "--days", *map(str, args.days)]  # fmt: skip
        subprocess.run(command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cress.settings"}, check=True)


if __name__ == "__main__":
    main()
