"""Demo offers for `manage.py seed_demo` (issue 19, point 10): about sixty offers of ESS
métiers across the island's communes (some expired, a third volunteering), applications in
every state, two confirmed alerts, two skills records, and the career partners of the
directory that the intake's « travailler dans l'ESS » requests are oriented to. Fictional
and idempotent: an offer is matched on its organisation and title, an application on its
reference, an alert and a skills record on their address, a partner on its name.

States are entered through the declared workflows, as staff and employers would, without
emails (nobody reads the demo's outbox).
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from annuaire.models import Category, Organisation
from annuaire.services import save_organisation
from emplois import offers as services
from emplois import skills
from emplois.intake import CAREER_CATEGORIES
from emplois.models import (
    Application,
    ApplicationTransition,
    ApplyMode,
    Contract,
    JobAlert,
    Offer,
    OfferTransition,
    PayPeriod,
    Remote,
    SkillsExperience,
    SkillsRecord,
    WorkingTime,
)
from emplois.workflows import APPLICATION_WORKFLOW, OFFER_WORKFLOW
from lib.tokens import new_token
from referentiels.models import RomeFiche, Territory, TerritoryKind

Status = Offer.Status
# A one-page PDF (the candidates' CVs).
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (title, ROME code, contract, pay min, pay max, period, what the work is)
JOBS = [
    ("Aide à domicile", "K1302", Contract.CDI, "1800", "2000", PayPeriod.MONTH,
     "Accompagner des personnes âgées à leur domicile : aide au lever, aux repas, aux courses."),
    ("Auxiliaire de vie sociale", "K1302", Contract.CDD, "1850", "2050", PayPeriod.MONTH,
     "Soutenir des personnes en situation de handicap dans les actes de la vie quotidienne."),
    ("Agent·e d'entretien à domicile", "K1304", Contract.AIDED, "11.88", "12.50", PayPeriod.HOUR,
     "Entretien du linge et du logement de personnes accompagnées par l'association."),
    ("Animateur ou animatrice périscolaire", "G1203", Contract.CDD, "1750", "1900", PayPeriod.MONTH,
     "Animer les temps du midi et du soir d'écoles de la commune, avec une équipe de six."),
    ("Éducateur ou éducatrice spécialisée", "K1207", Contract.CDI, "2200", "2600", PayPeriod.MONTH,
     "Accompagner des jeunes de 16 à 21 ans dans leur projet de vie, en lien avec leurs familles."),
    ("Encadrant·e technique d'insertion", "K1203", Contract.CDI, "2100", "2400", PayPeriod.MONTH,
     "Encadrer une équipe de salariés en parcours d'insertion sur un chantier d'espaces verts."),
    ("Conseiller ou conseillère en insertion professionnelle", "K1801", Contract.CDD, "2000", "2300",
     PayPeriod.MONTH, "Accompagner des demandeurs d'emploi vers la formation et l'emploi durable."),
    ("Comptable d'association", "M1203", Contract.CDI, "2300", "2700", PayPeriod.MONTH,
     "Tenir la comptabilité de l'association, préparer le bilan et les comptes d'emploi des subventions."),
    ("Assistant·e de gestion", "M1607", Contract.APPRENTICESHIP, "1000", "1400", PayPeriod.MONTH,
     "Secrétariat, suivi des adhésions et des dossiers de financement, en alternance."),
    ("Jardinier ou jardinière en insertion", "A1203", Contract.AIDED, "1766", "1766", PayPeriod.MONTH,
     "Entretenir des jardins partagés et des espaces verts publics, avec une formation qualifiante."),
    ("Agent·e de propreté", "K2204", Contract.AIDED, "11.88", "11.88", PayPeriod.HOUR,
     "Nettoyage de locaux associatifs et de bureaux, au sein d'une entreprise d'insertion."),
    ("Animateur ou animatrice culturelle", "G1202", Contract.CDD, "1800", "2000", PayPeriod.MONTH,
     "Organiser des ateliers de maloya, de lecture et d'arts plastiques dans les quartiers."),
    ("Coordinateur ou coordinatrice de projet", "K1206", Contract.CDI, "2500", "2900", PayPeriod.MONTH,
     "Coordonner un projet de tiers-lieu : partenaires, bénévoles, budget et animation du lieu."),
    ("Chargé·e d'accueil en ressourcerie", "M1602", Contract.INTERNSHIP, "4.35", "4.35", PayPeriod.HOUR,
     "Accueillir les donateurs et les clients, trier et valoriser les objets collectés (stage de 6 mois)."),
]  # fmt: skip
# (title, ROME code, contract, time asked, what the mission is)
MISSIONS = [
    ("Bénévole pour l'aide aux devoirs", "K2111", Contract.VOLUNTEERING, "2 heures par semaine",
     "Aider des collégiens à faire leurs devoirs, le mercredi après-midi."),
    ("Bénévole en épicerie solidaire", "K1304", Contract.VOLUNTEERING, "Une demi-journée par semaine",
     "Accueillir les bénéficiaires, ranger les rayons et tenir la caisse de l'épicerie."),
    ("Bénévole pour des sorties nature", "A1202", Contract.VOLUNTEERING, "Un samedi par mois",
     "Accompagner des familles lors de sorties de découverte des sentiers et de la forêt."),
    ("Mission de service civique : lien intergénérationnel", "K1302", Contract.CIVIC_SERVICE, "24 heures par semaine",
     "Rendre visite à des personnes âgées isolées et organiser des ateliers numériques."),
    ("Mission de service civique : sport pour tous", "G1204", Contract.CIVIC_SERVICE, "28 heures par semaine",
     "Animer des activités sportives pour des enfants et des personnes en situation de handicap."),
    ("Bénévole trésorier ou trésorière", "M1203", Contract.VOLUNTEERING, "3 heures par mois",
     "Suivre la trésorerie de l'association et préparer l'assemblée générale avec le bureau."),
    ("Bénévole en ressourcerie", "K2204", Contract.VOLUNTEERING, "Deux matinées par mois",
     "Trier, réparer et mettre en valeur les objets donnés à la ressourcerie."),
]  # fmt: skip
COMMUNES = ["97411", "97415", "97416", "97422", "97410", "97407", "97409", "97414", "97418", "97413", "97408",
            "97424", "97412", "97420", "97402", "97404"]  # fmt: skip
TOTAL = 60
# The states of the offers by position (the rest published).
EXPIRED_EVERY, FILLED_EVERY = 8, 13
REVIEW_AT, DRAFT_AT, REFUSED_AT = (5, 23, 41), (17, 35), (29,)
APPLICATION_STATES = list(Application.Status.values)
ALERTS = [
    ("alerte.animation@exemple.re", "q=animation", "Offres : « animation »", JobAlert.Frequency.WEEKLY),
    ("alerte.benevolat@exemple.re", "nature=benevolat", "Offres : missions bénévoles", JobAlert.Frequency.DAILY),
]


def _spec(index: int) -> dict:
    """The fields of the demo offer at `index`: one in three a volunteering mission."""
    commune = COMMUNES[index % len(COMMUNES)]
    if index % 3 == 2:
        title, code, contract, time_asked, text = MISSIONS[index // 3 % len(MISSIONS)]
        pay = {"volunteer_time": time_asked}
        if contract == Contract.CIVIC_SERVICE:
            pay = {**pay, "pay_min": Decimal("620.00"), "pay_period": PayPeriod.MONTH, "duration_months": 8}
    else:
        title, code, contract, low, high, period, text = JOBS[index % len(JOBS)]
        pay = {"pay_min": Decimal(low), "pay_max": Decimal(high), "pay_period": period}
        pay["working_time"] = WorkingTime.PART if period == PayPeriod.HOUR else WorkingTime.FULL
        pay["hours_per_week"] = Decimal("24") if period == PayPeriod.HOUR else Decimal("35")
        if contract in (Contract.CDD, Contract.APPRENTICESHIP, Contract.INTERNSHIP):
            pay["duration_months"] = 12 if contract == Contract.CDD else 6
    return {
        "title": title,
        "rome": code,
        "contract": contract,
        "commune": commune,
        "remote": Remote.PARTIAL if code in ("M1203", "K1206") else Remote.NONE,
        "description": f"<p>{text}</p><p>Poste ou mission basé dans l'Est, l'Ouest, le Nord ou le Sud de l'île "
        "selon l'offre ; véhicule utile pour les déplacements.</p>",
        "profile": "<p>Envie de s'engager dans l'économie sociale et solidaire ; sens du travail en équipe.</p>",
        **pay,
    }


def _state(index: int) -> str:
    if index in REVIEW_AT:
        return Status.REVIEW
    if index in DRAFT_AT:
        return Status.DRAFT
    if index in REFUSED_AT:
        return Status.REFUSED
    if index % EXPIRED_EVERY == 7:
        return Status.EXPIRED
    if index % FILLED_EVERY == 12:
        return Status.FILLED
    return Status.PUBLISHED


def _title(spec: dict, communes: dict) -> str:
    return f"{spec['title']} — {communes[spec['commune']].name}"[:150]


def seed_offers(*, organisations=None) -> dict:
    """About sixty offers, applications in every state, two confirmed alerts; idempotent."""
    organisations = list(organisations or Organisation.objects.filter(is_ess_actor=True).order_by("name")[:12])
    if not organisations:
        return {"offres": 0, "candidatures": 0, "alertes": 0, "dossiers_competences": 0, "partenaires_emploi": 0}
    communes = {t.code: t for t in Territory.objects.filter(kind=TerritoryKind.COMMUNE, code__in=COMMUNES)}
    fiches = {fiche.code: fiche for fiche in RomeFiche.objects.all()}
    today = services.reunion_today()
    created = {"offres": 0, "candidatures": 0, "alertes": 0, "dossiers_competences": 0, "partenaires_emploi": 0}
    with transaction.atomic():
        for index in range(TOTAL):
            spec = _spec(index)
            organisation = organisations[index % len(organisations)]
            title = _title(spec, communes)
            if Offer.objects.filter(organisation=organisation, title=title).exists():
                continue
            values = {
                **spec,
                "title": title,
                "rome": fiches[spec["rome"]],
                "commune": communes[spec["commune"]],
                "starts_on": today + timedelta(days=30),
                "closes_on": today + timedelta(days=10 + index % 40),
                "apply_mode": ApplyMode.EMAIL if index % 10 == 4 else ApplyMode.PORTAL,
                "apply_email": f"recrutement{index}@exemple.re" if index % 10 == 4 else "",
                "contact_email": f"recrutement{index}@exemple.re",
            }
            offer = services.save_offer(organisation=organisation, values=values)
            _move(offer, _state(index), days_ago=index % 30)
            created["offres"] += 1
        created["candidatures"] = _seed_applications()
        created["alertes"] = _seed_alerts()
        created["dossiers_competences"] = _seed_skills_records(today)
        created["partenaires_emploi"] = _seed_career_partners(communes)
    return created


def _move(offer: Offer, state: str, *, days_ago: int) -> None:
    path = {
        Status.DRAFT: [],
        Status.REVIEW: [Status.REVIEW],
        Status.PUBLISHED: [Status.PUBLISHED],
        Status.REFUSED: [Status.REVIEW, Status.REFUSED],
        Status.FILLED: [Status.PUBLISHED, Status.FILLED],
        Status.EXPIRED: [Status.PUBLISHED, Status.EXPIRED],
    }[state]
    for target in path:
        changes = {}
        if target == Status.PUBLISHED:
            changes["published_at"] = timezone.now() - timedelta(days=days_ago + (45 if state == Status.EXPIRED else 0))
        if target == Status.REFUSED:
            changes["refusal_reason"] = "L'offre ne précise pas la structure qui recrute : complétez la description."
        if target == Status.EXPIRED:
            changes["closes_on"] = services.reunion_today() - timedelta(days=days_ago + 1)
        OFFER_WORKFLOW.apply(offer, target, log_model=OfferTransition, comment="Données de démonstration.",
                             changes=changes)  # fmt: skip


CANDIDATES = ["Josette Hoarau", "Kévin Payet", "Marie-Claude Grondin", "Ludovic Técher", "Sandrine Fontaine",
              "Jean-Yves Boyer", "Aurélie Lebon", "Mickaël Rivière", "Nadia Maillot", "Patrice Hoareau"]  # fmt: skip


def _seed_applications() -> int:
    """Two applications to each of the first published offers taking them, in every state."""
    offers = list(
        Offer.objects.filter(apply_mode=ApplyMode.PORTAL, status__in=[Status.PUBLISHED, Status.FILLED])
        .exclude(title__startswith="Bénévole")
        .order_by("pk")[:10]
    )
    year = timezone.localdate().year
    count = 0
    for number in range(len(offers) * 2):
        reference = f"CAND-{year}-D{number + 1:04d}"
        if Application.objects.filter(reference=reference).exists():
            continue
        name = CANDIDATES[number % len(CANDIDATES)]
        application = Application(
            offer=offers[number // 2],
            reference=reference,
            name=name,
            email=f"candidat{number + 1}@exemple.re",
            message="Bonjour, votre offre correspond à mon parcours dans l'accompagnement : je serais heureux "
            "d'en parler avec vous.",
            consent_text="J'accepte que mes données soient transmises à l'employeur de l'offre.",
            consent_at=timezone.now(),
            cv_name="cv.pdf",
        )
        application.cv.save("cv.pdf", ContentFile(DEMO_PDF), save=False)
        application.save()
        state = APPLICATION_STATES[number % len(APPLICATION_STATES)]
        path = {
            Application.Status.RECEIVED: [],
            Application.Status.SEEN: [Application.Status.SEEN],
            Application.Status.INTERVIEW: [Application.Status.INTERVIEW],
            Application.Status.HIRED: [Application.Status.INTERVIEW, Application.Status.HIRED],
            Application.Status.REJECTED: [Application.Status.SEEN, Application.Status.REJECTED],
        }[state]
        for target in path:
            APPLICATION_WORKFLOW.apply(
                application, target, log_model=ApplicationTransition, changes={"status_changed_at": timezone.now()}
            )
        count += 1
    return count


def _seed_alerts() -> int:
    count = 0
    now = timezone.now()
    for email, query, label, frequency in ALERTS:
        _alert, made = JobAlert.objects.get_or_create(
            email=email,
            defaults={
                "query": query,
                "label": label,
                "frequency": frequency,
                "token_hash": new_token()[1],
                "consent_text": "J'accepte de recevoir les nouvelles offres de cette recherche.",
                "consent_at": now,
                "confirmed_at": now,
            },
        )
        count += made
    return count


# (email, name on the summary, experiences: role, organisation, kind, years ago started, years
# ago ended (None: ongoing), hours in all, hours a week, skills (CléA), volunteering answers)
E = SkillsExperience
SKILLS_RECORDS = [
    ("dossier.benevole@exemple.re", "Françoise Hoarau", [
        ("Trésorière bénévole", "Association Lire et Écrire Nord", E.Kind.VOLUNTEER, 4, None, None, "3",
         ["2.1", "2.2", "3.2", "4.3", "5.3"], (E.Answer.YES, E.Answer.YES, E.VolunteerRole.BOARD)),
        ("Bénévole d'accueil en épicerie solidaire", "Épicerie solidaire du Port", E.Kind.VOLUNTEER, 2, 1, 180,
         None, ["1.1", "1.2", "4.1", "4.2"], (E.Answer.NO, E.Answer.YES, E.VolunteerRole.OTHER)),
    ]),
    ("dossier.salarie@exemple.re", "Kévin Payet", [
        ("Volontaire en service civique : lien intergénérationnel", "Lakour Solidaire", E.Kind.CIVIC_SERVICE, 3, 2,
         None, "24", ["1.1", "1.2", "4.4", "6.2"], None),
        ("Aide à domicile", "Association d'aide à domicile de l'Est", E.Kind.EMPLOYEE, 2, None, None, "35",
         ["4.2", "5.1", "7.1", "7.2", "7.3"], None),
    ]),
]  # fmt: skip


def _seed_skills_records(today) -> int:
    """Two skills records with their experiences (through the service, without the email of
    their private link: the demo's people read no mail)."""
    count = 0
    for email, name, experiences in SKILLS_RECORDS:
        if SkillsRecord.objects.filter(email=email).exists():
            continue
        now = timezone.now()
        record = SkillsRecord.objects.create(
            email=email, name_on_summary=name, consent_text=skills.CONSENT_TEXT, consent_at=now, last_activity_at=now
        )
        for role, organisation, kind, started, ended, hours, weekly, codes, volunteering in experiences:
            values = {
                "role": role,
                "organisation_name": organisation,
                "kind": kind,
                "starts_on": today.replace(year=today.year - started, day=1),
                "ends_on": today.replace(year=today.year - ended, day=1) if ended is not None else None,
                "hours_total": hours,
                "hours_per_week": Decimal(weekly) if weekly else None,
                "skills": codes,
            }
            if volunteering:
                values.update(
                    zip(("association_three_years", "general_interest", "volunteer_role"), volunteering, strict=True)
                )
            skills.add_experience(record=record, values=values)
        count += 1
    return count


# The career partners the intake orients « travailler dans l'ESS » requests to (their names are
# those emplois.intake gives the intake's recommendation): published support structures of the
# directory's « formation et emploi » category, the whole island covered.
CAREER_PARTNERS = [
    ("Cité des Métiers de La Réunion", "97416", "97412345700018", "Découvrir les métiers, s'informer sur la formation et la "
     "reconversion : conseil gratuit et sans rendez-vous, journées consacrées aux métiers de l'ESS."),
    ("France Travail Réunion", "97411", "97456789300017", "Inscription, accompagnement des demandeurs d'emploi, aides à "
     "l'embauche et mise en relation avec les employeurs de l'ESS."),
    ("Mission Locale Nord", "97411", "97490123300011", "Accompagnement des jeunes de 16 à 25 ans vers l'emploi, la formation "
     "et le service civique."),
    ("APEC Réunion", "97411", "97434567000018", "Conseil en évolution professionnelle des cadres et des jeunes diplômés, y "
     "compris vers les postes d'encadrement de l'ESS."),
]  # fmt: skip


def _seed_career_partners(communes: dict) -> int:
    category = Category.objects.filter(slug__in=CAREER_CATEGORIES).first()
    island = list(Territory.objects.filter(kind=TerritoryKind.REGION)[:1])
    if category is None:
        return 0
    count = 0
    for name, code, siret, description in CAREER_PARTNERS:
        if Organisation.objects.filter(name=name).exists():
            continue
        commune = communes.get(code)
        organisation = Organisation(
            name=name,
            siret=siret,  # fictional, with valid keys
            slug=slugify(name)[:200],
            description=description,
            commune=commune,
            latitude=commune.latitude if commune else None,
            longitude=commune.longitude if commune else None,
            email=f"contact@{slugify(name)}.example.re",
            is_published=True,
            is_ess_actor=False,
            is_support_structure=True,
        )
        save_organisation(organisation=organisation, categories=[category], territories_covered=island)
        count += 1
    return count
