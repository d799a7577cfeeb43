"""Demo organisations for the directory: fictional, realistic, reproducible.

`seed_organisations(size=300)` gives a living directory for a newcomer;
`size=200_000` fills a benchmark database in a few minutes with bulk inserts
(search text computed here, one INSERT per batch, the trigger computing the vector).
"""

import random
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils.text import slugify

from annuaire.models import Category, HeadcountBand, Label, Organisation
from annuaire.services import bump_directory_version, rebuild_search_lexicon
from referentiels.models import EssFamily, LegalForm, NafActivity, Territory, TerritoryKind


@dataclass(frozen=True)
class Theme:
    activity: str  # what goes in the name
    category: str  # slug of the thematic category
    naf: str
    description: str


THEMES = [
    Theme(
        "Ressourcerie",
        "economie-circulaire-et-reemploi",
        "38.32Z",
        "Collecte, tri et revente d'objets de seconde main ; ateliers de réparation et sensibilisation au réemploi.",
    ),
    Theme(
        "Recyclerie",
        "economie-circulaire-et-reemploi",
        "47.79Z",
        "Boutique solidaire de réemploi : meubles, vêtements et électroménager remis en état par des salariés en insertion.",
    ),
    Theme(
        "Jardins partagés",
        "agriculture-et-alimentation-durable",
        "01.13Z",
        "Jardins collectifs et maraîchage biologique, paniers de légumes péi et ateliers de cuisine pour les familles du quartier.",
    ),
    Theme(
        "Chantier d'insertion",
        "insertion-par-lactivite-economique",
        "81.30Z",
        "Chantier d'insertion en espaces verts et entretien des ravines : accompagnement socioprofessionnel vers l'emploi durable.",
    ),
    Theme(
        "Épicerie solidaire",
        "action-sociale-et-solidarite",
        "47.11B",
        "Épicerie à petits prix pour les ménages modestes, ateliers budget et lien social.",
    ),
    Theme(
        "Aide à domicile",
        "services-a-la-personne",
        "88.10A",
        "Aide et accompagnement à domicile des personnes âgées et des personnes en situation de handicap.",
    ),
    Theme(
        "Atelier vélo",
        "mobilite",
        "95.29Z",
        "Atelier participatif de réparation de vélos, vélo-école et location solidaire pour aller travailler.",
    ),
    Theme(
        "Soutien scolaire",
        "education-populaire-et-jeunesse",
        "85.59B",
        "Accompagnement à la scolarité, aide aux devoirs et activités éducatives pour les enfants et les jeunes.",
    ),
    Theme(
        "École de musique",
        "culture-et-patrimoine",
        "85.52Z",
        "Enseignement du maloya, du séga et des musiques actuelles ; concerts et transmission du patrimoine musical réunionnais.",
    ),
    Theme(
        "Club sportif",
        "sport-et-loisirs",
        "93.12Z",
        "Club sportif ouvert à tous : pratique loisir et compétition, sport-santé et inclusion par le sport.",
    ),
    Theme(
        "Tiers-lieu numérique",
        "numerique-et-inclusion-numerique",
        "62.02A",
        "Tiers-lieu et espace public numérique : médiation numérique, ateliers et accompagnement aux démarches en ligne.",
    ),
    Theme(
        "Habitat solidaire",
        "habitat-et-logement",
        "68.20A",
        "Accompagnement à l'amélioration de l'habitat, auto-réhabilitation accompagnée et logement des plus fragiles.",
    ),
    Theme(
        "Écotourisme",
        "tourisme-solidaire",
        "79.90Z",
        "Randonnées accompagnées, accueil à la ferme et découverte des Hauts avec des habitants.",
    ),
    Theme(
        "Transition énergétique",
        "environnement-et-transition-ecologique",
        "35.11Z",
        "Production d'énergie solaire citoyenne et conseil en sobriété énergétique pour les ménages et les associations.",
    ),
    Theme(
        "Centre de formation",
        "formation-et-emploi",
        "85.59A",
        "Formations qualifiantes et remise à niveau pour les demandeurs d'emploi et les salariés de l'ESS.",
    ),
    Theme(
        "Santé communautaire",
        "sante-et-medico-social",
        "86.90F",
        "Prévention santé, dépistage et accompagnement des personnes éloignées des soins.",
    ),
    Theme(
        "Accueil de jour",
        "handicap",
        "88.10C",
        "Accueil de jour et activités pour adultes en situation de handicap ; soutien aux aidants.",
    ),
    Theme(
        "Microcrédit",
        "finance-solidaire",
        "64.92Z",
        "Prêts d'honneur, garanties et microcrédit pour les créateurs d'entreprise et les projets de l'ESS.",
    ),
    Theme(
        "Commerce équitable",
        "commerce-equitable",
        "47.29Z",
        "Boutique de produits équitables et locaux : vanille, café Bourbon pointu, artisanat de l'océan Indien.",
    ),
    Theme(
        "Restaurant d'insertion",
        "insertion-par-lactivite-economique",
        "56.10A",
        "Restaurant et traiteur d'insertion : cuisine réunionnaise de produits locaux et parcours vers les métiers de bouche.",
    ),
]

WORDS = [
    "Lakaz",
    "Lespwar",
    "Ti Pa Ti Pa",
    "Kolèr Lo Kèr",
    "Lakour",
    "Marmay",
    "Zarlor",
    "Ti Pousse",
    "Fanal",
    "Bann Zanfan",
    "Lantant",
    "Kaz Nout",
    "Vavangaz",
    "Lo Kalou",
    "Bon Kèr",
    "Solid'Ère",
    "Ensemble",
    "Horizon",
    "Racines",
    "Alizés",
    "Piton",
    "Bois de Couleurs",
    "Tamarin",
    "Vétiver",
    "Flamboyant",
    "Goyavier",
    "Letchi",
    "Bel Air",
    "Bourbon",
    "Pointe",
    "Ravine",
    "Cirque",
    "Lagon",
    "Volcan",
]
# family -> (legal form codes, name patterns); {a} activity, {w} word, {c} commune
FAMILIES = {
    EssFamily.ASSOCIATION: (
        ["9220", "9220", "9220", "9221", "9222", "9230"],
        ["Association {w}", "{a} {w}", "{a} de {c}", "Association {a} {c}", "{w} — {a}"],
    ),
    EssFamily.COOPERATIVE: (
        ["5458", "5460", "5560", "6317", "5558"],
        ["SCOP {w}", "SCIC {a} {c}", "Coopérative {w}", "SCIC {w}", "Coopérative {a} de {c}"],
    ),
    EssFamily.MUTUELLE: (["8210", "8290"], ["Mutuelle {w}", "Mutuelle {a} de La Réunion", "Mutuelle de {c}"]),
    EssFamily.FONDATION: (["9300"], ["Fondation {w}", "Fondation {w} pour {a_lower}"]),
    EssFamily.SOCIETE_COMMERCIALE: (["5710", "5499"], ["{w} Solidaire", "{a} {w} ESUS", "{w} Impact"]),
}
FAMILY_WEIGHTS = [
    (EssFamily.ASSOCIATION, 78),
    (EssFamily.COOPERATIVE, 10),
    (EssFamily.MUTUELLE, 3),
    (EssFamily.FONDATION, 3),
    (EssFamily.SOCIETE_COMMERCIALE, 6),
]
# What the demo support structures declare: some take every project, others specialise.
SUPPORT_STAGES = [
    ["emergence", "creation"],
    ["emergence", "creation", "developpement", "reprise", "transmission"],
    ["developpement", "reprise", "transmission"],
    ["creation", "developpement"],
]

STREETS = [
    "rue de la République",
    "chemin des Barrières",
    "rue du Général de Gaulle",
    "allée des Flamboyants",
    "rue Jean Chatel",
    "chemin Bois de Nèfles",
    "rue des Lilas",
    "route Hubert Delisle",
    "rue du Stade",
    "boulevard de la Marine",
    "impasse des Tamarins",
    "rue Amiral Lacaze",
]


def _luhn(prefix: str) -> str:
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def demo_siret(index: int, *, prefix: str = "8") -> str:
    """A fictional SIRET that passes the Luhn key, unique per (prefix, index)."""
    siren = _luhn(f"{prefix}{index:07d}")
    return _luhn(f"{siren}0001")


def _pick_family(rng: random.Random) -> EssFamily:
    return rng.choices([family for family, _ in FAMILY_WEIGHTS], weights=[w for _, w in FAMILY_WEIGHTS])[0]


def _generate(index: int, rng: random.Random, refs: dict) -> tuple[dict, list[int], list[int], list[int]]:
    family = _pick_family(rng)
    form_codes, patterns = FAMILIES[family]
    theme = rng.choice(THEMES)
    commune = rng.choice(refs["communes"])
    word = rng.choice(WORDS)
    name = rng.choice(patterns).format(a=theme.activity, a_lower=theme.activity.lower(), w=word, c=commune.name)
    support = rng.random() < 0.08
    funder = theme.category == "finance-solidaire" or rng.random() < 0.02
    supplier = family in {EssFamily.COOPERATIVE, EssFamily.SOCIETE_COMMERCIALE} or rng.random() < 0.12
    category_ids = [refs["categories"][theme.category]]
    if rng.random() < 0.3:
        category_ids.append(rng.choice(list(refs["categories"].values())))
    label_ids = []
    if theme.category == "insertion-par-lactivite-economique":
        label_ids.append(refs["labels"][rng.choice(["entreprise-dinsertion-ei", "atelier-et-chantier-dinsertion-aci"])])
    elif rng.random() < 0.05:
        label_ids.append(rng.choice(list(refs["labels"].values())))
    covered = [commune.parent_id] if support else []
    activity = refs["naf"][theme.naf]
    description = theme.description
    if support:
        description += " Accompagne les porteurs de projet de l'ESS : émergence, création, financement."
    search_text = " ".join(
        [
            commune.name,
            refs["epci_names"][commune.parent_id],
            activity.label,
            refs["sector_labels"][activity.division.section_id],
        ]
        + [refs["category_names"][pk] for pk in set(category_ids)]
        + [refs["label_names"][pk] for pk in label_ids]
    )
    row = {
        "name": name,
        "slug": f"{slugify(name)[:200]}-{index}",
        "siret": demo_siret(index),
        "siren": demo_siret(index)[:9],
        "legal_form_id": refs["forms"][rng.choice(form_codes)],
        "ess_family": family,
        "ess_declared": family == EssFamily.SOCIETE_COMMERCIALE,
        "esus_agreement": family == EssFamily.SOCIETE_COMMERCIALE and rng.random() < 0.6,
        "naf_activity_id": activity.pk,
        "sector_id": activity.division.section_id,
        "description": description,
        "address": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        "postcode": "974" + commune.code[-2:],
        "commune_id": commune.pk,
        "epci_id": commune.parent_id,
        "latitude": round(commune.latitude + rng.uniform(-0.02, 0.02), 5),
        "longitude": round(commune.longitude + rng.uniform(-0.02, 0.02), 5),
        "website": f"https://{slugify(word)}-{index}.example.re",
        "email": f"contact@{slugify(word)}-{index}.example.re",
        "phone": f"0262 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "headcount_band": rng.choice(HeadcountBand.values),
        "creation_year": rng.randint(1950, 2025),
        "is_ess_actor": True,
        "is_support_structure": support,
        "support_stages": SUPPORT_STAGES[index % len(SUPPORT_STAGES)] if support else [],
        "is_funder": funder,
        "is_supplier": supplier,
        "is_institutional_partner": rng.random() < 0.01,
        "is_published": rng.random() < 0.96,
        "last_verified_at": date(2026, rng.randint(1, 11), rng.randint(1, 28)),
        "search_text": search_text,
    }
    return row, sorted(set(category_ids)), label_ids, covered


def _references() -> dict:
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("code"))
    epcis = Territory.objects.filter(kind=TerritoryKind.EPCI)
    categories = {c.slug: c.pk for c in Category.objects.all()}
    labels = {label.slug: label.pk for label in Label.objects.all()}
    activities = NafActivity.objects.select_related("division__section").filter(code__in=[t.naf for t in THEMES])
    return {
        "communes": communes,
        "epci_names": {e.pk: f"{e.name} {e.short_name}" for e in epcis},
        "categories": categories,
        "category_names": {c.pk: c.name for c in Category.objects.all()},
        "labels": labels,
        "label_names": {label.pk: label.name for label in Label.objects.all()},
        "forms": {f.code: f.pk for f in LegalForm.objects.all()},
        "naf": {a.code: a for a in activities},
        "sector_labels": {a.division.section_id: a.division.section.label for a in activities},
    }


def seed_organisations(*, size: int = 300, batch_size: int = 5000, seed: int = 974) -> int:
    """Create the demo organisations 0..size-1 that do not exist yet; returns how many were created."""
    refs = _references()
    rng = random.Random(seed)
    through_categories = Organisation.categories.through
    through_labels = Organisation.labels.through
    through_covered = Organisation.territories_covered.through
    created = 0
    # Generation is deterministic: the same index gives the same slug, so a second run
    # inserts only what is missing.
    generated = [_generate(index, rng, refs) for index in range(size)]
    present = set(Organisation.objects.filter(slug__regex=r"-[0-9]+$").values_list("slug", flat=True))
    missing = [item for item in generated if item[0]["slug"] not in present]
    for start in range(0, len(missing), batch_size):
        chunk = missing[start : start + batch_size]
        with transaction.atomic():
            objects = Organisation.objects.bulk_create([Organisation(**row) for row, *_ in chunk])
            categories, labels, covered = [], [], []
            for organisation, (_row, category_ids, label_ids, territory_ids) in zip(objects, chunk, strict=True):
                categories += [
                    through_categories(organisation_id=organisation.pk, category_id=pk) for pk in category_ids
                ]
                labels += [through_labels(organisation_id=organisation.pk, label_id=pk) for pk in label_ids]
                covered += [through_covered(organisation_id=organisation.pk, territory_id=pk) for pk in territory_ids]
            through_categories.objects.bulk_create(categories)
            through_labels.objects.bulk_create(labels)
            through_covered.objects.bulk_create(covered)
        created += len(chunk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE annuaire_organisation")
    rebuild_search_lexicon()
    bump_directory_version()
    return created


def seed_moderation_queue() -> int:
    """A few pending proposals and a confirmed claim, so that the admin shows real work."""
    from datetime import timedelta

    from django.utils import timezone

    from annuaire.models import Claim, Contribution

    if Contribution.objects.exists():
        return 0
    now = timezone.now()
    consent = "Consentement de démonstration."
    people = [("Marie Hoarau", "marie.hoarau@example.re"), ("Olivier Técher", "olivier.techer@example.re")]
    Contribution.objects.create(
        kind=Contribution.Kind.NEW,
        proposed={"name": "Repair Café de Saint-Leu", "commune": "97413", "description": "Réparation d'objets tous les samedis.",
                  "categories": ["economie-circulaire-et-reemploi"]},
        contributor_name=people[0][0], contributor_email=people[0][1], consent_text=consent, consent_at=now,
    )  # fmt: skip
    target = Organisation.objects.filter(is_published=True).order_by("pk").first()
    if target:
        Contribution.objects.create(
            kind=Contribution.Kind.CORRECTION, organisation=target,
            proposed={"phone": "0262 41 00 00", "website": "https://nouveau-site.example.re"},
            message="Notre numéro a changé en septembre.",
            contributor_name=people[1][0], contributor_email=people[1][1], consent_text=consent, consent_at=now,
        )  # fmt: skip
        Claim.objects.create(
            organisation=target, name=people[1][0], email=people[1][1], position="Coordinateur",
            consent_text=consent, consent_at=now,
            expires_at=now + timedelta(days=7), status=Claim.Status.CONFIRMED,
        )  # fmt: skip
    return Contribution.objects.count()
