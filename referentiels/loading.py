"""Loading the reference data shipped as CSV in `referentiels/data/`.

The functions take a model registry (`django.apps.apps`, or the historical `apps`
of a data migration) so that the first load can run as a migration and later
reloads as a command. Every row is matched on its official code: loading twice
changes nothing, and a corrected CSV updates rows in place.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"

REGION = {"code": "04", "name": "La Réunion", "slug": "la-reunion"}
POPULATION_YEAR = 2021
# INSEE's NAF rév. 2, one row per sous-classe with its four upper levels (see data/README.md).
NAF_FILE = "naf_rev2.csv"
# France Travail's ROME (see data/README.md).
ROME_DOMAINS_FILE = "rome_grands_domaines.csv"
ROME_FICHES_FILE = "rome_fiches.csv"


@dataclass
class LoadReport:
    territories: int = 0
    legal_forms: int = 0
    naf_sections: int = 0
    naf_divisions: int = 0
    naf_activities: int = 0
    rome_fiches: int = 0

    def __str__(self):
        return (
            f"{self.territories} territoires, {self.legal_forms} formes juridiques, "
            f"NAF : {self.naf_sections} sections, {self.naf_divisions} divisions, "
            f"{self.naf_activities} sous-classes, ROME : {self.rome_fiches} fiches"
        )


def _rows(filename: str):
    with open(DATA_DIR / filename, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def load_territories(apps) -> int:
    Territory = apps.get_model("referentiels", "Territory")
    count = 0

    def upsert(kind, code, **fields):
        nonlocal count
        count += 1
        obj, _ = Territory.objects.update_or_create(kind=kind, code=code, defaults=fields)
        return obj

    region = upsert("region", REGION["code"], name=REGION["name"], slug=REGION["slug"], parent=None)
    epcis = {}
    for row in _rows("reunion_epci.csv"):
        epcis[row["siren"]] = upsert(
            "epci",
            row["siren"],
            name=row["nom"],
            short_name=row["sigle"],
            slug=slugify(row["sigle"]),
            legal_nature=row["nature"],
            parent=region,
        )
    arrondissements = {}
    for row in _rows("reunion_arrondissements.csv"):
        arrondissements[row["code"]] = upsert(
            "arrondissement", row["code"], name=row["nom"], slug=slugify(row["nom"]), parent=region
        )
    coordinates = {row["code_insee"]: row for row in _rows("reunion_communes_coordonnees.csv")}
    for row in _rows("reunion_communes.csv"):
        point = coordinates.get(row["code_insee"], {})
        upsert(
            "commune",
            row["code_insee"],
            name=row["nom"],
            slug=slugify(row["nom"]),
            parent=epcis[row["epci_siren"]],
            arrondissement=arrondissements[row["arrondissement_code"]],
            population=int(row["population_municipale_2021"]),
            population_year=POPULATION_YEAR,
            latitude=float(point["latitude"]) if point else None,
            longitude=float(point["longitude"]) if point else None,
        )
    return count


def _upsert(model, rows: list[dict], fields: list[str]) -> int:
    """Insert or update rows matched on `code`, in one statement per model."""
    model.objects.bulk_create(
        [model(**row) for row in rows], update_conflicts=True, unique_fields=["code"], update_fields=fields
    )
    return len(rows)


def load_legal_forms(apps) -> int:
    rows = [
        {"code": row["code"], "label": row["libelle"], "family": row["famille_ess"] or ""}
        for filename in ("ess_categories_juridiques.csv", "categories_juridiques_commerciales.csv")
        for row in _rows(filename)
    ]
    return _upsert(apps.get_model("referentiels", "LegalForm"), rows, ["label", "family"])


def _sentence_case(label: str) -> str:
    # NAF section titles are in capitals; the portal shows them in sentence case.
    return label[:1] + label[1:].lower() if label.isupper() else label


def load_naf(apps) -> tuple[int, int, int]:
    NafSection = apps.get_model("referentiels", "NafSection")
    NafDivision = apps.get_model("referentiels", "NafDivision")
    NafActivity = apps.get_model("referentiels", "NafActivity")
    entries = list(_rows(NAF_FILE))
    sections = {e["code_section"]: _sentence_case(e["libelle_section"]) for e in entries}
    _upsert(NafSection, [{"code": code, "label": label} for code, label in sections.items()], ["label"])
    section_ids = dict(NafSection.objects.values_list("code", "pk"))
    divisions = {e["code_division"]: (e["libelle_division"], e["code_section"]) for e in entries}
    _upsert(
        NafDivision,
        [{"code": code, "label": label, "section_id": section_ids[sec]} for code, (label, sec) in divisions.items()],
        ["label", "section"],
    )
    division_ids = dict(NafDivision.objects.values_list("code", "pk"))
    _upsert(
        NafActivity,
        [
            {
                "code": e["code_sous_classe"],
                "label": e["libelle_sous_classe"],
                "division_id": division_ids[e["code_division"]],
            }
            for e in entries
        ],
        ["label", "division"],
    )
    return len(sections), len(divisions), len(entries)


def load_rome(apps) -> int:
    """France Travail's ROME: the 14 grands domaines and the fiches métiers (data/README.md)."""
    RomeDomain = apps.get_model("referentiels", "RomeDomain")
    RomeFiche = apps.get_model("referentiels", "RomeFiche")
    _upsert(RomeDomain, [{"code": row["code"], "label": row["libelle"]} for row in _rows(ROME_DOMAINS_FILE)], ["label"])
    domain_ids = dict(RomeDomain.objects.values_list("code", "pk"))
    rows = [
        {"code": row["code"], "label": row["libelle"], "domain_id": domain_ids[row["code"][0]]}
        for row in _rows(ROME_FICHES_FILE)
    ]
    return _upsert(RomeFiche, rows, ["label", "domain"])


def load_all(apps) -> LoadReport:
    report = LoadReport()
    report.territories = load_territories(apps)
    report.legal_forms = load_legal_forms(apps)
    report.naf_sections, report.naf_divisions, report.naf_activities = load_naf(apps)
    report.rome_fiches = load_rome(apps)
    return report
