"""Demo intake requests: a living triage queue in every state, with history, messages and
orientations, filed and moved through the real services. Fictional people and projects."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accueil.forms import CONSENT_TEXT
from accueil.models import IntakeRequest, Need, ParticipantProfile, Stage
from accueil.orientation import answer_orientation, orient
from accueil.services import send_staff_message, submit_request, transition_request
from annuaire.models import Organisation
from referentiels.models import Territory, TerritoryKind

PEOPLE = [
    ("Céline", "Dijoux"), ("Johan", "Payet"), ("Marie-Noëlle", "Hoarau"), ("Kevin", "Grondin"),
    ("Sabrina", "Técher"), ("Loïc", "Fontaine"), ("Nadège", "Rivière"), ("Teddy", "Maillot"),
    ("Audrey", "Boyer"), ("Yannis", "Lebon"), ("Priscilla", "Morel"), ("Didier", "Nativel"),
]  # fmt: skip
PROJECTS = [
    (
        "Épicerie solidaire du Chaudron",
        "Une épicerie à petits prix et un café associatif pour les familles du quartier.",
    ),
    (
        "Recyclerie des Hauts",
        "Collecter, réparer et revendre meubles et électroménager, avec des salariés en insertion.",
    ),
    (
        "SCIC d'énergie solaire citoyenne",
        "Installer des panneaux sur les toits des écoles avec les habitants et la commune.",
    ),
    (
        "Jardin partagé et paniers péi",
        "Maraîchage biologique et paniers hebdomadaires pour les salariés des entreprises voisines.",
    ),
    ("Atelier vélo solidaire", "Réparation participative, vélo-école et location de vélos pour aller travailler."),
    (
        "Reprise d'une boulangerie en SCOP",
        "Les quatre salariés veulent reprendre la boulangerie de leur patron qui part en retraite.",
    ),
    (
        "Tiers-lieu numérique",
        "Un lieu pour apprendre le numérique et faire ses démarches en ligne, avec des médiateurs.",
    ),
    ("Traiteur d'insertion", "Cuisine réunionnaise de produits locaux et parcours vers les métiers de bouche."),
]
# (status to reach, outcome) — the path is walked through the workflow.
PATHS = {
    "nouvelle": [],
    "qualification": ["qualification"],
    "attente_infos": ["qualification", "attente_infos"],
    "orientee": ["qualification", "orient"],
    "suivi": ["qualification", "orient", "accept", "suivi"],
    "cloturee": ["qualification", "orient", "accept", "suivi", "cloturee"],
    "doublon": ["doublon"],
}


def seed_requests(*, count: int = 24, seed: int = 974) -> int:
    if IntakeRequest.objects.exists():
        return 0
    rng = random.Random(seed)
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE))
    structures = list(Organisation.objects.filter(is_published=True, is_support_structure=True).exclude(email=""))
    states = list(PATHS)
    members = set(Organisation.objects.filter(memberships__isnull=False).values_list("pk", flat=True))
    for index in range(count):
        first_name, last_name = PEOPLE[index % len(PEOPLE)]
        title, description = PROJECTS[index % len(PROJECTS)]
        commune = rng.choice(communes)
        with transaction.atomic():
            intake = submit_request(
                values={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{slugify(first_name)}.{slugify(last_name)}{index}@example.re",
                    "phone": f"0692 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    "commune": commune,
                    "title": title,
                    "description": description,
                    "sector": None,
                    "activity_commune": commune,
                    "stage": rng.choice(Stage.values),
                    "legal_form": None,
                    "siret": "",
                },
                needs=rng.sample(Need.values, k=rng.randint(1, 3)),
                documents=[],
                participant=None,
                consent_text=CONSENT_TEXT,
            )
            if rng.random() < 0.6:
                ParticipantProfile.objects.create(
                    request=intake,
                    sex=rng.choice(ParticipantProfile.Sex.values),
                    age_band=rng.choice(ParticipantProfile.AgeBand.values),
                    employment=rng.choice(ParticipantProfile.Employment.values),
                    education=rng.choice(ParticipantProfile.Education.values),
                )
            target = states[index % len(states)]
            for step in PATHS[target]:
                if step == "orient":
                    # Structures with partner accounts first, so that a partner login shows orientations.
                    with_members = [o for o in structures if o.pk in members]
                    chosen = (with_members[:1] + rng.sample(structures, k=min(2, len(structures))))[:2]
                    chosen = list(dict.fromkeys(chosen))
                    orientations = orient(intake=intake, organisations=chosen, by=None) if chosen else []
                elif step == "accept":
                    if orientations:
                        answer_orientation(
                            orientation=orientations[0],
                            accept=True,
                            message="Premier rendez-vous la semaine prochaine.",
                        )
                elif step == "attente_infos":
                    transition_request(intake=intake, target=step)
                    send_staff_message(intake=intake, by=None, body="Pouvez-vous nous préciser le budget de départ ?")
                else:
                    transition_request(intake=intake, target=step, outcome="projet_cree" if step == "cloturee" else "")
            age = timedelta(days=rng.randint(0, 40))
            IntakeRequest.objects.filter(pk=intake.pk).update(
                created_at=timezone.now() - age, last_activity_at=timezone.now() - age / 2
            )
    return count


def seed_bulk_requests(*, size: int, seed: int = 974) -> int:
    """Benchmark data only: `size` requests in every state, with history, orientations and
    FSE answers, written with bulk inserts (no emails). Returns how many were created."""
    from accueil.models import Orientation, OrientationTransition, RequestTransition

    existing = IntakeRequest.objects.count()
    if existing >= size:
        return 0
    rng = random.Random(seed)
    communes = list(Territory.objects.filter(kind=TerritoryKind.COMMUNE))
    structures = list(Organisation.objects.filter(is_published=True, is_support_structure=True)[:50])
    states = ["nouvelle", "qualification", "attente_infos", "orientee", "suivi", "cloturee", "doublon"]
    now = timezone.now()
    batch = []
    for index in range(existing, size):
        first_name, last_name = PEOPLE[index % len(PEOPLE)]
        title, description = PROJECTS[index % len(PROJECTS)]
        commune = communes[index % len(communes)]
        created = now - timedelta(days=rng.randint(0, 720), minutes=rng.randint(0, 1440))
        status = states[index % len(states)]
        batch.append(
            IntakeRequest(
                reference=f"ESS-BENCH-{index:06d}",
                first_name=first_name,
                last_name=last_name,
                email=f"{slugify(first_name)}.{slugify(last_name)}.{index}@example.re",
                commune=commune,
                activity_commune=commune,
                title=title,
                description=description,
                stage=rng.choice(Stage.values),
                needs=rng.sample(Need.values, k=rng.randint(1, 3)),
                consent_text=CONSENT_TEXT,
                consent_at=created,
                status=status,
                outcome="projet_cree" if status == "cloturee" else "",
                closed_at=created + timedelta(days=30) if status in {"cloturee", "doublon"} else None,
                created_at=created,
                last_activity_at=created + timedelta(days=rng.randint(0, 30)),
            )
        )
    created_rows = 0
    for start in range(0, len(batch), 5000):
        with transaction.atomic():
            rows = IntakeRequest.objects.bulk_create(batch[start : start + 5000])
            RequestTransition.objects.bulk_create(
                RequestTransition(subject=row, from_state="nouvelle", to_state=row.status)
                for row in rows
                if row.status != "nouvelle"
            )
            ParticipantProfile.objects.bulk_create(
                ParticipantProfile(request=row, sex=rng.choice(ParticipantProfile.Sex.values), age_band="25_54")
                for row in rows
                if rng.random() < 0.6
            )
            if structures:
                orientations = Orientation.objects.bulk_create(
                    Orientation(
                        request=row,
                        organisation=structures[i % len(structures)],
                        status="acceptee" if row.status in {"suivi", "cloturee"} else "envoyee",
                        sent_at=row.created_at,
                    )
                    for i, row in enumerate(rows)
                    if row.status in {"orientee", "suivi", "cloturee"}
                )
                OrientationTransition.objects.bulk_create(
                    OrientationTransition(subject=o, from_state="proposee", to_state="envoyee") for o in orientations
                )
        created_rows += len(rows)
    return created_rows
