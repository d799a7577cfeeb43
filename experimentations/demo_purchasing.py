"""Demo buyers' needs and experiments for `seed_demo` (Action 7).

Needs in every state, each brought there through the services a person's click calls
(needs, matching, batches): the logs, the emails and the timestamps are the real ones. The
need « envoyé » shows the whole funnel (emailed, opened, read, interested with a message,
not interested with a reason, contact shared); the need « clos » has its survey answered.
Two public experiments go through their stages by EXPERIMENT_WORKFLOW, one with indicators,
measures and a public document.

Every buyer, supplier and figure is made up. Idempotent: a need is found by its title, an
experiment by its slug, a supplier by its name; what exists is left as it is.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from annuaire.demo import demo_siret
from annuaire.models import Organisation
from annuaire.services import save_organisation
from experimentations import batches, experiments, matching, needs
from experimentations.models import (
    BuyerKind,
    Clause,
    Experiment,
    ExperimentIndicator,
    ExperimentMeasure,
    Need,
    NeedKind,
    SupplierMatch,
)
from referentiels.models import NafActivity, NafSection, Territory, TerritoryKind

S = Need.Status

# name, NAF activity (sous-classe), commune INSEE: ESS suppliers of the directory.
SUPPLIERS = [
    ("Restaurant d'insertion Lakaz Manzé", "56.10A", "97411"),
    ("ESAT Les Cuisines du Chaudron", "56.29A", "97411"),
    ("Traiteur solidaire Ti Piment", "56.21Z", "97415"),
    ("Coopérative Repas Péi", "56.29B", "97407"),
    ("Association Manger Lontan", "56.10A", "97410"),
    ("Chantier d'insertion Jardins de l'Est", "81.30Z", "97410"),
    ("SCOP Vert Tropical Paysages", "81.30Z", "97411"),
    ("Régie de quartier du Port", "81.21Z", "97407"),
    ("Ressourcerie Lespas Tri", "38.32Z", "97409"),
]


@dataclass(frozen=True)
class DemoNeed:
    title: str
    buyer_kind: str
    buyer_name: str
    contact_name: str
    state: str
    sectors: tuple
    commune: str
    description: str
    kind: str = NeedKind.QUOTE
    budget: tuple = (None, None)
    clauses: list = field(default_factory=list)
    reason: str = ""  # for « modification demandée » and « refusé »


DEMO_NEEDS = [
    DemoNeed(
        "Goûters des accueils de loisirs (brouillon)",
        BuyerKind.LOCAL_AUTHORITY,
        "Commune de Sainte-Suzanne",
        "Valérie Hoarau",
        S.DRAFT,
        ("I",),
        "97420",
        "<p>Goûters pour 120 enfants, les mercredis et pendant les vacances scolaires.</p>",
    ),
    DemoNeed(
        "Entretien des espaces verts d'une résidence",
        BuyerKind.COMPANY,
        "Société immobilière du Nord",
        "Didier Lauret",
        S.SUBMITTED,
        ("N",),
        "97411",
        "<p>Tonte, taille des haies et ramassage des déchets verts, deux fois par mois.</p>",
        budget=(6_000, 12_000),
    ),
    DemoNeed(
        "Plateaux-repas pour des formations",
        BuyerKind.PUBLIC_BODY,
        "Centre de formation des collectivités de La Réunion",
        "Corinne Fontaine",
        S.CHANGES,
        ("I",),
        "97411",
        "<p>Plateaux-repas pour des journées de formation.</p>",
        reason="Précisez le nombre de plateaux par journée et les dates des formations.",
    ),
    DemoNeed(
        "Collecte et réemploi du mobilier de bureau",
        BuyerKind.PUBLIC_BODY,
        "Hôpital du Sud (démo)",
        "Patrice Grondin",
        S.VALIDATED,
        ("E",),
        "97416",
        "<p>Collecte de 300 bureaux et chaises ; réemploi ou recyclage, avec un bilan des tonnes évitées.</p>",
        kind=NeedKind.SOURCING,
        clauses=[Clause.ENVIRONMENT],
    ),
    DemoNeed(
        "Repas bio des centres de loisirs",
        BuyerKind.LOCAL_AUTHORITY,
        "Commune du Port",
        "Jean-Marc Payet",
        S.SENT,
        ("I",),
        "97407",
        "<p>Repas bio pour 200 enfants, chaque mercredi, de février à décembre.</p>",
        budget=(20_000, 40_000),
        clauses=[Clause.LOCAL, Clause.INSERTION],
    ),
    DemoNeed(
        "Nettoyage de plage après les fêtes",
        BuyerKind.COMPANY,
        "Événements Océan Indien (démo)",
        "Sabrina Técher",
        S.REFUSED,
        ("N",),
        "97415",
        "<p>Nettoyage de la plage après un concert privé.</p>",
        reason="Ce besoin relève d'une autorisation de la commune ; nous vous avons indiqué qui contacter.",
    ),
    DemoNeed(
        "Aménagement paysager d'un groupe scolaire",
        BuyerKind.LOCAL_AUTHORITY,
        "Commune de Saint-Benoît",
        "Mickaël Rivière",
        S.CLOSED,
        ("N",),
        "97410",
        "<p>Création d'un jardin pédagogique et plantation d'espèces endémiques dans la cour.</p>",
        kind=NeedKind.PUBLIC_TENDER,
        budget=(15_000, 30_000),
        clauses=[Clause.INSERTION],
    ),
]


def _supplier(index: int, name: str, naf: str, insee: str) -> Organisation:
    found = Organisation.objects.filter(name=name).first()
    if found is not None:
        return found
    commune = Territory.objects.get(kind=TerritoryKind.COMMUNE, code=insee)
    organisation = Organisation(
        slug=slugify(name)[:100],
        name=name,
        siret=demo_siret(index, prefix="6"),
        commune=commune,
        postcode="974" + insee[-2:],
        latitude=commune.latitude,
        longitude=commune.longitude,
        naf_activity=NafActivity.objects.get(code=naf),
        email=f"contact@{slugify(name)[:30].strip('-')}.example.re",
        is_ess_actor=True,
        is_supplier=True,
        is_published=True,
    )
    return save_organisation(organisation=organisation)


def seed_suppliers() -> list[Organisation]:
    return [_supplier(index, *spec) for index, spec in enumerate(SUPPLIERS, start=1)]


def _sending_moment(now: datetime) -> datetime:
    """The latest moment, at or before `now`, when suppliers may be emailed (batches)."""
    moment = now
    while not batches.within_sending_hours(moment):
        local = timezone.localtime(moment)
        moment = local.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=1)
    return moment


def _values(spec: DemoNeed, index: int, now: datetime) -> dict:
    deadline_day = timezone.localdate(now) + timedelta(days=15 + index)
    return {
        "buyer_kind": spec.buyer_kind,
        "buyer_name": spec.buyer_name,
        "contact_name": spec.contact_name,
        "contact_email": f"achats-{slugify(spec.buyer_name)[:30].strip('-')}@example.re",
        "kind": spec.kind,
        "title": spec.title,
        "description": spec.description,
        "commune": Territory.objects.get(kind=TerritoryKind.COMMUNE, code=spec.commune),
        "budget_min": spec.budget[0],
        "budget_max": spec.budget[1],
        "answer_deadline": datetime.combine(deadline_day, time(12, 0), tzinfo=timezone.get_current_timezone()),
        "clauses": list(spec.clauses),
        "how_to_answer": "Un devis par courriel, avec vos références pour un besoin semblable.",
        "wanted_answers": 5,
    }


def _send(need: Need, by, now: datetime) -> list[SupplierMatch]:
    """Validated → sent: the matching, then the first batch (at the last sending hour)."""
    matching.match_suppliers(need)
    batches.send_to_suppliers(need=need, by=by, now=_sending_moment(now))
    return list(need.matches.filter(emailed_at__isnull=False).select_related("organisation").order_by("rank"))


FUNNEL = ("emailed", "opened", "viewed", "interested", "not_interested")


def _funnel(emailed: list[SupplierMatch], now: datetime, steps=FUNNEL) -> None:
    """Emailed only, opened, read, interested (contact shared), not interested with a reason."""
    for match, step in zip(emailed, steps, strict=False):
        if step == "opened":
            batches.record_opened(match, now=now)
        elif step == "viewed":
            batches.record_viewed(match, now=now)
        elif step == "interested":
            batches.answer_need(
                match=match,
                interested=True,
                message="Nous travaillons déjà pour deux communes de l'Ouest : devis sous huit jours.",
                now=now,
            )
        elif step == "not_interested":
            batches.answer_need(
                match=match, interested=False, reason=SupplierMatch.NotInterestedReason.NO_CAPACITY, now=now
            )


def _survey(need: Need, now: datetime) -> None:
    """The answer deadline passed some weeks ago (the demo moves it back), the sweep asks the
    buyer, the buyer answers: a deal with the ESS and its amount."""
    past = now - timedelta(days=settings.NEED_SURVEY_DAYS + 14)
    Need.objects.filter(pk=need.pk).update(answer_deadline=past)
    needs.send_due_surveys(now=now)
    need.refresh_from_db()
    needs.answer_survey(
        need=need,
        deal_made=True,
        deal_amount=18_500,
        comment="Le chantier d'insertion a été retenu ; les enfants ont planté le jardin avec l'équipe.",
    )


def _seed_need(spec: DemoNeed, index: int, by, now: datetime) -> Need:
    sectors = NafSection.objects.filter(code__in=spec.sectors)
    need = needs.post_need(
        values=_values(spec, index, now), sectors=sectors, territories=[], submit=spec.state != S.DRAFT
    )
    if spec.state == S.CHANGES:
        needs.request_need_changes(need=need, by=by, reason=spec.reason)
    elif spec.state == S.REFUSED:
        needs.refuse_need(need=need, by=by, reason=spec.reason)
    elif spec.state in (S.VALIDATED, S.SENT, S.CLOSED):
        needs.validate_need(need=need, by=by, comment="Besoin clair, fournisseurs de l'ESS nombreux.")
    if spec.state in (S.SENT, S.CLOSED):
        _funnel(
            _send(need, by, now), now, FUNNEL if spec.state == S.SENT else ("interested", "viewed", "not_interested")
        )
        need.refresh_from_db()
    if spec.state == S.CLOSED:
        needs.close_need(need=need, by=by, comment="Le marché est attribué.")
        _survey(need, now)
    if spec.state == S.SENT:
        needs.set_inspiring(
            need=need,
            is_inspiring=True,
            text="Une commune confie les repas de ses centres de loisirs à la restauration d'insertion.",
        )
    return need


def seed_needs(*, by=None, now=None) -> dict:
    """The demo needs, one per state (see DEMO_NEEDS); the ESS suppliers they go to."""
    now = now or timezone.now()
    seed_suppliers()
    created = 0
    for index, spec in enumerate(DEMO_NEEDS):
        if Need.objects.filter(title=spec.title).exists():
            continue
        with transaction.atomic():
            _seed_need(spec, index, by, now)
        created += 1
    return {"needs": len(DEMO_NEEDS), "created": created}


# --- Experiments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoExperiment:
    title: str
    summary: str
    description: str
    stages: tuple  # the path from « idée »
    partners: tuple  # names in the directory
    territories: tuple  # EPCI codes
    budget: Decimal
    starts_on: date
    ends_on: date
    results: str = ""
    # indicator name, unit, target, [(months after the start, value)]
    indicators: tuple = ()
    document: str = ""


E = Experiment.Stage

DEMO_EXPERIMENTS = [
    DemoExperiment(
        "Cantines en circuit court avec l'ESS",
        "Des communes achètent les repas de leurs écoles à des structures d'insertion qui cuisinent des produits péi.",
        "<p>Trois communes de l'Ouest confient une part des repas scolaires à des restaurants d'insertion "
        "et à une coopérative de producteurs. La CRESS met les acheteurs et les fournisseurs en relation, "
        "suit les volumes et les emplois créés.</p>",
        (E.STUDY, E.TRIAL),
        ("Coopérative Ti Kaz Bio", "Lakour Solidaire"),
        ("249740101",),
        Decimal("85000"),
        date(2026, 2, 1),
        date(2027, 6, 30),
        indicators=(
            ("Repas servis", "repas", Decimal("40000"), ((2, 4200), (5, 13800), (8, 24500))),
            ("Part de produits locaux", "%", Decimal("60"), ((2, 35), (5, 48), (8, 56))),
            ("Personnes en insertion employées", "personnes", Decimal("12"), ((2, 4), (5, 8), (8, 11))),
        ),
        document="Note d'étape — cantines en circuit court",
    ),
    DemoExperiment(
        "Ressourceries dans les déchèteries",
        "Un espace de réemploi dans chaque déchèterie de l'Est, tenu par une structure d'insertion.",
        "<p>Expérimentée dans deux déchèteries, la collecte d'objets réutilisables avant la benne a "
        "détourné des tonnes de déchets et créé des emplois ; elle s'étend aux autres déchèteries.</p>",
        (E.STUDY, E.TRIAL, E.EVALUATION, E.SPREADING),
        ("Ressourcerie Lespas Recyclage",),
        ("249740093",),
        Decimal("120000"),
        date(2024, 9, 1),
        date(2026, 8, 31),
        results="<p>212 tonnes détournées en deux ans, 9 emplois d'insertion, deux boutiques solidaires.</p>",
    ),
]


def _pdf(title: str, experiment: Experiment) -> SimpleUploadedFile:
    from lib.pdf import html_to_pdf

    html = f"<h1>{title}</h1><p>{experiment.title}</p><p>{experiment.summary}</p><p>Document de démonstration.</p>"
    content, _pages = html_to_pdf(html, css="body { font-family: sans-serif; } h1 { font-size: 18pt; }")
    return SimpleUploadedFile(f"{slugify(title)[:60]}.pdf", content, content_type="application/pdf")


def _month(start: date, months: int) -> date:
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def _seed_experiment(spec: DemoExperiment, by) -> Experiment:
    experiment = Experiment(
        title=spec.title,
        slug=slugify(spec.title)[:200],
        summary=spec.summary,
        description=spec.description,
        budget=spec.budget,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        results=spec.results,
        owner=by,
        is_public=True,
    )
    experiments.save_experiment(experiment)
    experiment.partners.set(Organisation.objects.filter(name__in=spec.partners))
    experiment.territories.set(Territory.objects.filter(kind=TerritoryKind.EPCI, code__in=spec.territories))
    for stage in spec.stages:
        experiments.move_experiment(experiment=experiment, target=stage, by=by)
    for name, unit, target, measures in spec.indicators:
        indicator = ExperimentIndicator.objects.create(experiment=experiment, name=name, unit=unit, target=target)
        for months, value in measures:
            ExperimentMeasure.objects.create(
                indicator=indicator, measured_on=_month(spec.starts_on, months), value=Decimal(value)
            )
    if spec.document:
        experiments.add_document(
            experiment=experiment, title=spec.document, upload=_pdf(spec.document, experiment), is_public=True
        )
    return experiment


def seed_experiments(*, by=None) -> dict:
    created = 0
    for spec in DEMO_EXPERIMENTS:
        if Experiment.objects.filter(slug=slugify(spec.title)[:200]).exists():
            continue
        with transaction.atomic():
            _seed_experiment(spec, by)
        created += 1
    return {"experiments": len(DEMO_EXPERIMENTS), "created": created}
