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
            intake, _token = submit_request(
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
