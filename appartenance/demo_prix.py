"""Demo data of the Prix de l'ESS (issue 20, point 8), for `manage.py seed_demo`: last
year's campaign deliberated and published (its laureates' page, its news item), and this
year's under examination by a jury of three, one of whom declared a conflict of interest,
with their scores. Everything goes through the services (appartenance.prix), with the
moments of the timetable. Idempotent: a campaign of a year is made once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from appartenance import prix
from appartenance.models_prix import JuryMember, PrixCampaign, PrixCategory, PrixCriterion

CATEGORIES = (
    ("Utilité sociale", "Un projet qui répond à un besoin social du territoire."),
    ("Transition écologique", "Réemploi, alimentation durable, mobilité, énergie."),
    ("Coopération", "Un projet porté à plusieurs structures, ou avec une collectivité."),
    ("Coup de cœur", "Le choix du jury, toutes catégories confondues."),
)
CRITERIA = (
    ("Utilité sociale et réponse aux besoins", "Le besoin, les personnes touchées.", 3),
    ("Ancrage territorial", "Partenaires locaux, emplois non délocalisables.", 2),
    ("Gouvernance démocratique", "La place des membres, des salariés, des usagers.", 2),
    ("Viabilité et essaimage", "Le modèle économique, la possibilité de le reproduire ailleurs.", 1),
)
PROJECTS = (
    ("Une épicerie solidaire itinérante", "Un camion qui dessert les écarts des Hauts chaque semaine.",
     "420 familles servies, 3 emplois créés, des producteurs locaux payés au juste prix."),
    ("Réparer plutôt que jeter", "Un atelier de réparation d'électroménager en insertion.",
     "12 tonnes détournées de l'enfouissement, 8 salariés en parcours d'insertion."),
    ("Un jardin partagé intergénérationnel", "Des parcelles cultivées par des écoliers et des retraités.",
     "60 jardiniers réguliers, des ateliers chaque mercredi, un marché mensuel."),
    ("La coopérative des taxis ruraux", "Des chauffeurs associés pour desservir les Hauts.",
     "Un service 7 jours sur 7, 15 associés, des tarifs sociaux négociés avec la commune."),
    ("Un tiers-lieu numérique", "Formations au numérique et espace de travail partagé.",
     "900 personnes accompagnées dans leurs démarches en ligne en un an."),
    ("La recyclerie du Sud", "Collecte, tri et revente d'objets de seconde main.",
     "30 tonnes revendues, une boutique ouverte six jours sur sept."),
)  # fmt: skip
JURORS = (
    ("jury.presidente@demo.ess-reunion.re", "Présidente du jury, ancienne dirigeante de SCOP"),
    ("jury.collectivite@demo.ess-reunion.re", "Représentant d'une collectivité partenaire"),
    ("jury.chercheuse@demo.ess-reunion.re", "Chercheuse en économie sociale"),
)
# Each juror's scores per criterion, by application (varied, so that the spread shows).
SCORES = ((8, 7, 9, 6), (6, 8, 7, 7), (9, 6, 8, 5), (5, 7, 6, 8), (7, 9, 5, 6), (8, 5, 7, 7))


def _campaign(year: int, opens_at) -> PrixCampaign:
    day = timedelta(days=1)
    campaign = PrixCampaign.objects.create(
        year=year,
        title=f"Prix de l'ESS {year}",
        intro="Le Prix de l'ESS de la CRESS La Réunion distingue chaque année des structures de l'économie sociale "
        "et solidaire et leurs projets : une dotation, un film de présentation et une mise en avant pendant le "
        "Mois de l'ESS.",
        eligibility="Les structures de l'ESS immatriculées à La Réunion depuis au moins un an.",
        opens_at=opens_at,
        closes_at=opens_at + 40 * day,
        jury_starts_at=opens_at + 45 * day,
        jury_ends_at=opens_at + 75 * day,
        results_at=opens_at + 90 * day,
    )
    for position, (name, description) in enumerate(CATEGORIES):
        PrixCategory.objects.create(campaign=campaign, name=name, description=description, position=position)
    for position, (name, description, weight) in enumerate(CRITERIA):
        PrixCriterion.objects.create(
            campaign=campaign, name=name, description=description, weight=weight, position=position
        )
    return campaign


def _applications(campaign, organisations):
    """Up to six applications, spread over the first three categories, made and submitted
    while the applications were open."""
    when = campaign.opens_at + timedelta(days=3)
    categories = list(campaign.categories.all())
    made = []
    for index, organisation in enumerate(organisations[: len(PROJECTS)]):
        member = organisation.memberships.select_related("user").first()
        by = member.user if member else None
        application = prix.start_application(
            campaign=campaign, organisation=organisation, category=categories[index % 3], by=by, now=when
        )
        title, summary, impact = PROJECTS[index]
        prix.save_draft(
            application=application, values={"project_title": title, "summary": summary, "impact": impact}, now=when
        )
        prix.submit_application(application=application, by=by, now=when)
        made.append(application)
    return made


def _jury(campaign, applications, *, conflict_with=None):
    User = get_user_model()
    jurors = []
    for email, quality in JURORS:
        user, created = User.objects.get_or_create(email=email, defaults={"first_name": quality.split(",")[0]})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        jurors.append(JuryMember.objects.create(campaign=campaign, user=user, quality=quality))
    if conflict_with is not None:
        prix.declare_conflict(juror=jurors[1], organisation=conflict_with, reason="Membre du conseil d'administration")
    criteria = [criterion.pk for criterion in campaign.criteria.all()]
    for shift, juror in enumerate(jurors):
        visible = set(prix.applications_for_juror(juror))
        for index, application in enumerate(applications):
            if application not in visible:
                continue
            values = SCORES[(index + shift) % len(SCORES)]
            prix.score_application(
                juror=juror, application_id=application.pk, points=dict(zip(criteria, values, strict=True)),
                comment="Un projet utile et bien ancré." if shift == 0 else "",
                now=campaign.jury_starts_at + timedelta(days=1),
            )  # fmt: skip
    return jurors


@transaction.atomic
def seed_prix(*, organisations, with_jury: bool = True) -> dict:
    """`organisations`: directory organisations, the demo partner's first (its account sees
    its application); only the eligible ones apply. The jurors are accounts: without demo
    accounts (`with_jury` false) the campaigns have no jury and no scores."""
    eligible = [
        organisation
        for organisation in organisations
        if not prix.eligibility_problems(organisation=organisation, campaign=None)
    ]
    if len(eligible) < 4:
        raise ValueError("Il faut au moins quatre structures éligibles pour le Prix de démonstration.")
    now = timezone.now()
    year = timezone.localdate().year
    report = {}
    if not PrixCampaign.objects.filter(year=year - 1).exists():
        past = _campaign(year - 1, now - timedelta(days=400))
        applications = _applications(past, list(reversed(eligible)))
        if with_jury:
            _jury(past, applications)
        ranking = [row.application for _category, rows in prix.ranking(past) for row in rows[:1]]
        prix.record_deliberation(
            campaign=past,
            minutes="Le jury a examiné chaque candidature ; les lauréats sont désignés à la majorité.",
            prizes={application.pk: "Lauréat" for application in ranking},
            by=None,
            now=past.jury_ends_at,
        )
        prix.publish_laureates(campaign=past, by=None, now=past.results_at)
    if not PrixCampaign.objects.filter(year=year).exists():
        current = _campaign(year, now - timedelta(days=50))
        applications = _applications(current, eligible)
        if with_jury:
            _jury(current, applications, conflict_with=applications[1].organisation)
    for campaign in PrixCampaign.objects.filter(year__in=[year - 1, year]):
        report[campaign.title] = {
            "candidatures": campaign.applications.count(),
            "jurés": campaign.jury.count(),
            "phase": prix.PHASE_LABELS[prix.phase(campaign)],
        }
    return report
