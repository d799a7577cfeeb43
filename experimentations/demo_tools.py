"""Demo financial tools for `seed_demo`: about thirty tools of the kinds La Réunion's ESS
projects use (France Active Réunion's guarantees and loans, Initiative Réunion's honour
loans, ADIE's microcredit, Bpifrance, the Région's grants, the DLA, foundations…) and three
open calls for projects.

The providers are real bodies; every figure, condition and date here is made up. Providers
missing from the directory are created there. Idempotent: tools are matched on their slug
(an existing tool is left as it is); every state goes through TOOL_WORKFLOW.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from annuaire.demo import demo_siret
from annuaire.models import Organisation
from annuaire.services import save_organisation
from experimentations.models import FinancialTool, Instrument, Purpose, Recurrence
from experimentations.services_tools import move_tool, save_tool
from referentiels.models import LegalForm, NafSection, Territory, TerritoryKind

# key: (name, acronym, commune INSEE code)
PROVIDERS = {
    "france_active": ("France Active Réunion", "FAR", "97411"),
    "initiative": ("Initiative Réunion", "", "97411"),
    "adie": ("ADIE Réunion", "ADIE", "97411"),
    "bpifrance": ("Bpifrance Réunion", "", "97411"),
    "region": ("Région Réunion", "", "97411"),
    "dla": ("Dispositif local d'accompagnement de La Réunion", "DLA", "97411"),
    "fondation_france": ("Fondation de France", "", "97411"),
    "caisse_depots": ("Banque des Territoires Réunion", "", "97411"),
    "departement": ("Département de La Réunion", "", "97411"),
    "cress": ("CRESS La Réunion", "CRESS", "97411"),
    "nef": ("La Nef", "", "97411"),
    "credit_coop": ("Crédit Coopératif Réunion", "", "97411"),
    "tco": ("Territoire de la Côte Ouest", "TCO", "97415"),
}


@dataclass(frozen=True)
class DemoTool:
    name: str
    provider: str
    instrument: str
    summary: str
    stages: list = field(default_factory=list)
    families: list = field(default_factory=list)
    legal_forms: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    purposes: list = field(default_factory=list)
    territories: list = field(default_factory=list)  # (kind, code)
    amount_min: int | None = None
    amount_max: int | None = None
    recurrence: str = Recurrence.PERMANENT
    call_in_days: int | None = None  # an open call closing in so many days, at noon
    budget_exhausted: bool = False


REGION = [(TerritoryKind.REGION, "04")]
TOOLS = (
    DemoTool("Garantie France Active pour l'ESS", "france_active", Instrument.GUARANTEE,
             "Une garantie de votre prêt bancaire jusqu'à 80 % : la banque prête plus facilement.",
             stages=["creation", "developpement", "reprise"], purposes=[Purpose.INVESTMENT, Purpose.CASH],
             amount_min=5000, amount_max=200000),
    DemoTool("Prêt participatif France Active", "france_active", Instrument.QUASI_EQUITY,
             "Des quasi-fonds propres sans garantie personnelle pour renforcer votre structure.",
             stages=["developpement"], purposes=[Purpose.CONSOLIDATION, Purpose.CASH],
             amount_min=5000, amount_max=100000),
    DemoTool("Contrat d'apport associatif", "france_active", Instrument.QUASI_EQUITY,
             "Un apport remboursable pour les associations employeuses qui consolident leur activité.",
             families=["association"], purposes=[Purpose.CASH, Purpose.JOBS], amount_min=5000, amount_max=30000),
    DemoTool("Fonds propres France Active Investissement", "france_active", Instrument.EQUITY,
             "Une entrée au capital des coopératives et sociétés de l'ESS qui changent d'échelle.",
             families=["cooperative", "societe_commerciale"], stages=["developpement"],
             purposes=[Purpose.CONSOLIDATION], amount_min=30000, amount_max=500000),
    DemoTool("Prêt d'honneur Initiative Réunion", "initiative", Instrument.HONOUR_LOAN,
             "Un prêt personnel sans intérêt ni garantie pour créer ou reprendre une entreprise.",
             stages=["creation", "reprise"], families=["cooperative", "societe_commerciale"],
             purposes=[Purpose.START], amount_min=3000, amount_max=30000),
    DemoTool("Prêt d'honneur Initiative Remarquable", "initiative", Instrument.HONOUR_LOAN,
             "Un prêt d'honneur renforcé pour les projets à fort impact social ou environnemental.",
             stages=["creation"], purposes=[Purpose.START, Purpose.INNOVATION], amount_min=10000, amount_max=50000),
    DemoTool("Microcrédit professionnel ADIE", "adie", Instrument.MICROCREDIT,
             "Un microcrédit pour celles et ceux qui n'ont pas accès au prêt bancaire.",
             stages=["emergence", "creation"], purposes=[Purpose.START, Purpose.INVESTMENT], amount_max=12000),
    DemoTool("Prêt d'honneur ADIE", "adie", Instrument.HONOUR_LOAN,
             "Un prêt d'honneur couplé au microcrédit pour consolider le démarrage.",
             stages=["creation"], purposes=[Purpose.START], amount_max=5000),
    DemoTool("Accompagnement ADIE Créajeunes", "adie", Instrument.SUPPORT,
             "Une formation gratuite de six semaines pour les 18-32 ans qui veulent créer.",
             stages=["emergence"], purposes=[Purpose.ADVICE]),
    DemoTool("Prêt Bpifrance ESS", "bpifrance", Instrument.BANK_LOAN,
             "Un prêt de développement sans garantie pour les entreprises de l'ESS.",
             stages=["developpement"], families=["cooperative", "societe_commerciale", "association"],
             purposes=[Purpose.INVESTMENT, Purpose.CONSOLIDATION], amount_min=10000, amount_max=300000),
    DemoTool("Bourse French Tech Émergence", "bpifrance", Instrument.GRANT,
             "Une subvention pour les projets innovants en phase d'émergence.",
             stages=["emergence"], purposes=[Purpose.INNOVATION], amount_max=30000),
    DemoTool("Subvention régionale à l'emploi associatif", "region", Instrument.GRANT,
             "Une aide de la Région pour créer un emploi durable dans une association.",
             families=["association"], purposes=[Purpose.JOBS], territories=REGION, amount_max=20000,
             recurrence=Recurrence.RECURRING),
    DemoTool("Aide régionale à l'investissement des entreprises de l'ESS", "region", Instrument.GRANT,
             "Une subvention de la Région pour l'équipement et les locaux des structures de l'ESS.",
             stages=["creation", "developpement"], purposes=[Purpose.INVESTMENT], territories=REGION,
             amount_min=5000, amount_max=100000),
    DemoTool("Fonds régional d'innovation sociale", "region", Instrument.GRANT,
             "Une subvention pour expérimenter une réponse nouvelle à un besoin social du territoire.",
             purposes=[Purpose.INNOVATION], territories=REGION, amount_max=50000, budget_exhausted=True),
    DemoTool("Accompagnement DLA", "dla", Instrument.SUPPORT,
             "Un diagnostic et un accompagnement gratuits par un consultant pour les structures employeuses.",
             stages=["developpement"], purposes=[Purpose.ADVICE, Purpose.CONSOLIDATION]),
    DemoTool("Prix Fondation de France « Vivre ensemble »", "fondation_france", Instrument.PRIZE,
             "Un soutien aux initiatives qui créent du lien dans les quartiers et les écarts.",
             families=["association"], purposes=[Purpose.INNOVATION], amount_max=15000,
             recurrence=Recurrence.RECURRING),
    DemoTool("Soutien de la Fondation de France aux projets alimentaires", "fondation_france", Instrument.GRANT,
             "Une subvention aux projets d'alimentation durable et solidaire.",
             families=["association"], sectors=["A", "I"], purposes=[Purpose.INVESTMENT, Purpose.INNOVATION],
             amount_min=5000, amount_max=40000),
    DemoTool("Prêt Banque des Territoires pour l'ESS", "caisse_depots", Instrument.BANK_LOAN,
             "Un prêt long pour les projets immobiliers et d'équipement des structures de l'ESS.",
             stages=["developpement"], purposes=[Purpose.INVESTMENT], amount_min=100000),
    DemoTool("Aide départementale aux chantiers d'insertion", "departement", Instrument.GRANT,
             "Le soutien du Département aux ateliers et chantiers d'insertion.",
             families=["association"], purposes=[Purpose.JOBS], territories=REGION, recurrence=Recurrence.RECURRING),
    DemoTool("Aide aux services d'aide à domicile", "departement", Instrument.GRANT,
             "Une aide aux structures de l'aide à domicile qui améliorent leurs conditions d'emploi.",
             sectors=["Q"], purposes=[Purpose.JOBS], territories=REGION),
    DemoTool("Accompagnement à la création d'entreprise de l'ESS", "cress", Instrument.SUPPORT,
             "La CRESS vous oriente et vous accompagne pour choisir votre statut et monter votre projet.",
             stages=["emergence", "creation"], purposes=[Purpose.ADVICE]),
    DemoTool("Prêt La Nef aux projets écologiques et sociaux", "nef", Instrument.BANK_LOAN,
             "Un prêt d'une banque éthique pour les projets à utilité sociale et environnementale.",
             purposes=[Purpose.INVESTMENT, Purpose.CASH], amount_min=10000, amount_max=1000000),
    DemoTool("Prêt coopératif de trésorerie", "credit_coop", Instrument.BANK_LOAN,
             "Une avance de trésorerie en attendant le versement des subventions.",
             families=["association", "cooperative"], purposes=[Purpose.CASH], amount_min=5000, amount_max=150000),
    DemoTool("Prêt SCOP et SCIC", "credit_coop", Instrument.BANK_LOAN,
             "Un prêt pour la création ou la reprise d'entreprise en coopérative par ses salariés.",
             stages=["creation", "reprise", "transmission"], legal_forms=["5458", "5460"],
             purposes=[Purpose.START, Purpose.INVESTMENT], amount_min=10000, amount_max=500000),
    DemoTool("Fonds d'amorçage de l'innovation sociale de l'Ouest", "tco", Instrument.GRANT,
             "Une subvention de l'intercommunalité pour lancer un projet d'innovation sociale dans l'Ouest.",
             stages=["emergence", "creation"], purposes=[Purpose.START, Purpose.INNOVATION],
             territories=[(TerritoryKind.EPCI, "249740101")], amount_max=10000),
    DemoTool("Garantie des prêts d'honneur aux femmes entrepreneures", "france_active", Instrument.GUARANTEE,
             "Une garantie renforcée pour les femmes qui créent ou reprennent une entreprise.",
             stages=["creation", "reprise"], purposes=[Purpose.START], amount_max=50000),
    DemoTool("Accompagnement à la transmission en coopérative", "cress", Instrument.SUPPORT,
             "Un accompagnement pour transmettre votre entreprise à vos salariés en SCOP.",
             stages=["transmission"], purposes=[Purpose.ADVICE]),
    # Three open calls for projects.
    DemoTool("Appel à projets « Économie circulaire et réemploi »", "region", Instrument.GRANT,
             "La Région finance les projets de réemploi, de réparation et de recyclage portés par l'ESS.",
             sectors=["E", "G"], purposes=[Purpose.INVESTMENT, Purpose.INNOVATION], territories=REGION,
             amount_min=10000, amount_max=80000, recurrence=Recurrence.ONE_OFF, call_in_days=12),
    DemoTool("Appel à projets « Alimentation solidaire dans l'Est »", "fondation_france", Instrument.GRANT,
             "Des épiceries solidaires, des jardins partagés et des cuisines collectives dans l'Est.",
             families=["association"], purposes=[Purpose.START, Purpose.INVESTMENT],
             territories=[(TerritoryKind.EPCI, "249740093")], amount_max=25000,
             recurrence=Recurrence.ONE_OFF, call_in_days=45),
    DemoTool("Appel à projets « Tiers-lieux et emploi local »", "caisse_depots", Instrument.GRANT,
             "Un soutien au démarrage des tiers-lieux qui créent de l'emploi dans les quartiers.",
             stages=["emergence", "creation"], purposes=[Purpose.START, Purpose.JOBS], territories=REGION,
             amount_min=20000, amount_max=150000, recurrence=Recurrence.RECURRING, call_in_days=75),
)  # fmt: skip


def _provider(key: str, index: int) -> Organisation:
    name, acronym, commune_code = PROVIDERS[key]
    found = Organisation.objects.filter(name=name).first()
    if found is not None:
        return found
    commune = Territory.objects.get(kind=TerritoryKind.COMMUNE, code=commune_code)
    organisation = Organisation(
        slug=slugify(name)[:100],
        name=name,
        acronym=acronym,
        siret=demo_siret(index, prefix="4"),
        commune=commune,
        postcode="974" + commune_code[-2:],
        latitude=commune.latitude,
        longitude=commune.longitude,
        is_ess_actor=False,
        is_published=True,
    )
    return save_organisation(organisation=organisation)


def _closing(days: int, now) -> datetime:
    day = timezone.localdate(now) + timedelta(days=days)
    return datetime.combine(day, time(12, 0), tzinfo=timezone.get_current_timezone())


def seed_tools(*, now=None) -> dict:
    """The demo tools, published (the first one left as a draft, one archived)."""
    now = now or timezone.now()
    created = 0
    with transaction.atomic():
        providers = {key: _provider(key, index) for index, key in enumerate(PROVIDERS, start=1)}
        for spec in TOOLS:
            slug = slugify(spec.name)[:200]
            if FinancialTool.objects.filter(slug=slug).exists():
                continue
            tool = FinancialTool(
                name=spec.name,
                slug=slug,
                provider=providers[spec.provider],
                instrument=spec.instrument,
                summary=spec.summary,
                description=f"<p>{spec.summary}</p><p>Renseignez-vous auprès de {providers[spec.provider].name}.</p>",
                conditions="<ul><li>Avoir son siège ou son activité à La Réunion.</li></ul>",
                how_to_apply="Prenez contact avec le porteur du dispositif, qui étudie votre dossier.",
                stages=spec.stages,
                families=spec.families,
                purposes=spec.purposes,
                amount_min=spec.amount_min,
                amount_max=spec.amount_max,
                recurrence=spec.recurrence,
                is_call=spec.call_in_days is not None,
                closes_at=_closing(spec.call_in_days, now) if spec.call_in_days is not None else None,
                budget_exhausted=spec.budget_exhausted,
            )
            territories = [Territory.objects.get(kind=kind, code=code) for kind, code in spec.territories]
            save_tool(
                tool=tool,
                legal_forms=LegalForm.objects.filter(code__in=spec.legal_forms),
                sectors=NafSection.objects.filter(code__in=spec.sectors),
                territories=territories,
            )
            if spec.name.startswith("Accompagnement à la transmission"):
                continue  # left as a draft: staff still writing it
            move_tool(tool, FinancialTool.Status.PUBLISHED, comment="Données de démonstration.")
            created += 1
        archived = FinancialTool.objects.filter(slug=slugify("Bourse French Tech Émergence")).first()
        if archived is not None and archived.status == FinancialTool.Status.PUBLISHED:
            move_tool(archived, FinancialTool.Status.ARCHIVED, comment="Dispositif arrêté (démonstration).")
    return {"tools": FinancialTool.objects.count(), "published_now": created}
