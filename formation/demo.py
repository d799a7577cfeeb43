"""Demo catalogue for `seed_demo`: fictional trainings, trainers and sessions dated around
the day it runs; past sessions with their attendance and survey answers, upcoming ones with
registrations, one of them full with a waiting list.

Idempotent: trainings and trainers are matched on their address or name; a training that
already has sessions gets no new ones. Every state past the first goes through
`REGISTRATION_WORKFLOW` (a registration is created « inscrite » or « en attente », then
marked present or absent), as the staff would do it.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from formation.documents import certificate_number, certificate_pdf
from formation.models import (
    AssessmentResult,
    Attendance,
    Audience,
    HalfDay,
    HrMessage,
    HrRequest,
    HrRequestTransition,
    Modality,
    Registration,
    RegistrationTransition,
    Session,
    SurveyResponse,
    Theme,
    Trainer,
    Training,
)
from formation.workflows import HR_WORKFLOW, REGISTRATION_WORKFLOW
from referentiels.models import RomeFiche, Territory, TerritoryKind

DEMO_CONSENT = (
    "J'accepte que la CRESS La Réunion utilise ces informations pour gérer mon inscription, "
    "m'envoyer la convocation, l'attestation et les questionnaires de satisfaction (démonstration)."
)

TRAINERS = [
    # first name, last name, organisation, bio
    (
        "Marie-Josée",
        "Hoarau",
        "CRESS La Réunion",
        "Chargée de formation à la CRESS, ancienne directrice d'association.",
    ),
    (
        "Thierry",
        "Payet",
        "URSCOP Réunion",
        "Accompagne la création et la reprise de SCOP et de SCIC depuis quinze ans.",
    ),
    ("Anne-Laure", "Grondin", "Cabinet Kalou Conseil", "Juriste en droit social, spécialiste des employeurs de l'ESS."),
    ("Didier", "Fontaine", "CRESS La Réunion", "Expert-comptable de formation, référent gestion de la CRESS."),
]

# slug, title, theme, audiences, hours, modality, price, summary, objectives, programme, funding, trainer index,
# past sessions (days ago), upcoming sessions (days ahead), communes (INSEE) for the sessions.
A = Audience
TRAININGS = [
    (
        "gouvernance-associative",
        "Gouvernance associative : rôles du bureau et du conseil d'administration",
        Theme.GOVERNANCE,
        [A.VOLUNTEERS, A.MANAGERS],
        Decimal("7"),
        Modality.ONSITE,
        Decimal("0"),
        "Qui décide quoi dans une association ? Statuts, assemblée générale, conseil d'administration et bureau : "
        "une journée pour clarifier les rôles et sécuriser les décisions.",
        "Distinguer les rôles de l'assemblée générale, du conseil d'administration et du bureau\n"
        "Lire et faire évoluer les statuts et le règlement intérieur\n"
        "Organiser une prise de décision conforme et traçable",
        "<h3>Matin</h3><ul><li>Les instances associatives et leurs pouvoirs</li><li>Statuts et règlement "
        "intérieur</li></ul><h3>Après-midi</h3><ul><li>Préparer et animer une assemblée générale</li>"
        "<li>Cas pratiques à partir des statuts des participant·es</li></ul>",
        "Gratuit pour les bénévoles des associations adhérentes de la CRESS.",
        0,
        [160, 75],
        [12, 47],
        ["97411", "97416"],
    ),
    (
        "creer-une-scop-ou-une-scic",
        "Créer une SCOP ou une SCIC",
        Theme.COOPERATIVE,
        [A.HOLDERS],
        Decimal("14"),
        Modality.BLENDED,
        Decimal("0"),
        "Deux jours pour comprendre la société coopérative, choisir entre SCOP et SCIC, et bâtir le plan de "
        "financement de votre projet avec l'URSCOP.",
        "Expliquer les principes coopératifs et la répartition du pouvoir\n"
        "Choisir entre SCOP et SCIC selon son projet\n"
        "Construire un premier plan de financement",
        "<h3>Jour 1</h3><p>Les coopératives, la gouvernance, le sociétariat.</p><h3>Jour 2</h3>"
        "<p>Le financement : capital, réserves impartageables, outils de France Active et de l'URSCOP.</p>",
        "Gratuit pour les porteurs de projet (financement Région Réunion et FSE).",
        1,
        [120],
        [33],
        ["97415"],
    ),
    (
        "comptabilite-associative",
        "Comptabilité associative : les bases",
        Theme.MANAGEMENT,
        [A.EMPLOYEES, A.VOLUNTEERS],
        Decimal("14"),
        Modality.ONSITE,
        Decimal("350"),
        "Tenir les comptes d'une association, comprendre le bilan et le compte de résultat, préparer "
        "l'arrêté des comptes avec le trésorier ou la trésorière.",
        "Enregistrer les opérations courantes d'une association\n"
        "Lire un bilan et un compte de résultat\n"
        "Préparer l'arrêté des comptes et le rapport financier",
        "<ul><li>Le plan comptable des associations</li><li>Subventions, dons, contributions volontaires</li>"
        "<li>Clôture de l'exercice</li></ul>",
        "Prise en charge possible par l'OPCO (Uniformation) pour les salarié·es.",
        3,
        [95],
        [26, 68],
        ["97411", "97410"],
    ),
    (
        "financer-son-projet-ess",
        "Financer son projet d'économie sociale et solidaire",
        Theme.FUNDING,
        [A.HOLDERS, A.MANAGERS],
        Decimal("7"),
        Modality.REMOTE,
        Decimal("0"),
        "Subventions, prêts d'honneur, garanties, financement participatif : panorama des financements "
        "mobilisables à La Réunion et méthode pour construire son plan de financement.",
        "Identifier les financeurs publics et privés de l'ESS à La Réunion\n"
        "Construire un plan de financement équilibré\n"
        "Préparer un dossier de demande convaincant",
        "<p>En ligne, en deux demi-journées : les financeurs, puis l'atelier « mon plan de financement ».</p>",
        "Gratuit pour les porteurs de projet.",
        0,
        [140, 50],
        [19],
        [],
    ),
    (
        "recruter-et-integrer",
        "Recruter et intégrer un·e salarié·e dans une petite structure de l'ESS",
        Theme.HR,
        [A.EMPLOYERS, A.MANAGERS],
        Decimal("7"),
        Modality.ONSITE,
        Decimal("250"),
        "De la fiche de poste à la fin de la période d'essai : les étapes d'un recrutement réussi et les aides "
        "à l'embauche mobilisables.",
        "Rédiger une fiche de poste et une offre d'emploi\n"
        "Conduire un entretien de recrutement non discriminant\n"
        "Organiser l'accueil et l'intégration",
        "<ul><li>Définir le besoin</li><li>Les aides à l'emploi (PEC, adulte relais, FONJEP)</li>"
        "<li>L'entretien</li><li>Le parcours d'intégration</li></ul>",
        "OPCO de la branche ; gratuit pour les adhérents de la CRESS dans la limite des places.",
        2,
        [110],
        [40],
        ["97416"],
    ),
    (
        "obligations-employeur-associatif",
        "Les obligations de l'employeur associatif",
        Theme.EMPLOYER,
        [A.EMPLOYERS],
        Decimal("7"),
        Modality.ONSITE,
        Decimal("250"),
        "Contrat de travail, durée du travail, santé et sécurité, document unique, entretien professionnel : ce "
        "que la loi demande à une association employeuse.",
        "Recenser les obligations légales de l'employeur\n"
        "Mettre à jour le document unique d'évaluation des risques\n"
        "Planifier les entretiens professionnels",
        "<ul><li>Le contrat et ses clauses</li><li>Le temps de travail</li><li>Santé, sécurité et DUERP</li></ul>",
        "OPCO de la branche.",
        2,
        [85],
        [54],
        ["97407"],
    ),
    (
        "comprendre-l-ess",
        "Comprendre l'économie sociale et solidaire",
        Theme.ESS,
        [A.HOLDERS, A.EMPLOYEES, A.VOLUNTEERS],
        Decimal("3.5"),
        Modality.REMOTE,
        Decimal("0"),
        "Une matinée en ligne pour découvrir l'ESS, ses familles, ses principes et son poids à La Réunion.",
        "Définir l'ESS et ses familles (loi de 2014)\nSituer l'ESS dans l'économie réunionnaise",
        "<p>Histoire et principes, les chiffres de l'observatoire régional, témoignages.</p>",
        "Gratuit.",
        0,
        [60, 30],
        [9, 37],
        [],
    ),
    (
        "paie-et-convention-collective",
        "Paie et convention collective ÉCLAT",
        Theme.MANAGEMENT,
        [A.EMPLOYEES, A.EMPLOYERS],
        Decimal("14"),
        Modality.ONSITE,
        Decimal("400"),
        "Établir un bulletin de paie conforme à la convention collective de l'animation (ÉCLAT) : classification, "
        "salaire minimum, primes et absences.",
        "Appliquer la classification et la rémunération de la convention ÉCLAT\n"
        "Établir un bulletin de paie complet\nTraiter les absences et les congés",
        "<ul><li>La convention ÉCLAT</li><li>Le bulletin de paie, ligne à ligne</li><li>Absences et congés</li></ul>",
        "OPCO (Uniformation).",
        3,
        [],
        [61],
        ["97411"],
    ),
    (
        "animer-une-assemblee-generale",
        "Animer une assemblée générale vivante",
        Theme.GOVERNANCE,
        [A.VOLUNTEERS, A.MANAGERS],
        Decimal("3.5"),
        Modality.REMOTE,
        Decimal("0"),
        "Des techniques d'animation pour une assemblée générale où les adhérent·es participent vraiment.",
        "Préparer un ordre du jour participatif\nUtiliser trois techniques d'animation\nRédiger un procès-verbal",
        "<p>Atelier en ligne, avec des mises en situation en petits groupes.</p>",
        "Gratuit pour les bénévoles.",
        0,
        [],
        [22],
        [],
    ),
    (
        "plan-de-developpement-des-competences",
        "Construire le plan de développement des compétences",
        Theme.HR,
        [A.EMPLOYERS],
        Decimal("7"),
        Modality.BLENDED,
        Decimal("250"),
        "Recenser les besoins, construire le plan, le financer avec l'OPCO et le suivre dans l'année.",
        "Recueillir les besoins de formation de l'équipe\nConstruire et chiffrer le plan\nMobiliser les "
        "financements de l'OPCO",
        "<ul><li>Du besoin au plan</li><li>Les dispositifs : plan, CPF, Pro-A</li><li>Le suivi</li></ul>",
        "OPCO de la branche.",
        2,
        [],
        [],
        [],
    ),
]

DRAFT = ("marches-publics-et-clauses-sociales", "Marchés publics et clauses sociales (en préparation)")

FIRST_NAMES = [
    "Nathalie", "Jean-Pierre", "Sabrina", "Kévin", "Laetitia", "Johnny", "Marie-Annick", "Loïc", "Émilie", "Fabrice",
    "Nadège", "Yannick", "Cindy", "Frédéric", "Aurélie", "Ludovic", "Sophie", "Mickaël", "Priscilla", "Teddy",
]  # fmt: skip
LAST_NAMES = [
    "Payet", "Hoarau", "Grondin", "Técher", "Fontaine", "Boyer", "Rivière", "Dijoux", "Maillot", "Lebon",
    "Nativel", "Robert", "Turpin", "Clain", "Virapoullé", "Sautron", "Huet", "Lauret", "Mussard", "Gonthier",
]  # fmt: skip
ORGANISATIONS = [
    "Lakour Solidaire", "Ressourcerie Lespas Recyclage", "Jardins partagés des Hauts", "SCIC Énergie Soleil Sud",
    "Association Lire et Écrire Nord", "", "Mutuelle Entraide Kréol",
]  # fmt: skip

CAPACITY = 12
FULL_SESSION = ("gouvernance-associative", 0)  # (training, upcoming session index): full, with a waiting list
WAITING_LIST = 3


def seed_trainings(now: datetime | None = None) -> dict:
    """The demo catalogue; returns what was created."""
    now = now or timezone.now()
    communes = {t.code: t for t in Territory.objects.filter(kind=TerritoryKind.COMMUNE)}
    if not communes:
        return {"trainings": 0, "sessions": 0, "registrations": 0}
    report = {"trainings": 0, "sessions": 0, "registrations": 0}
    with transaction.atomic():
        trainers = [_trainer(*spec) for spec in TRAINERS]
        for spec in TRAININGS:
            training, created = _training(spec)
            report["trainings"] += created
            if training.sessions.exists():
                continue
            sessions, registrations = _sessions(training, spec, trainers, communes, now)
            report["sessions"] += sessions
            report["registrations"] += registrations
        _draft()
        report["certificates"] = _certificate_files()
        report["hr_requests"] = _hr_requests(now)
    return report


def _certificate_files(limit: int = 12) -> int:
    """The PDF of the latest certificates (as the worker builds them, without emailing the
    demo's addresses): staff can open them in the admin. The others keep their number."""
    latest = (
        Registration.objects.filter(certificate_number__isnull=False, certificate_file="")
        .select_related("session__training", "session__commune")
        .order_by("-session__ends_at", "pk")[:limit]
    )
    if Registration.objects.exclude(certificate_file="").exists():
        return 0  # built at the first seeding
    built = 0
    for registration in latest:
        pdf = certificate_pdf(registration)
        registration.certificate_file.save(f"attestation-{registration.certificate_number}.pdf", ContentFile(pdf))
        built += 1
    return built


HR_REQUESTS = (
    ("Association Lakour Marmay", 14, "Marie Hoarau", "recrutement", HrRequest.Status.NEW,
     "Nous recrutons un ou une coordinatrice en CDD de 12 mois : quelle convention collective appliquer, "
     "et peut-on mobiliser une aide à l'embauche ?"),
    ("SCIC Ti Kaz Solidaire", 32, "Jean-Luc Payet", "plan_formation", HrRequest.Status.IN_PROGRESS,
     "Nous voulons construire notre plan de développement des compétences pour l'an prochain avec notre OPCO."),
    ("Ressourcerie du Sud", 9, "Sophie Grondin", "obligations", HrRequest.Status.CLOSED,
     "À partir de combien de salariés devons-nous organiser l'élection d'un CSE ?"),
)  # fmt: skip


def _hr_requests(now: datetime) -> int:
    """Some employers' HR questions, one in conversation, one closed (demo addresses)."""
    created = 0
    hr_training = Training.objects.filter(theme="rh", status=Training.Status.PUBLISHED).first()
    for number, (name, headcount, contact, need, status, description) in enumerate(HR_REQUESTS, start=1):
        reference = f"RH-DEMO-{number:03d}"
        if HrRequest.objects.filter(reference=reference).exists():
            continue
        asked_at = now - timedelta(days=12 - 4 * number)
        hr_request = HrRequest.objects.create(
            reference=reference,
            organisation_name=name,
            headcount=headcount,
            contact_name=contact,
            email=f"rh{number}@demo.ess-reunion.re",
            need=need,
            description=description,
            consent_text="Données utilisées pour répondre à ma demande (démonstration).",
            consent_at=asked_at,
            created_at=asked_at,
        )
        created += 1
        if status == HrRequest.Status.NEW:
            continue
        HR_WORKFLOW.apply(hr_request, HrRequest.Status.IN_PROGRESS, log_model=HrRequestTransition)
        HrMessage.objects.create(
            request=hr_request,
            author_kind=HrMessage.Author.STAFF,
            body="Bonjour, nous regardons votre question ; une formation du catalogue peut aussi vous aider.",
            created_at=asked_at + timedelta(days=1),
        )
        if hr_training is not None:
            HrRequest.objects.filter(pk=hr_request.pk).update(suggested_training=hr_training)
        if status == HrRequest.Status.CLOSED:
            HR_WORKFLOW.apply(
                hr_request, HrRequest.Status.CLOSED, log_model=HrRequestTransition, changes={"closed_at": now}
            )
    return created


def _trainer(first_name, last_name, organisation, bio) -> Trainer:
    trainer, _created = Trainer.objects.update_or_create(
        first_name=first_name,
        last_name=last_name,
        defaults={
            "organisation_name": organisation,
            "bio": bio,
            "email": f"{first_name}.{last_name}@formation.example.re".lower().replace("é", "e"),
        },
    )
    return trainer


# The métiers (ROME fiches) each demo training prepares for: the job board's « métiers de
# l'ESS » pages list them (lib.trainings).
ROME_FICHES = {
    "comptabilite-associative": ["M1203", "M1607"],
    "paie-et-convention-collective": ["M1203", "M1205"],
    "financer-son-projet-ess": ["K1802", "M1402"],
    "recruter-et-integrer": ["M1205", "K1802"],
    "gouvernance-associative": ["K1802"],
    "plan-de-developpement-des-competences": ["K2111", "M1205"],
}


def _training(spec) -> tuple[Training, bool]:
    (slug, title, theme, audiences, hours, modality, price, summary, objectives, programme, funding, *_rest) = spec
    training, created = Training.objects.update_or_create(
        slug=slug,
        defaults={
            "title": title,
            "theme": theme,
            "audiences": [str(code) for code in audiences],
            "summary": summary,
            "objectives": objectives,
            "programme": programme,
            "duration_hours": hours,
            "modality": modality,
            "price": price,
            "funding": funding,
            "teaching_methods": "Apports, échanges d'expériences et exercices sur les documents des stagiaires.",
            "what_to_bring": "Les statuts ou documents de votre structure si vous en avez.",
            "status": Training.Status.PUBLISHED,
        },
    )
    codes = ROME_FICHES.get(slug, [])
    if codes and not training.rome_fiches.exists():
        training.rome_fiches.set(RomeFiche.objects.filter(code__in=codes))
    return training, created


def _draft() -> None:
    slug, title = DRAFT
    Training.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "theme": Theme.EMPLOYER,
            "audiences": [Audience.MANAGERS.value],
            "summary": "Répondre aux marchés publics qui réservent des lots ou posent des clauses sociales.",
            "objectives": "Repérer les marchés réservés\nRépondre à une clause d'insertion",
            "programme": "<p>En préparation.</p>",
            "duration_hours": Decimal("7"),
            "modality": Modality.ONSITE,
            "status": Training.Status.DRAFT,
        },
    )


def _day_times(day: date, hours: Decimal, tz) -> tuple[datetime, datetime]:
    if hours <= 4:
        return datetime.combine(day, time(8, 30), tzinfo=tz), datetime.combine(day, time(12, 0), tzinfo=tz)
    return datetime.combine(day, time(8, 30), tzinfo=tz), datetime.combine(day, time(16, 30), tzinfo=tz)


def _sessions(training, spec, trainers, communes, now) -> tuple[int, int]:
    slug, hours, modality, trainer_index, past, upcoming, commune_codes = (
        spec[0], spec[4], spec[5], spec[11], spec[12], spec[13], spec[14],
    )  # fmt: skip
    rng = random.Random(slug)
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now).date()
    days = 2 if hours > 8 else 1
    made = registrations = 0
    for index, offset in enumerate([-days_ago for days_ago in past] + list(upcoming)):
        first_day = today + timedelta(days=offset)
        while first_day.weekday() >= 5 or (days == 2 and first_day.weekday() == 4):
            first_day += timedelta(days=1)  # weekdays only, two-day sessions not over a weekend
        starts_at, _end = _day_times(first_day, hours, tz)
        _start, ends_at = _day_times(first_day + timedelta(days=days - 1), hours, tz)
        on_site = modality != Modality.REMOTE and commune_codes
        session = Session.objects.create(
            training=training,
            starts_at=starts_at,
            ends_at=ends_at,
            commune=communes[commune_codes[index % len(commune_codes)]] if on_site else None,
            address="CRESS La Réunion, salle de formation" if on_site else "",
            access_notes="Parking gratuit ; salle accessible en fauteuil roulant." if on_site else "",
            online_url="" if on_site else f"https://visio.example.re/{slug}-{index + 1}",
            trainer=trainers[trainer_index],
            capacity=CAPACITY,
            allow_groups=index % 2 == 1,
            created_at=now - timedelta(days=200),
        )
        half_days = _half_days(session, first_day, days, hours)
        made += 1
        if offset < 0:
            registrations += _past_registrations(session, half_days, rng, now)
        else:
            upcoming_index = index - len(past)
            full = (slug, upcoming_index) == FULL_SESSION
            registrations += _upcoming_registrations(session, rng, now, full=full)
    return made, registrations


def _half_days(session, first_day: date, days: int, hours: Decimal) -> list[HalfDay]:
    periods = [HalfDay.Period.MORNING] if hours <= 4 else [HalfDay.Period.MORNING, HalfDay.Period.AFTERNOON]
    return [
        HalfDay.objects.create(session=session, date=first_day + timedelta(days=day), period=period)
        for day in range(days)
        for period in periods
    ]


def _person(rng, session, number: int, *, created_at, status=Registration.Status.REGISTERED, waiting_since=None):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    ascii_name = f"{first}.{last}".lower()
    for accented, plain in (("é", "e"), ("è", "e"), ("ë", "e"), ("ï", "i"), ("ç", "c")):
        ascii_name = ascii_name.replace(accented, plain)
    return Registration.objects.create(
        session=session,
        first_name=first,
        last_name=last,
        email=f"{ascii_name}.{session.pk}-{number}@demo.example.re",
        organisation_name=rng.choice(ORGANISATIONS),
        job_title=rng.choice(["Trésorière", "Coordinateur", "Présidente", "Chargé de projet", "Bénévole"]),
        consent_text=DEMO_CONSENT,
        consent_at=created_at,
        created_at=created_at,
        status=status,
        waiting_since=waiting_since,
    )


def _past_registrations(session, half_days, rng, now) -> int:
    count = rng.randint(8, CAPACITY)
    cold_due = session.ends_at < now - timedelta(days=60)
    for number in range(count):
        registration = _person(rng, session, number, created_at=session.starts_at - timedelta(days=rng.randint(8, 40)))
        if number == count - 1 and rng.random() < 0.7:
            REGISTRATION_WORKFLOW.apply(registration, Registration.Status.CANCELLED, log_model=RegistrationTransition)
            continue
        absent = rng.random() < 0.1
        presence = [not absent and rng.random() > 0.06 for _ in half_days]
        for half_day, present in zip(half_days, presence, strict=True):
            Attendance.objects.create(
                registration=registration, half_day=half_day, present=present, recorded_at=session.ends_at
            )
        target = Registration.Status.PRESENT if any(presence) else Registration.Status.ABSENT
        REGISTRATION_WORKFLOW.apply(registration, target, log_model=RegistrationTransition, comment="Feuille signée")
        if target != Registration.Status.PRESENT:
            continue
        # The assessment recorded on the attendance page; the certificates' number follows.
        registration.assessment_result = rng.choices(list(AssessmentResult), weights=[8, 2, 0.3])[0]
        registration.certificate_number = certificate_number(registration)
        registration.certificate_issued_at = session.ends_at + timedelta(days=1)
        registration.save(update_fields=["assessment_result", "certificate_number", "certificate_issued_at"])
        if rng.random() < 0.85:
            SurveyResponse.objects.create(
                registration=registration,
                kind=SurveyResponse.Kind.HOT,
                satisfaction=rng.choices([3, 4, 5], weights=[1, 4, 5])[0],
                objectives_met=rng.choices([3, 4, 5], weights=[2, 5, 3])[0],
                comment=rng.choice(["", "", "Très concret, merci.", "Un peu court pour tout voir."]),
                answered_at=session.ends_at + timedelta(hours=2),
            )
        if cold_due and rng.random() < 0.6:
            SurveyResponse.objects.create(
                registration=registration,
                kind=SurveyResponse.Kind.COLD,
                satisfaction=rng.choice([4, 5]),
                objectives_met=rng.choice([3, 4, 5]),
                applied_at_work=rng.random() < 0.8,
                answered_at=session.ends_at + timedelta(days=62),
            )
    return count


def _upcoming_registrations(session, rng, now, *, full: bool) -> int:
    count = session.capacity if full else rng.randint(2, session.capacity - 3)
    for number in range(count):
        _person(rng, session, number, created_at=now - timedelta(days=rng.randint(2, 20)))
    if not full:
        return count
    for number in range(WAITING_LIST):
        since = now - timedelta(days=WAITING_LIST - number)
        _person(rng, session, count + number, created_at=since, status=Registration.Status.WAITING, waiting_since=since)
    return count + WAITING_LIST
