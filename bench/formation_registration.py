"""50 people register at once for the last 5 places of a session, through the real form.

    make bench-formation      (or: python -m bench.formation_registration --rounds 3)

gunicorn (production settings, 8 sync workers so that the posts really overlap in
PostgreSQL) serves the portal. Each round makes a session of 20 places with 15 taken; the
50 clients first open the form (cookie and CSRF token), wait at a barrier, then post it
together. Printed per round: how many got a place and how many joined the waiting list (as
the pages said, and as the database holds it), errors (any answer but 200), the waiting
list's order checked in the database, and the posts' p50/p95.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time

from bench.accueil import Browser
from bench.loadgen import LoadResult, run_load
from bench.server import ROOT, gunicorn_server

CLIENTS = 50
CAPACITY = 20
TAKEN = 15  # the last 5 places are left

PREPARE_SESSION = """
import json
from datetime import timedelta
from django.utils import timezone
from formation.models import Session, Training
from formation.registrations import register_person
training, _ = Training.objects.get_or_create(
    slug="banc-inscriptions",
    defaults=dict(
        title="Banc : gouvernance associative", theme="gouvernance", audiences=["benevoles"],
        summary="Mesure.", objectives="Mesurer", programme="<p>Mesure</p>", duration_hours=7,
        modality="presentiel", status=Training.Status.PUBLISHED,
    ),
)
starts = timezone.now() + timedelta(days=30)
session = Session.objects.create(training=training, starts_at=starts, ends_at=starts + timedelta(hours=7),
                                 capacity={capacity}, address="Saint-Denis")
for index in range({taken}):
    register_person(session=session, consent_text="banc",
                    person=dict(first_name="Déjà", last_name=str(index), email=f"deja{{index}}@example.re"))
print(json.dumps({{"session": session.pk}}))
"""

COUNT_SESSION = """
import json
from formation.models import Registration
from formation.registrations import waiting_list
rows = Registration.objects.filter(session_id={session}).exclude(email__startswith="deja")
waiting = list(waiting_list(Registration.objects.get(email="deja0@example.re", session_id={session}).session))
print(json.dumps({{
    "registered": rows.filter(status__in=Registration.HOLDING).count(),
    "waiting": rows.filter(status=Registration.Status.WAITING).count(),
    "holding": Registration.objects.filter(session_id={session}, status__in=Registration.HOLDING).count(),
    "ordered": [r.pk for r in waiting] == sorted(r.pk for r in waiting)
    and [r.waiting_since for r in waiting] == sorted(r.waiting_since for r in waiting),
}}))
"""


def shell(env, code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"manage.py shell : {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def one_round(port: int, env: dict, number: int) -> tuple[LoadResult, dict, dict]:
    session = shell(env, PREPARE_SESSION.format(capacity=CAPACITY, taken=TAKEN))["session"]
    path = f"/formations/session/{session}/inscription/"
    # Each client opens the form first (its own cookie and token), then all post at once.
    browsers = [Browser(port) for _ in range(CLIENTS)]
    tokens = [browser.csrf(path) for browser in browsers]
    barrier = threading.Barrier(CLIENTS)
    result = LoadResult(label=f"tour {number} : {CLIENTS} inscriptions simultanées")
    said = {"place": 0, "attente": 0}
    lock = threading.Lock()

    def client(index: int):
        fields = {
            "csrfmiddlewaretoken": tokens[index],
            "first_name": "Client",
            "last_name": str(index),
            "email": f"client{index}.tour{number}@example.re",
            "consent": "on",
        }
        barrier.wait(timeout=60)
        started = time.perf_counter()
        try:
            status, content = browsers[index].request("POST", path, fields)
        except OSError:
            status, content = 0, ""
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            if status != 200:
                result.errors += 1
                return
            result.latencies_ms.append(elapsed)
            if "Votre place est réservée" in content:
                said["place"] += 1
            elif "liste d'attente" in content:
                said["attente"] += 1

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result, said, shell(env, COUNT_SESSION.format(session=session))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_inscriptions"),
    )
    args = parser.parse_args()
    extra = {"FORMATION_REGISTRATIONS_PER_HOUR": "1000000"}
    with gunicorn_server(database_url=args.database_url, workers=args.workers, extra_env=extra) as (port, env):
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        print(
            f"gunicorn {args.workers} workers sync, PostgreSQL ; session de {CAPACITY} places dont {TAKEN} prises, "
            f"{CLIENTS} clients postent le formulaire au même instant\n"
        )
        # The workers boot lazily: a first load (not counted) warms them up. Then the bare
        # layout under the same 50 clients: the machine is shared and noisy, so the posts'
        # latencies only compare with it (FACTS.md).
        run_load(host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=8, seconds=20)
        bare = run_load(host="127.0.0.1", port=port, paths=["/_bench/gabarit/"], clients=10, seconds=10,
                        label="gabarit nu (10 clients)")  # fmt: skip
        print(bare.row() + "\n")
        failures = 0
        everything = LoadResult(label="tous les tours")
        for number in range(1, args.rounds + 1):
            result, said, held = one_round(port, env, number)
            everything.latencies_ms += result.latencies_ms
            everything.errors += result.errors
            exact = (
                held["registered"] == CAPACITY - TAKEN
                and held["waiting"] == CLIENTS - (CAPACITY - TAKEN)
                and held["holding"] == CAPACITY
                and held["ordered"]
                and result.errors == 0
            )
            failures += not exact
            load = os.getloadavg()[0]
            print(
                f"tour {number} (charge {load:.1f}) : {held['registered']} inscrits, "
                f"{held['waiting']} en liste d'attente "
                f"(pages : {said['place']} places, {said['attente']} attentes), {result.errors} erreurs, "
                f"places prises {held['holding']}/{CAPACITY}, "
                f"liste dans l'ordre : {'oui' if held['ordered'] else 'NON'} "
                f"— p50 {result.percentile(0.5):.0f} ms, p95 {result.percentile(0.95):.0f} ms, "
                f"{result.seconds:.2f} s pour les {CLIENTS}"
            )
        print(
            f"\nensemble : {len(everything.latencies_ms)} réponses, {everything.errors} erreurs, "
            f"p50 {everything.percentile(0.5):.0f} ms, p95 {everything.percentile(0.95):.0f} ms"
        )
        print(
            "exactement 5 inscrits et 45 en attente à chaque tour" if not failures else f"ÉCART sur {failures} tour(s)"
        )


if __name__ == "__main__":
    main()
