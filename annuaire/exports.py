"""Open data: the filtered directory as CSV and GeoJSON (Licence Ouverte 2.0).

One query with a server-side cursor whatever the number of rows: the thematic
categories and labels come as aggregated sub-queries, not one query per row.
"""

import json
from collections.abc import Iterator

from django.conf import settings
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.urls import reverse

from annuaire.models import ROLE_FIELDS, HeadcountBand, Organisation
from annuaire.search import DirectoryFilters, filter_options, match_set, summary
from lib.spreadsheet import safe_cell, streaming_dict_writer
from referentiels.models import EssFamily

LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
SOURCE = "Annuaire de l'ESS à La Réunion — CRESS La Réunion"

# (column, description): the documentation of the open data page is generated from this.
COLUMNS = [
    ("nom", "Nom de la structure"),
    ("sigle", "Sigle"),
    ("siret", "SIRET de l'établissement (14 chiffres)"),
    ("siren", "SIREN de l'unité légale (9 chiffres)"),
    ("forme_juridique_code", "Catégorie juridique INSEE (niveau III)"),
    ("forme_juridique", "Libellé de la catégorie juridique"),
    ("famille_ess", "Famille de l'ESS : association, coopérative, mutuelle, fondation, société commerciale de l'ESS"),
    ("agrement_esus", "« oui » si la structure détient l'agrément ESUS"),
    ("activite_naf", "Activité principale, code NAF rév. 2 (sous-classe)"),
    ("activite_naf_libelle", "Libellé de l'activité principale"),
    ("secteur_naf", "Section NAF (secteur)"),
    ("thematiques", "Thématiques, séparées par « ; »"),
    ("labels", "Labels et agréments, séparés par « ; »"),
    ("roles", "Rôles : acteur, accompagnement, financeur, fournisseur, institutionnel, séparés par « ; »"),
    ("adresse", "Adresse"),
    ("code_postal", "Code postal"),
    ("commune", "Commune"),
    ("code_insee", "Code INSEE de la commune"),
    ("epci", "Intercommunalité (sigle)"),
    ("latitude", "Latitude WGS84"),
    ("longitude", "Longitude WGS84"),
    ("site_internet", "Site internet"),
    ("courriel", "Adresse électronique publique de la structure"),
    ("telephone", "Téléphone public de la structure"),
    ("annee_creation", "Année de création"),
    ("tranche_effectif", "Tranche d'effectif salarié (INSEE)"),
    ("derniere_verification", "Date de dernière vérification de la fiche (AAAA-MM-JJ)"),
    ("url", "Adresse de la fiche sur le portail"),
]

FAMILY_LABELS = dict(EssFamily.choices)
HEADCOUNT_LABELS = dict(HeadcountBand.choices)


def _aggregated(through, field: str):
    return Subquery(
        through.objects.filter(organisation_id=OuterRef("pk"))
        .values("organisation_id")
        .annotate(names=StringAgg(f"{field}__name", delimiter=Value("; "), order_by=f"{field}__name"))
        .values("names")[:1]
    )


def export_rows(filters: DirectoryFilters) -> Iterator[dict]:
    options = filter_options()
    matches, _query = match_set(filters, options, summary(filters, options)["corrected"])
    fields = [
        "name", "acronym", "siret", "siren", "legal_form__code", "legal_form__label", "ess_family", "esus_agreement",
        "naf_activity__code", "naf_activity__label", "sector__label", "address", "postcode", "commune__name",
        "commune__code", "epci__short_name", "latitude", "longitude", "website", "email", "phone", "creation_year",
        "headcount_band", "last_verified_at", "slug", *ROLE_FIELDS.values(),
    ]  # fmt: skip
    queryset = (
        matches.order_by("name", "pk")
        .annotate(
            category_names=_aggregated(Organisation.categories.through, "category"),
            label_names=_aggregated(Organisation.labels.through, "label"),
        )
        .values(*fields, "category_names", "label_names")
    )
    base = settings.SITE_URL
    for row in queryset.iterator(chunk_size=2000):
        yield {
            "nom": row["name"],
            "sigle": row["acronym"],
            "siret": row["siret"],
            "siren": row["siren"],
            "forme_juridique_code": row["legal_form__code"] or "",
            "forme_juridique": row["legal_form__label"] or "",
            "famille_ess": FAMILY_LABELS.get(row["ess_family"], ""),
            "agrement_esus": "oui" if row["esus_agreement"] else "non",
            "activite_naf": row["naf_activity__code"] or "",
            "activite_naf_libelle": row["naf_activity__label"] or "",
            "secteur_naf": row["sector__label"] or "",
            "thematiques": row["category_names"] or "",
            "labels": row["label_names"] or "",
            "roles": "; ".join(role.value for role, field in ROLE_FIELDS.items() if row[field]),
            "adresse": row["address"],
            "code_postal": row["postcode"],
            "commune": row["commune__name"] or "",
            "code_insee": row["commune__code"] or "",
            "epci": row["epci__short_name"] or "",
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "site_internet": row["website"],
            "courriel": row["email"],
            "telephone": row["phone"],
            "annee_creation": row["creation_year"] or "",
            "tranche_effectif": HEADCOUNT_LABELS.get(row["headcount_band"], ""),
            "derniere_verification": row["last_verified_at"].isoformat() if row["last_verified_at"] else "",
            "url": base + reverse("annuaire:structure", args=[row["slug"]]),
        }


def csv_lines(filters: DirectoryFilters) -> Iterator[str]:
    writer = streaming_dict_writer([name for name, _ in COLUMNS])
    yield "\ufeff" + writer.writeheader()  # BOM: spreadsheet software reads UTF-8 right
    for row in export_rows(filters):
        yield writer.writerow({key: safe_cell(value) for key, value in row.items()})


def geojson_chunks(filters: DirectoryFilters) -> Iterator[str]:
    header = {"type": "FeatureCollection", "name": "annuaire-ess-reunion", "licence": LICENCE, "source": SOURCE}
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "features": ['
    first = True
    for row in export_rows(filters):
        if row["latitude"] is None or row["longitude"] is None:
            continue
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": {key: value for key, value in row.items() if key not in {"latitude", "longitude"}},
        }
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"
