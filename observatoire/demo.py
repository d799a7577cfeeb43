"""Synthetic observatory data for the demo (`manage.py seed_demo`): three millésimes,
plausible for La Réunion and labelled as synthetic on every page.

About 2 000 ESS employer establishments and 26 000 employees in the latest year, the ESS
about 11 % of private employment; the demo directory's organisations are among the
establishments; small communes leave secret cells, and a few sectors are left without
ESS in some intercommunalities, so that the niches have something to show. A national
reference (published-table rows for France) lets the région be compared with France.
"""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from annuaire.demo import demo_siret
from annuaire.models import Organisation
from observatoire import services
from observatoire.models import (
    ALL_FAMILIES,
    ALL_SECTORS,
    Establishment,
    Figure,
    Millesime,
    MillesimeState,
    Scope,
    SectorLevel,
    Source,
)
from observatoire.sectors import GROUPINGS, OTHER
from referentiels.models import EssFamily, NafActivity, Territory, TerritoryKind

YEARS = (2022, 2023, 2024)
SOURCE_NOTE = "Données synthétiques de démonstration (fabriquées, ne décrivent pas l'ESS réunionnaise)"
ESS_ESTABLISHMENTS = {2022: 1880, 2023: 1940, 2024: 2000}
OTHER_ESTABLISHMENTS = {2022: 17600, 2023: 18000, 2024: 18400}
# Where ESS employers work (NAF division → weight) and their usual size.
ESS_DIVISIONS = {"88": 30, "87": 8, "85": 9, "86": 5, "94": 14, "93": 8, "90": 4, "91": 2, "64": 3, "65": 2,
                 "66": 1, "56": 2, "55": 1, "47": 2, "38": 2, "01": 2, "81": 2, "82": 1, "70": 1, "49": 1}  # fmt: skip
ESS_SIZES = {"88": 16, "87": 25, "85": 14, "86": 18, "94": 5, "93": 5, "90": 5, "91": 6, "64": 22, "65": 30,
             "66": 10, "56": 6, "55": 8, "47": 7, "38": 14, "01": 6, "81": 12, "82": 8, "70": 6, "49": 9}  # fmt: skip
OTHER_DIVISIONS = {"47": 22, "46": 10, "45": 6, "43": 12, "41": 4, "56": 9, "55": 3, "49": 5, "52": 2, "62": 2,
                   "69": 4, "70": 3, "71": 3, "86": 6, "96": 4, "10": 3, "25": 2, "68": 3, "81": 3, "88": 2,
                   "85": 2, "93": 1, "64": 1, "01": 2, "90": 1, "91": 1}  # fmt: skip
FAMILY_CATEGORIES = {
    EssFamily.ASSOCIATION: (["9220", "9220", "9220", "9221", "9222"], 84),
    EssFamily.COOPERATIVE: (["5458", "5560", "5459", "6317"], 9),
    EssFamily.MUTUELLE: (["8210", "8250"], 3),
    EssFamily.FONDATION: (["9300"], 1),
    EssFamily.SOCIETE_COMMERCIALE: (["5499", "5710"], 3),
}
# Sectors absent from the ESS in an intercommunality (by SIREN), to show potential niches.
ABSENT = {"249740093": {"56", "55"}, "249740085": {"38"}}


def seed_observatory(*, years=YEARS) -> int:
    """Create the synthetic millésimes once (nothing happens if any millésime exists)."""
    if Millesime.objects.exists():
        return 0
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE).select_related("parent"))
    activities: dict[str, str] = {}
    # The last activity of each division (94.99Z, not 94.11Z which the perimeter excludes).
    for code in NafActivity.objects.order_by("code").values_list("code", flat=True):
        activities[code[:2]] = code
    directory = list(
        Organisation.objects.filter(is_published=True, commune__isnull=False, naf_activity__isnull=False)
        .exclude(siret="")
        .values_list("siret", "name", "legal_form__code", "naf_activity__code", "commune__code", "ess_family")[:400]
    )
    for year in years:
        with transaction.atomic():
            millesime = Millesime.objects.create(year=year, is_synthetic=True, source_note=SOURCE_NOTE)
            rows = _establishments(year, millesime.pk, communes, activities, directory)
            services.copy_rows(Establishment, rows)
            outside_ess = services.compute_base_figures(millesime=millesime)
            _national_reference(millesime)
            services.apply_secrecy(millesime=millesime, outside_ess=outside_ess)
            Millesime.objects.filter(pk=millesime.pk).update(
                state=MillesimeState.PUBLISHED, published_at=timezone.now()
            )
    services._bump_data_version()
    return len(years)


def _establishments(year, millesime_id, communes, activities, directory):
    rng = random.Random(974 + year)
    weights = [commune.population or 1000 for commune in communes]
    growth = 1 + (year - YEARS[-1]) * 0.025
    rows, number = [], 0

    def row(*, siret, name, category, division, commune, ess, employees):
        naf = activities.get(division) or next(iter(activities.values()))
        fte = Decimal(employees * rng.uniform(0.7, 0.95)).quantize(Decimal("0.1"))
        payroll = int(employees * rng.uniform(21_000, 32_000))
        return {
            "millesime_id": millesime_id, "siret": siret, "siren": siret[:9], "name": name,
            "legal_category": category, "naf_code": naf, "commune_code": commune.code,
            "headcount_band": "", "is_employer": True, "ess_declared": ess, "created_on": None,
            "is_active": True, "employees": employees, "fte": fte, "payroll": payroll,
        }  # fmt: skip

    def size(mean: float) -> int:
        return max(1, int(rng.lognormvariate(0, 0.9) * mean * 0.67 * growth))

    by_code = {commune.code: commune for commune in communes}
    for siret, name, category, naf, commune_code, family in directory:
        rows.append(row(siret=siret, name=name, category=category or "9220", division=naf[:2],
                        commune=by_code[commune_code], ess=family == EssFamily.SOCIETE_COMMERCIALE,
                        employees=size(ESS_SIZES.get(naf[:2], 8) * 1.06)))  # fmt: skip
    seen = {r["siret"] for r in rows}
    families = list(FAMILY_CATEGORIES)
    family_weights = [FAMILY_CATEGORIES[f][1] for f in families]
    divisions, division_weights = list(ESS_DIVISIONS), list(ESS_DIVISIONS.values())
    while len(rows) < ESS_ESTABLISHMENTS[year]:
        number += 1
        siret = _siret(number, prefix="7")
        if siret in seen:
            continue
        commune = rng.choices(communes, weights)[0]
        division = rng.choices(divisions, division_weights)[0]
        if division in ABSENT.get(commune.parent.code, ()):
            continue
        family = rng.choices(families, family_weights)[0]
        rows.append(row(siret=siret, name=f"Structure synthétique {number}",
                        category=rng.choice(FAMILY_CATEGORIES[family][0]), division=division, commune=commune,
                        ess=family == EssFamily.SOCIETE_COMMERCIALE,
                        employees=size(ESS_SIZES[division] * 1.06)))  # fmt: skip
    divisions, division_weights = list(OTHER_DIVISIONS), list(OTHER_DIVISIONS.values())
    for index in range(OTHER_ESTABLISHMENTS[year]):
        commune = rng.choices(communes, weights)[0]
        division = rng.choices(divisions, division_weights)[0]
        rows.append(row(siret=_siret(index + 1, prefix="6"), name="", category=rng.choice(["5499", "5710", "1000"]),
                        division=division, commune=commune, ess=False, employees=size(11)))  # fmt: skip
    return rows


def _siret(number: int, *, prefix: str) -> str:
    return demo_siret(number, prefix=prefix)


def _national_reference(millesime: Millesime) -> None:
    """France as a published table: the ESS about 13.7 % of private employment, spread over
    the sectors like a national panorama (a little less action sociale than La Réunion)."""
    ess_total, economy_total = 2_580_000, 18_800_000
    shares = {"action-sociale": 0.41, "enseignement": 0.12, "sante": 0.06, "finance-assurance": 0.11,
              "sports-loisirs": 0.03, "arts-spectacles": 0.03, "associations-diverses": 0.06,
              "soutien-entreprises": 0.05, "hebergement-restauration": 0.02, "commerce": 0.03,
              "industrie-construction": 0.02, "agriculture": 0.01, "autres": 0.04}  # fmt: skip
    economy_shares = {"action-sociale": 0.07, "enseignement": 0.02, "sante": 0.05, "finance-assurance": 0.04,
                      "sports-loisirs": 0.01, "arts-spectacles": 0.01, "associations-diverses": 0.01,
                      "soutien-entreprises": 0.17, "hebergement-restauration": 0.06, "commerce": 0.17,
                      "industrie-construction": 0.21, "agriculture": 0.01, "autres": 0.17}  # fmt: skip
    growth = 1 + (millesime.year - YEARS[-1]) * 0.01
    rows = []
    for scope, total, split in ((Scope.ESS, ess_total, shares), (Scope.ECONOMY, economy_total, economy_shares)):
        rows.append(_reference_row(millesime, scope, ALL_SECTORS, SectorLevel.ALL, int(total * growth)))
        for grouping in (*GROUPINGS, OTHER):
            employees = int(total * split[grouping.code] * growth)
            rows.append(_reference_row(millesime, scope, grouping.code, SectorLevel.GROUPING, employees))
    services.copy_rows(Figure, rows)


def _reference_row(millesime, scope, sector, level, employees):
    return {
        "millesime_id": millesime.pk, "source": Source.FLORES, "scope": scope, "territory_id": None,
        "family": ALL_FAMILIES, "sector_level": level, "sector": sector, "establishments": max(3, employees // 12),
        "employees": employees, "fte": Decimal(employees * 0.85).quantize(Decimal("0.1")),
        "payroll": employees * 27_000, "largest_employees": None, "largest_fte": None, "largest_payroll": None,
        "secrecy": "", "secrecy_reason": "",
    }  # fmt: skip
