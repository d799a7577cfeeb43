"""The matching of the job alerts' digests: 10 000 saved searches against 500 new offers.

    python -m bench.emplois_alerts [--alerts 10000] [--offers 500]     (make bench-emplois-alertes)

Creates or reuses the PostgreSQL database `cress_bench_emplois_alertes`, migrates it, then, in
one process and in a transaction rolled back at the end (the database is left as found):
creates the offers (published in the last six days, varied métiers, communes, contracts, a
third of volunteering missions) and the confirmed alerts (varied searches: keywords, contract,
commune or EPCI, ROME domain, jobs or volunteering, ESS family, and their mixes), due.
Then it times `emplois.alerts.digest_batches` — the matching of every due alert, batch by batch
— for several batch sizes, with the number of SQL queries it made: the due alerts and the new
offers once, then per batch one for the batch's keywords and one for what it was already sent,
whatever the number of alerts in the batch (issue 19, point 11: one query per batch, never
per alert). Last, for contrast, the first 200 alerts matched one by one with one query each.
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile

from bench.server import ROOT, bench_env, create_database, manage

SCRIPT = r"""
import cProfile, itertools, os, pstats, random, time
from datetime import timedelta
from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from emplois import alerts
from emplois.alert_matching import parse_query
from emplois.models import JobAlert, Offer
from lib.tokens import new_token
from referentiels.models import EssFamily, RomeFiche, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory
from tests.emplois.factories import make_offer

ALERTS, OFFERS = int(__ALERTS__), int(__OFFERS__)
random.seed(19)
print("Charge de la machine au début :", " ".join(f"{load:.1f}" for load in os.getloadavg()))
communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE).values_list("code", flat=True))
epcis = list(Territory.objects.filter(kind=TerritoryKind.EPCI).values_list("slug", flat=True))
# The métiers of the ESS the demo uses most, and a few more.
romes = ["K1302", "K1304", "G1203", "K2104", "K1801", "K1207", "M1203", "M1607", "K2111", "J1501", "K1303", "A1203"]
domains = sorted({code[0] for code in romes})
words = ["animateur", "aide à domicile", "éducateur", "comptable", "insertion", "coordinateur", "jardinier",
         "accompagnant", "médiateur", "chargé de projet", "encadrant technique", "secrétaire", "cuisinier"]
tasks = ["accompagner des personnes âgées", "animer des ateliers", "tenir la comptabilité", "gérer un chantier",
         "accueillir le public", "coordonner des bénévoles", "préparer les repas", "entretenir les espaces verts"]
families = list(EssFamily.values)
contracts = ["cdi", "cdd", "alternance", "stage", "contrat_aide", "service_civique"]


class Rollback(Exception):
    pass


def a_search():
    "A search as people save them: one to four criteria, keywords in half of them."
    pairs = []
    if random.random() < 0.5:  # one or two words of the trade, sometimes a place
        keywords = " ".join(random.sample(words, random.choice([1, 1, 2])))
        pairs.append(("q", keywords + random.choice(["", "", " Saint-Denis", " temps partiel"])))
    for name, values, chance in (
        ("contrat", contracts, 0.3), ("commune", communes, 0.3), ("epci", epcis, 0.15),
        ("metier", domains, 0.3), ("nature", ["emploi", "benevolat"], 0.2), ("famille", families, 0.1),
    ):
        if random.random() < chance:
            pairs.extend((name, value) for value in random.sample(values, random.choice([1, 1, 2])))
    return parse_query("&".join(f"{name}={value}" for name, value in pairs))[0].querystring()


try:
    with transaction.atomic():
        started = time.perf_counter()
        organisations = [OrganisationFactory(is_ess_actor=True, name=f"Structure de l'ESS n°{n}") for n in range(60)]
        for organisation, family in zip(organisations, itertools.cycle(families)):
            type(organisation).objects.filter(pk=organisation.pk).update(ess_family=family)
        for number in range(OFFERS):
            volunteering = number % 3 == 0
            extra = {"contract": "benevolat"} if volunteering else {"contract": random.choice(contracts)}
            make_offer(
                f"{random.choice(words).capitalize()} n°{number}",
                organisation=random.choice(organisations),
                rome_code=random.choice(romes),
                commune_code=random.choice(communes),
                published_ago=timedelta(minutes=random.randint(10, 6 * 24 * 60)),
                description=f"<p>{random.choice(words).capitalize()} dans une structure de l'ESS : "
                f"{random.choice(tasks)}.</p>",
                profile="",
                **extra,
            )
        print(f"{OFFERS} offres créées en {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        now = timezone.now()
        searches = [a_search() for _ in range(ALERTS)]
        JobAlert.objects.bulk_create(
            [
                JobAlert(
                    email=f"lecteur{n}@exemple.re", query=query, label="Bench", frequency="hebdomadaire",
                    token_hash=new_token()[1], consent_text="x", consent_at=now, confirmed_at=now,
                    watermark=now - timedelta(days=7, minutes=random.randint(1, 600)),
                )
                for n, query in enumerate(searches)
            ],
            batch_size=2000,
        )
        print(f"{ALERTS} alertes créées en {time.perf_counter() - started:.1f} s, "
              f"{len(set(searches))} recherches différentes, {sum('q=' in s for s in searches)} avec des mots-clés")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE emplois_offer")
            cursor.execute("ANALYZE emplois_jobalert")
            cursor.execute("ANALYZE emplois_jobalertdelivery")
        print(f"\n{'lot':>6} | {'lots':>4} | {'requêtes SQL':>12} | {'temps':>8} | {'dont SQL':>8} | "
              f"{'paires alerte-offre':>20} | alertes servies")
        for batch_size in (500, 1000, 2500, ALERTS):
            for run in range(2):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    batches = list(alerts.digest_batches(now=now, batch_size=batch_size))
                    elapsed = time.perf_counter() - started
                pairs = sum(len(offers) for _batch, matches in batches for offers in matches.values())
                served = sum(bool(offers) for _batch, matches in batches for offers in matches.values())
                sql = sum(float(query["time"]) for query in queries.captured_queries)
                if run:
                    print(f"{batch_size:>6} | {len(batches):>4} | {len(queries):>12} | {elapsed * 1000:>6.0f} ms | "
                          f"{sql * 1000:>5.0f} ms | {pairs:>20} | {served}")
        profile = cProfile.Profile()
        profile.enable()
        list(alerts.digest_batches(now=now, batch_size=1000))
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(12)
        # For contrast: one query per alert (the first 200), as a naive loop would do.
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            for pk, query, watermark in alerts.due_alerts(now=now)[:200]:
                criteria = parse_query(query)[0]
                found = Offer.objects.filter(status="publiee", published_at__gt=watermark, published_at__lte=now)
                if criteria.q:
                    found = found.filter(search_vector=SearchQuery(criteria.q, config="fr", search_type="websearch"))
                if criteria.contract:
                    found = found.filter(contract__in=criteria.contract)
                if criteria.commune:
                    found = found.filter(commune__code__in=criteria.commune)
                list(found.values_list("pk", flat=True))
        elapsed = time.perf_counter() - started
        print(f"\nPour comparer, une requête par alerte : 200 alertes, {len(queries)} requêtes, "
              f"{elapsed * 1000:.0f} ms (soit ~{elapsed * ALERTS / 200:.1f} s pour {ALERTS})")
        raise Rollback
except Rollback:
    pass
print("Charge de la machine à la fin :", " ".join(f"{load:.1f}" for load in os.getloadavg()))
print("Alertes laissées :", JobAlert.objects.filter(label="Bench").count())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_emplois_alertes"),
    )
    args = parser.parse_args()
    create_database(args.database_url)
    with tempfile.TemporaryDirectory() as static_root:
        env = bench_env(args.database_url, static_root)
        manage(env, "migrate", "--noinput")
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        script = SCRIPT.replace("__ALERTS__", str(args.alerts)).replace("__OFFERS__", str(args.offers))
        subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
