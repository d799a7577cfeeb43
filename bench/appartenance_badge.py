"""The membership badge, as other sites embed it, against the bare layout, under load.

    python -m bench.appartenance_badge --clients 10 --seconds 10     (make bench-appartenance)

Database `cress_bench_appartenance` (its own) or BENCH_APPARTENANCE_DATABASE_URL, filled
with the demo's named organisations and their badges (appartenance.demo_badges, idempotent).
Under gunicorn (2 sync workers, production settings, Redis cache), warm: the SVG badge of
eight organisations in rotation (two queries each, no cache of the body: the state is read
on every request), the PNG badge (rendered once, then from the cache) and the verification
page. Target: the SVG badge
at 80 % of the bare layout's throughput or more.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.cached_pages import load_average
from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, gunicorn_server

BARE = "/_bench/gabarit/"
# Run by `manage.py shell -c` with the server's environment (its SECRET_KEY signs the addresses).
PREPARE = """
import json, os
from annuaire.models import Organisation
from appartenance.badges import current_badges
from appartenance.demo_badges import seed_badges
from cress.demo import DEMO_ORGANISATIONS, DEMO_PARTNER_ORGANISATION, seed_named_organisations
seed_named_organisations()
named = Organisation.objects.filter(name__in=[row[0] for row in DEMO_ORGANISATIONS]).order_by("name")
named = sorted(named, key=lambda o: o.name != DEMO_PARTNER_ORGANISATION)
seed_badges(organisations=named)
badges = [badge for badge in current_badges(named).values() if badge]
paths = {
    "svg": [badge.svg_url for badge in badges],
    "png": [badge.png_url for badge in badges],
    "verification": [badge.verification_url for badge in badges],
}
with open(os.environ["BADGE_PATHS_FILE"], "w") as out:
    json.dump(paths, out)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_APPARTENANCE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_appartenance"
        ),
    )
    args = parser.parse_args()
    paths_file = Path(tempfile.mkstemp(suffix=".json")[1])

    def prepare(env):
        env = {**env, "BADGE_PATHS_FILE": str(paths_file)}
        subprocess.run([sys.executable, "manage.py", "shell", "-c", PREPARE], cwd=ROOT, env=env, check=True)

    print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
    print(f"Charge de la machine au début : {load_average()}")
    with gunicorn_server(database_url=args.database_url, prepare=prepare) as (port, _env):
        paths = json.loads(paths_file.read_text())
        paths_file.unlink()
        pages = [
            (f"badge SVG, {len(paths['svg'])} structures", paths["svg"]),
            ("badge PNG (image en cache)", paths["png"]),
            ("page de vérification", paths["verification"]),
        ]
        for _label, rotation in [("", [BARE]), *pages]:
            run_load(host="127.0.0.1", port=port, paths=rotation, clients=2, seconds=1.5)  # warm-up
        bare = run_load(
            host="127.0.0.1", port=port, paths=[BARE], clients=args.clients, seconds=args.seconds,
            label="gabarit nu (base + boucle de 20)",
        )  # fmt: skip
        results = [
            run_load(
                host="127.0.0.1", port=port, paths=rotation, clients=args.clients, seconds=args.seconds, label=label
            )
            for label, rotation in pages
        ]
    print(f"Charge de la machine à la fin : {load_average()}")
    print(f"gunicorn 2 workers sync, PostgreSQL, Redis, {args.clients} clients, {args.seconds:.0f} s par page")
    print_against_bare(bare, results)


if __name__ == "__main__":
    main()
