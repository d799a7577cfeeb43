"""The offers' list and search at 20 000 open offers, beside the bare layout.

    make bench-emplois      (or: python -m bench.emplois_search --clients 10 --seconds 20)

Creates or reuses the PostgreSQL database `cress_bench_emplois` and fills it, if needed, with
20 000 open published offers (bulk_create: the search vector is filled by the trigger of
emplois 0002, checked) from 300 organisations of every ESS family: 60 métiers, the 24
communes, every contract, a third of volunteering missions, titles and descriptions drawn
from the trades of the ESS of La Réunion; plus 2 000 offers closed or expired, which the
list never shows. Then it serves the portal with gunicorn (2 sync workers, production
settings, Redis cache) and measures, in one run:
- the bare layout (`/_bench/gabarit/`);
- the list warm: 15 varied searches in rotation (words, accents, plurals, filters, later
  pages), each summary (total and facets) already cached;
- the cold path: every request a selection never seen before (words × filters, a page
  drawn at random), so no cached summary serves;
printed as shares of the bare layout's throughput (`print_against_bare`). Before the load,
in one process: the database time of the summary and of the page, uncached and cached, for
a few searches, and the query plan (EXPLAIN ANALYZE) of a text search's summary and page;
then the time of a request (wall and CPU, medians) for the bare layout, 200 selections never
seen (cold) and the same again (warm).
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from bench.loadgen import print_against_bare, run_load
from bench.server import ROOT, gunicorn_server

SIZE = 20_000
CLOSED = 2_000
BARE = "/_bench/gabarit/"
LIST = "/emplois/"

# The trades (ROME code, titles as employers write them) and what the offers say.
TRADES = [
    ("K1302", ["Aide à domicile", "Auxiliaire de vie sociale", "Assistant de vie aux familles"]),
    ("K1304", ["Agent d'entretien à domicile", "Employé familial"]),
    ("K1303", ["Assistante maternelle", "Garde d'enfants à domicile"]),
    ("G1203", ["Animateur périscolaire", "Animatrice de centre de loisirs", "Directeur d'accueil de mineurs"]),
    ("G1202", ["Animateur culturel", "Médiateur du patrimoine"]),
    ("K1207", ["Éducateur spécialisé", "Moniteur éducateur", "Éducatrice de prévention"]),
    ("K1201", ["Assistant de service social", "Conseillère en économie sociale et familiale"]),
    ("K1203", ["Encadrant technique d'insertion", "Chef d'équipe en chantier d'insertion"]),
    ("K1801", ["Conseiller en insertion professionnelle", "Chargé d'accompagnement vers l'emploi"]),
    ("K1802", ["Chargé de développement local", "Chargée de mission économie sociale et solidaire"]),
    ("K1204", ["Médiateur social", "Adulte-relais", "Médiatrice numérique"]),
    ("K1206", ["Intervenant socioculturel", "Coordinateur de maison de quartier"]),
    ("K1301", ["Accompagnant éducatif et social", "Aide médico-psychologique"]),
    ("K1305", ["Technicienne de l'intervention sociale et familiale"]),
    ("K1403", ["Directeur d'établissement médico-social", "Chef de service en protection de l'enfance"]),
    ("K2111", ["Formateur en français langue étrangère", "Formatrice en savoirs de base"]),
    ("A1203", ["Jardinier paysagiste", "Agent d'entretien des espaces verts", "Ouvrier en maraîchage biologique"]),
    ("A1202", ["Agent de lutte contre les espèces invasives", "Ouvrier forestier"]),
    ("A1414", ["Maraîcher en agriculture biologique", "Ouvrier horticole"]),
    ("M1203", ["Comptable", "Assistant comptable", "Comptable associatif"]),
    ("M1607", ["Secrétaire", "Assistante administrative", "Secrétaire médicale"]),
    ("M1402", ["Chargé de projet", "Cheffe de projet coopération régionale"]),
    ("M1503", ["Responsable des ressources humaines", "Gestionnaire de paie"]),
    ("M1805", ["Développeur web", "Administrateur systèmes et réseaux"]),
    ("E1103", ["Chargé de communication", "Community manager"]),
    ("E1107", ["Chargée d'organisation d'évènements", "Régisseur de festival"]),
    ("G1602", ["Cuisinier", "Commis de cuisine", "Cuisinière en restauration collective"]),
    ("G1803", ["Serveur", "Employée polyvalente de restauration"]),
    ("D1106", ["Vendeur en épicerie solidaire", "Employé de magasin bio"]),
    ("D1505", ["Hôte de caisse en ressourcerie"]),
    ("N1103", ["Agent de tri en recyclerie", "Valoriste", "Magasinier"]),
    ("N4105", ["Chauffeur livreur", "Conducteur de navette solidaire"]),
    ("F1703", ["Maçon", "Ouvrier polyvalent du bâtiment"]),
    ("F1606", ["Peintre en bâtiment"]),
    ("I1203", ["Agent de maintenance des bâtiments", "Homme d'entretien"]),
    ("I1607", ["Mécanicien vélo", "Réparateur de cycles en atelier solidaire"]),
    ("J1501", ["Aide-soignant", "Aide-soignante de nuit"]),
    ("J1506", ["Infirmier", "Infirmière coordinatrice"]),
    ("J1304", ["Auxiliaire de puériculture"]),
    ("K1202", ["Éducatrice de jeunes enfants", "Directrice de crèche associative"]),
    ("C1206", ["Conseiller en microcrédit", "Chargé d'accompagnement financier"]),
    ("H3302", ["Opérateur de tri", "Agent de conditionnement"]),
    ("G1204", ["Éducateur sportif", "Animateur sport santé"]),
    ("K1601", ["Bibliothécaire", "Documentaliste"]),
    ("L1503", ["Régisseur son et lumière", "Technicien du spectacle"]),
]
VOLUNTEER_TITLES = [
    "Bénévole pour l'aide aux devoirs", "Bénévole en distribution alimentaire", "Bénévole accueil des familles",
    "Mission bénévole : visites aux personnes âgées isolées", "Bénévole pour le nettoyage des plages",
    "Bénévole au jardin partagé", "Bénévole en ressourcerie", "Bénévole pour l'alphabétisation des adultes",
    "Bénévole animateur de repair café", "Bénévole pour la collecte de vêtements", "Trésorier bénévole",
    "Bénévole pour l'accompagnement au numérique", "Bénévole sauveteur en mer", "Bénévole au festival de maloya",
]  # fmt: skip
QUALIFIERS = ["", "", "", " (H/F)", " – temps partiel", " – CDD de remplacement", " confirmé", " débutant accepté",
              " de nuit", " en chantier d'insertion", " – week-end", " bilingue créole"]  # fmt: skip
MISSIONS = [
    "accompagner des personnes âgées à leur domicile : aide au lever, aux repas et aux courses",
    "animer des ateliers pour les enfants et les adolescents du quartier",
    "tenir la comptabilité de l'association et préparer les bilans annuels",
    "encadrer une équipe de salariés en parcours d'insertion sur un chantier",
    "accueillir le public, répondre au téléphone et orienter les familles",
    "coordonner les bénévoles et organiser les plannings de la semaine",
    "préparer les repas de la restauration collective avec des produits locaux",
    "entretenir les espaces verts, les sentiers et les ravines de la commune",
    "trier, réparer et valoriser les objets collectés en ressourcerie",
    "conduire les véhicules de la navette solidaire vers les écarts des Hauts",
    "suivre les demandeurs d'emploi dans leurs démarches et leurs candidatures",
    "développer les partenariats avec les collectivités et les entreprises du territoire",
    "concevoir la communication de la coopérative : site, réseaux sociaux, lettre d'information",
    "gérer la paie, les contrats et la formation des salariés",
    "réparer des vélos et animer l'atelier d'autoréparation",
    "soigner et accompagner les résidents de l'établissement",
    "cultiver des légumes biologiques et vendre la récolte au marché forain",
    "lutter contre les plantes invasives dans les forêts primaires",
    "aider les familles à remplir leurs dossiers administratifs et numériques",
    "organiser le festival, l'accueil des artistes et la billetterie",
]  # fmt: skip
CONTEXTS = [
    "Association reconnue d'utilité publique, nous intervenons depuis vingt ans dans l'Ouest.",
    "Notre coopérative d'intérêt collectif réunit salariés, usagers et collectivités.",
    "La mutuelle développe ses services de prévention et d'accompagnement des adhérents.",
    "Entreprise d'insertion agréée ESUS, nous recrutons des personnes éloignées de l'emploi.",
    "Structure de l'économie sociale et solidaire engagée pour la transition écologique.",
    "Le chantier d'insertion forme chaque année quarante salariés aux métiers de l'environnement.",
    "Notre fondation soutient les aidants familiaux et les personnes en situation de handicap.",
    "Société coopérative et participative, nos décisions sont prises en assemblée.",
]  # fmt: skip
PROFILES = [
    "Permis B exigé, véhicule apprécié.", "Diplôme d'État d'accompagnant éducatif et social apprécié.",
    "BAFA souhaité.", "Expérience d'un an au moins dans un poste similaire.", "Maîtrise du créole réunionnais.",
    "Sens de l'écoute, patience et discrétion.", "Connaissance des logiciels de comptabilité associative.",
    "Goût du travail en équipe et de l'animation.", "Débutants acceptés : une formation est prévue.",
]  # fmt: skip

# The list warm: 15 searches in rotation (words, accents, plurals, filters, later pages).
WARM_QUERIES = [
    {},
    {"q": "aide à domicile"},
    {"q": "aides a domicile"},
    {"q": "éducateurs spécialisés"},
    {"q": "animateur", "page": "3"},
    {"q": "insertion", "commune": "97411"},
    {"q": "ressourcerie"},
    {"q": "comptable", "contrat": "cdi"},
    {"q": "jardinier", "epci": "cirest"},
    {"nature": "benevolat"},
    {"nature": "benevolat", "page": "5"},
    {"metier": "K", "famille": "association"},
    {"contrat": "cdd", "epci": "civis", "depuis": "7"},
    {"q": "cuisinier créole"},
    {"page": "12"},
]

SEED_SCRIPT = r"""
import json, random, time
from datetime import timedelta
from decimal import Decimal
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from annuaire.models import Organisation
from emplois.models import Contract, Offer, OfferKind
from emplois.search import open_offers
from emplois import cache as offers_cache
from referentiels.models import EssFamily, RomeFiche, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory

SIZE, CLOSED = __SIZE__, __CLOSED__
DATA = json.loads(__DATA__)
rng = random.Random(11)
today = timezone.localdate()
now = timezone.now()
open_count = open_offers().count()
closed_count = Offer.objects.count() - open_count
if open_count < SIZE or closed_count < CLOSED:
    started = time.perf_counter()
    families = list(EssFamily.values)
    organisations = list(Organisation.objects.filter(name__startswith="Structure de l'ESS n°"))
    if len(organisations) < 300:
        for n in range(len(organisations), 300):
            organisation = OrganisationFactory(is_ess_actor=True, name=f"Structure de l'ESS n°{n}")
            Organisation.objects.filter(pk=organisation.pk).update(ess_family=families[n % len(families)])
            organisations.append(organisation)
    romes = {fiche.code: fiche for fiche in RomeFiche.objects.filter(code__in=[code for code, _ in DATA["trades"]])}
    trades = [(romes[code], titles) for code, titles in DATA["trades"] if code in romes]
    volunteer_romes = [romes[code] for code in ("K1302", "G1203", "K1204", "A1202", "N1103") if code in romes]
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE))
    job_contracts = [c for c in Contract.values if c != Contract.VOLUNTEERING]

    def offer(number, *, status, closes_on):
        volunteering = number % 3 == 0
        if volunteering:
            rome, title = rng.choice(volunteer_romes), rng.choice(DATA["volunteer_titles"])
        else:
            rome, titles = rng.choice(trades)
            title = rng.choice(titles) + rng.choice(DATA["qualifiers"])
        missions = rng.sample(DATA["missions"], rng.randint(2, 4))
        description = (
            f"<p>{rng.choice(DATA['contexts'])}</p><p>Vos missions : " + " ; ".join(missions) + ".</p>"
            f"<p>Poste basé à {rng.choice(communes).name}, au sein d'une équipe de {rng.randint(3, 40)} personnes.</p>"
        )
        pay = Decimal(rng.randrange(1700, 3200, 50))
        return Offer(
            organisation=rng.choice(organisations), title=title, slug=slugify(title)[:150],
            kind=OfferKind.VOLUNTEERING if volunteering else OfferKind.JOB, rome=rome,
            contract=Contract.VOLUNTEERING if volunteering else rng.choice(job_contracts),
            working_time="" if volunteering else rng.choice(["temps_plein", "temps_partiel"]),
            hours_per_week=None if volunteering else Decimal(rng.choice([17.5, 24, 28, 35])),
            volunteer_time=rng.choice(["2 heures par semaine", "un samedi par mois"]) if volunteering else "",
            pay_min=None if volunteering else pay, pay_max=None if volunteering else pay + 300,
            pay_period="" if volunteering else "mois",
            commune=rng.choice(communes), closes_on=closes_on, description=description,
            profile="<p>" + " ".join(rng.sample(DATA["profiles"], 2)) + "</p>",
            contact_email=f"recrutement{number}@exemple.re", status=status,
            published_at=now - timedelta(minutes=rng.randint(10, 60 * 24 * 60)),
        )

    offers = [
        offer(n, status=Offer.Status.PUBLISHED, closes_on=today + timedelta(days=rng.randint(30, 240)))
        for n in range(open_count, SIZE)
    ] + [
        offer(n, status=rng.choice([Offer.Status.EXPIRED, Offer.Status.FILLED, Offer.Status.PUBLISHED]),
              closes_on=today - timedelta(days=rng.randint(1, 60)))
        for n in range(closed_count, CLOSED)
    ]
    with transaction.atomic():
        Offer.objects.bulk_create(offers, batch_size=2000)
    with connection.cursor() as cursor:  # the statistics of every table, organisations included
        cursor.execute("VACUUM ANALYZE")
    offers_cache.bump_version()
    print(f"{len(offers)} offres créées en {time.perf_counter() - started:.1f} s")
missing = Offer.objects.filter(search_vector__isnull=True).count()
print(f"{open_offers().count()} offres ouvertes, {Offer.objects.count()} en tout, "
      f"{Offer.objects.count() - missing} vecteurs de recherche remplis par le déclencheur, {missing} vides")
assert missing == 0, "le déclencheur de emplois 0002 n'a pas rempli search_vector"
"""


def seed_data() -> str:
    return json.dumps(
        {
            "trades": TRADES,
            "volunteer_titles": VOLUNTEER_TITLES,
            "qualifiers": QUALIFIERS,
            "missions": MISSIONS,
            "contexts": CONTEXTS,
            "profiles": PROFILES,
        }
    )


def shell(env: dict, script: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        result.check_returncode()
    return result.stdout


def ensure_offers(env: dict) -> None:
    script = (
        SEED_SCRIPT.replace("__SIZE__", str(SIZE))
        .replace("__CLOSED__", str(CLOSED))
        .replace("__DATA__", repr(seed_data()))
    )
    for line in shell(env, script).splitlines():
        if "offres" in line:
            print(line, flush=True)


def path(params: dict) -> str:
    return LIST + ("?" + urllib.parse.urlencode(params) if params else "")


VOCABULARY_SCRIPT = """
import json
from django.db import connection
from emplois.search import filter_options
from referentiels.models import EssFamily
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT DISTINCT w FROM (SELECT regexp_split_to_table(lower(title || ' ' || "
        "regexp_replace(description, '<[^>]+>', ' ', 'g')), '[^[:alpha:]]+') w "
        "FROM emplois_offer WHERE status = 'publiee') s WHERE length(w) >= 4"
    )
    words = sorted(row[0] for row in cursor.fetchall())
options = filter_options()
lists = ("metier", "metier_ess", "commune", "epci")  # not "metier_ess_fiches", a dict
print(json.dumps({"words": words, "famille": list(EssFamily.values),
                  **{name: [value for value, _l, _k in options[name]] for name in lists}}))
"""
FILTERS = {
    "contrat": ["cdi", "cdd", "alternance", "stage", "contrat_aide", "service_civique", "benevolat"],
    "nature": ["emploi", "benevolat"],
    "depuis": ["1", "7", "30"],
}


def cold_paths(vocabulary: dict, count: int, seed: int) -> list[str]:
    """`count` requests whose selections (the page aside: the summary is cached per
    selection) are all different: one or two words of the offers, with or without one or
    two filters, or filters alone; a page drawn among the first three (later pages for
    filters alone, where they exist)."""
    rng = random.Random(seed)
    words = vocabulary["words"]
    choices = {**FILTERS, **{name: vocabulary[name] for name in ("commune", "epci", "metier", "famille")}}
    seen, paths = set(), []
    while len(paths) < count:
        params = {}
        kind = rng.random()
        if kind < 0.85:
            params["q"] = " ".join(rng.sample(words, rng.choice([1, 1, 2])))
        if kind >= 0.35:
            for name in rng.sample(sorted(choices), rng.choice([1, 1, 2]) if kind < 0.85 else rng.choice([2, 3])):
                params[name] = rng.choice(choices[name])
        selection = tuple(sorted(params.items()))
        if selection in seen:
            continue
        seen.add(selection)
        page = rng.choice(["1", "1", "2", "3"]) if "q" in params else rng.choice(["1", "2", "4", "8"])
        if page != "1":
            params["page"] = page
        paths.append(path(params))
    return paths


DATABASE_SCRIPT = """
import time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from emplois import cache as offers_cache
from django.utils import timezone
from emplois.search import OfferFilters, counted_with_page, search_offers, summary

def timed(function):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(queries), sum(float(q["time"]) for q in queries.captured_queries) * 1000

for params in QUERIES:
    page = int(params.pop("page", 1))
    rows = []
    for _ in range(3):
        offers_cache.bump_version()  # every cached summary expires: the first request of a selection
        filters = OfferFilters(params)
        counts, cold, _n, _sql = timed(lambda: summary(filters))
        _r, warm, _n, _sql = timed(lambda: summary(filters))
        _r, page_cold, n_cold, _sql = timed(lambda: search_offers(OfferFilters(params), page=page))
        now = timezone.now()
        _r, both, n_both, _sql = timed(lambda: search_offers(
            filters, page=page, now=now, counts=counted_with_page(filters, now, page)))
        rows.append((cold, warm, page_cold, both))
    cold, warm, page_cold, both = sorted(rows)[1]
    # search_offers with the summary cached: one query, the page.
    label = "&".join(f"{k}={v}" for k, v in params.items()) + (f" page {page}" if page > 1 else "") or "(tout)"
    print(f"BASE {label:40} {counts['total']:6d} offres  résumé non caché {cold:6.1f} ms  caché {warm:4.1f} ms  "
          f"page (résumé caché) {page_cold:6.1f} ms, {n_cold} requête(s) ; "
          f"résumé et page ensemble (ce que fait la liste) {both:6.1f} ms, {n_both} requêtes")

def plan(params, page=1):
    filters = OfferFilters(params)
    with CaptureQueriesContext(connection) as queries:
        offers_cache.bump_version()
        now = timezone.now()  # as the list does it: the counts and the page's ids in one statement
        search_offers(filters, page=page, now=now, counts=counted_with_page(filters, now, page))
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if "emplois_offer" not in query["sql"]:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("PLAN " + query["sql"][:160] + " …")
            for (line,) in cursor.fetchall():
                print("PLAN   " + line)
            print("PLAN")

plan({"q": PLAN_QUERY})
"""
DATABASE_QUERIES = [
    {"q": "aide à domicile"},
    {"q": "insertion"},
    {"q": "éducateurs spécialisés"},
    {"q": "ressourcerie", "page": "2"},
    {"q": "insertion", "commune": "97411"},
    {"nature": "benevolat"},
    {"contrat": "cdd", "epci": "civis", "depuis": "7"},
    {},
]
PLAN_QUERY = "insertion"


def database_times(env: dict) -> str:
    script = f"QUERIES = {DATABASE_QUERIES!r}\nPLAN_QUERY = {PLAN_QUERY!r}\n{DATABASE_SCRIPT}"
    lines = shell(env, script).splitlines()
    kept = [line.split(" ", 1)[1] if " " in line else "" for line in lines if line.startswith(("BASE", "PLAN"))]
    return "\n".join(kept)


IN_PROCESS_SCRIPT = """
import json, statistics, time
from django.test import Client
PATHS = json.loads(PATHS_JSON)
client = Client()

def timed(path):
    wall, cpu = time.perf_counter(), time.process_time()
    assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200, path  # ALLOWED_HOSTS
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

for _ in range(20):
    timed(BARE)
timed(PATHS.pop())  # the page's layout and templates are loaded once per process
bare, cold, warm = [], [], []
for path in PATHS:
    bare.append(timed(BARE))
    cold.append(timed(path))
for path in PATHS:
    warm.append(timed(path))
for label, times in (("gabarit nu", bare), ("froid", cold), ("chaud", warm)):
    wall, cpu = (statistics.median(t[i] for t in times) for i in (0, 1))
    print(f"TIME {label:11} {wall:6.2f} ms (CPU {cpu:5.2f} ms)")
"""


def in_process_times(env: dict, paths: list[str]) -> str:
    """Medians in one process (Django's test client, production settings): the bare layout,
    then in turn a selection never seen (cold) and the same again (warm). Under the load
    of other work on the machine, these say more than the throughput."""
    script = f"PATHS_JSON = {json.dumps(paths)!r}\nBARE = {BARE!r}\n{IN_PROCESS_SCRIPT}"
    return "\n".join(line[5:] for line in shell(env, script).splitlines() if line.startswith("TIME "))


def timed_get(port: int, url: str) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as response:
        response.read()


def load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_EMPLOIS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cress_bench_emplois"),
    )
    args = parser.parse_args()

    warm_paths = [path(params) for params in WARM_QUERIES]
    with gunicorn_server(database_url=args.database_url, prepare=ensure_offers) as (port, env):
        print(f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}")
        print(f"gunicorn 2 workers sync, PostgreSQL, {SIZE} offres ouvertes, {args.clients} clients, "
              f"{args.seconds:.0f} s par mesure ; charge {load_average()}")  # fmt: skip
        print("\nTemps base de données (un processus, sans charge ; médiane de 3, version des offres changée avant"
              " chaque) :")  # fmt: skip
        print(database_times(env))

        vocabulary = json.loads(shell(env, VOCABULARY_SCRIPT).strip().splitlines()[-1])
        cold = cold_paths(vocabulary, 30_000, seed=time.time_ns())
        print(f"\nUn processus, 200 sélections jamais vues (médianes ; charge {load_average()}) :")
        print(in_process_times(env, cold_paths(vocabulary, 201, seed=time.time_ns() + 1)))
        for url in warm_paths:  # the first requests fill the cached summaries, as in production
            timed_get(port, url)
        bare = run_load(host="127.0.0.1", port=port, paths=[BARE], clients=args.clients, seconds=args.seconds,
                        label="gabarit nu")  # fmt: skip
        warm = run_load(host="127.0.0.1", port=port, paths=warm_paths, clients=args.clients, seconds=args.seconds,
                        label=f"offres, {len(warm_paths)} recherches (chaud)")  # fmt: skip
        cold_run = run_load(host="127.0.0.1", port=port, paths=cold, clients=args.clients, seconds=args.seconds,
                            label="offres, jamais vues (froid)", once=True)  # fmt: skip
        print(f"\nSous charge ({len(vocabulary['words'])} mots des offres pour le chemin froid, aucune sélection"
              f" répétée ; charge {load_average()}) :")  # fmt: skip
        print_against_bare(bare, [warm, cold_run])


if __name__ == "__main__":
    main()
