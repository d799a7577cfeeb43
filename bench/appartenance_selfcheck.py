"""The self-check's answer page (« Mon entreprise fait-elle partie de l'ESS ? ») against the
bare layout.

    python -m bench.appartenance_selfcheck --clients 10 --seconds 10     (make bench-appartenance)

Database `cress_bench_appartenance` (its own) or BENCH_APPARTENANCE_DATABASE_URL: the page
reads nothing from it (its rules are a data file, appartenance/data/regles_ess.toml), so
there is nothing to fill.

Under load (gunicorn, 2 sync workers, production settings, Redis cache), the questionnaire
and the result page under varied answers in rotation (an association, a SAS of the ESS, a
SAS that distributes its profits, unknown answers, a fonds de dotation…), warm: the rules
read once per process. Then, in one process (Django's test client, no load), the cold
render — the rules read again from the file before each request — beside the same page warm
and the bare layout (medians, wall and CPU time). Target (issue 20, point 9): the answer
page at 40 % of the bare layout's throughput or more.
"""

from urllib.parse import urlencode

from bench.cached_pages import CachedPagesBench, main

QUESTIONNAIRE = "/ess/mon-entreprise/"
RESULT = "/ess/mon-entreprise/resultat/"
COMPANY = [
    "but", "gouvernance", "benefices", "reserves", "utilite", "fonds_developpement", "report_reserves", "capital",
]  # fmt: skip
ESUS = ["esus_objectif", "esus_charge", "esus_moyenne", "esus_plafond", "esus_titres", "esus_statuts"]
EVERY_YES = dict.fromkeys(COMPANY + ESUS, "oui")
ANSWERS = [
    {"forme": "association"},
    {"forme": "association", **dict.fromkeys(ESUS, "oui")},
    {"forme": "societe_commerciale", **EVERY_YES},
    {"forme": "societe_commerciale", **EVERY_YES, "benefices": "non", "report_reserves": "non"},
    {"forme": "societe_commerciale", "but": "oui", "gouvernance": "nsp", "esus_plafond": "non"},
    {"forme": "societe_commerciale"},
    {"forme": "cooperative", "esus_objectif": "oui", "esus_titres": "oui"},
    {"forme": "fonds_dotation"},
    {"forme": "entreprise_individuelle"},
    {"forme": "autre", **dict.fromkeys(ESUS, "nsp")},
]
RESULTS = [f"{RESULT}?{urlencode(answers)}" for answers in ANSWERS]
PAGES = [
    ("questionnaire (chaud)", [QUESTIONNAIRE]),
    (f"résultat, {len(ANSWERS)} jeux de réponses (chaud)", RESULTS),
]
COLD = [
    ("questionnaire", QUESTIONNAIRE),
    ("résultat, SAS qui distribue", RESULTS[3]),
    ("résultat, réponses inconnues", RESULTS[5]),
]
BENCH = CachedPagesBench(
    module="bench.appartenance_selfcheck",
    database="cress_bench_appartenance",
    database_env="BENCH_APPARTENANCE_DATABASE_URL",
    prepare='print("L\'autodiagnostic ne lit rien dans la base : rien à préparer.")',
    bump_version="appartenance.selfcheck.reload_rules",
    pages=PAGES,
    cold=COLD,
    description=__doc__,
)

if __name__ == "__main__":
    main(BENCH)
