"""Action 7's test data, made as staff, buyers and suppliers make it: financial tools and
calls (saved through the service, published through the declared workflow, never by
assignment), alerts, buyers' needs, suppliers and their matches, experiments."""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from django.utils.text import slugify

from annuaire.models import Label
from experimentations import needs
from experimentations.models import (
    BuyerKind,
    Experiment,
    ExperimentIndicator,
    ExperimentMeasure,
    FinancialTool,
    Instrument,
    Need,
    NeedKind,
    SupplierMatch,
    ToolAlert,
)
from experimentations.services_tools import move_tool, save_tool
from lib.tokens import new_token
from messagerie.links import issue_token
from referentiels.models import LegalForm, NafSection, Territory, TerritoryKind
from tests.annuaire.factories import OrganisationFactory

REUNION = ZoneInfo("Indian/Reunion")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_references = itertools.count(1)


# --- Reference data and time -------------------------------------------------------------


def territory(code: str, kind=TerritoryKind.COMMUNE) -> Territory:
    return Territory.objects.get(kind=kind, code=code)


def commune(code: str = "97411") -> Territory:
    return territory(code)


def epci(code: str) -> Territory:
    return territory(code, TerritoryKind.EPCI)


def region() -> Territory:
    return Territory.objects.get(kind=TerritoryKind.REGION)


def section(code: str) -> NafSection:
    return NafSection.objects.get(code=code)


def reunion(year, month, day, hour=0, minute=0) -> datetime:
    """A moment in Réunion's time."""
    return datetime(year, month, day, hour, minute, tzinfo=REUNION)


def next_monday(hour=9, minute=0, *, weeks=1) -> datetime:
    """A Monday to come (at least a day ahead), at this Réunion time."""
    today = timezone.localdate()
    days = (7 - today.weekday()) % 7 or 7
    day = today + timedelta(days=days + 7 * (weeks - 1))
    return reunion(day.year, day.month, day.day, hour, minute)


# --- Financial tools, calls and alerts ---------------------------------------------------


class FinancialToolFactory(factory.django.DjangoModelFactory):
    """A published tool by default (`status="brouillon"` for a draft); `legal_forms` (codes),
    `sectors` (NAF section letters) and `territories` (Territory rows) set its lists."""

    class Meta:
        model = FinancialTool

    name = factory.Sequence(lambda n: f"Prêt solidaire n°{n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)[:180]}-{n}")
    provider = factory.SubFactory(OrganisationFactory)
    instrument = Instrument.HONOUR_LOAN
    summary = "Un prêt sans intérêt pour lancer votre projet."

    @classmethod
    def _create(cls, model_class, *args, status="publie", legal_forms=None, sectors=None, territories=None, **kwargs):
        tool = model_class(*args, **kwargs)
        save_tool(
            tool=tool,
            legal_forms=LegalForm.objects.filter(code__in=legal_forms) if legal_forms is not None else None,
            sectors=NafSection.objects.filter(code__in=sectors) if sectors is not None else None,
            territories=territories,
        )
        if status in (FinancialTool.Status.PUBLISHED, FinancialTool.Status.ARCHIVED):
            move_tool(tool, FinancialTool.Status.PUBLISHED)
        if status == FinancialTool.Status.ARCHIVED:
            move_tool(tool, FinancialTool.Status.ARCHIVED)
        tool.refresh_from_db()
        return tool


def make_tool(name=None, *, published_ago: timedelta | None = timedelta(hours=1), **fields) -> FinancialTool:
    """A tool through FinancialToolFactory, published `published_ago` (for the alerts' windows)."""
    if name is not None:
        fields["name"] = name
    tool = FinancialToolFactory(**fields)
    if tool.published_at and published_ago is not None:
        FinancialTool.objects.filter(pk=tool.pk).update(published_at=timezone.now() - published_ago)
        tool.refresh_from_db()
    return tool


def make_call(*, closes_in: timedelta | None = None, closes_at=None, **fields) -> FinancialTool:
    return make_tool(is_call=True, closes_at=closes_at or timezone.now() + closes_in, **fields)


def make_alert(
    email="lectrice@exemple.re", *, query="", tool=None, frequency="hebdomadaire", confirmed=True, watermark_ago=None
) -> ToolAlert:
    now = timezone.now()
    period = timedelta(days=1 if frequency == "quotidienne" else 7)
    return ToolAlert.objects.create(
        email=email,
        query=query,
        label="Financements : tous" if tool is None else f"Rappels de l'appel « {tool.name} »",
        tool=tool,
        frequency=frequency,
        token_hash=new_token()[1],
        consent_text="J'accepte.",
        consent_at=now,
        confirmed_at=now if confirmed else None,
        watermark=now - (watermark_ago if watermark_ago is not None else period),
    )


# --- Buyers' needs -------------------------------------------------------------------------


def need_values(**values) -> dict:
    """What the buyer's form sends."""
    data = {
        "buyer_kind": "collectivite",
        "buyer_name": "Commune de Saint-Paul",
        "contact_name": "Mireille Grondin",
        "contact_email": "achats@saint-paul.re",
        "contact_phone": "0262 45 67 89",
        "kind": NeedKind.QUOTE,
        "title": "Entretien des espaces verts des écoles",
        "description": "<p>Tonte et taille dans douze écoles, deux passages par mois.</p>",
        "commune": commune(),
        "budget_min": 20000,
        "budget_max": 40000,
        "starts_on": None,
        "ends_on": None,
        "answer_deadline": timezone.now() + timedelta(days=30),
        "clauses": ["insertion"],
        "clauses_detail": "",
        "how_to_answer": "Un devis par courriel avant la date limite.",
        "wanted_answers": 3,
    }
    data.update(values)
    return data


def posted_need(*, status=None, submit=True, user=None, sectors=("N",), **values) -> tuple[Need, str]:
    """A need posted through the real service (then moved to `status` through the workflow);
    returns (need, a buyer token of its own: the one in the email is minted when it leaves)."""
    need = needs.post_need(
        values=need_values(**values),
        sectors=NafSection.objects.filter(code__in=sectors),
        territories=[],
        submit=submit,
        user=user,
    )
    path = {
        None: [],
        Need.Status.VALIDATED: ["valide"],
        Need.Status.CHANGES: ["modification"],
        Need.Status.REFUSED: ["refuse"],
        Need.Status.SENT: ["valide", "envoye"],
        Need.Status.CLOSED: ["valide", "envoye", "clos"],
    }[status]
    for target in path:
        needs.move_need(need=need, target=target, by=None, comment="Motif de test.")
    return need, buyer_token(need)


def buyer_token(need: Need, *, days: int = 1) -> str:
    return issue_token(purpose=needs.NEED_LINK, object_id=need.pk, expires_at=timezone.now() + timedelta(days=days))


def make_need(*, sectors=("N",), commune="97411", territories=(), status=Need.Status.VALIDATED, **fields) -> Need:
    """A need as the buyer's form and staff's validation leave it (« validé » by default),
    written directly: for the matching and the batches, which start from there."""
    values = {
        "reference": f"ACH-2026-{next(_references):05d}",
        "buyer_kind": BuyerKind.LOCAL_AUTHORITY,
        "buyer_name": "Commune de Saint-Denis",
        "contact_name": "Marie Payet",
        "contact_email": "achats@saint-denis.re",
        "kind": NeedKind.QUOTE,
        "title": "Entretien des espaces verts des écoles",
        "description": "<p>Tonte et taille <strong>deux fois par mois</strong>.</p>",
        "commune": territory(commune) if commune else None,
        "answer_deadline": timezone.now() + timedelta(days=20),
        "how_to_answer": "Envoyez un devis par courriel.",
        "consent_text": "J'accepte.",
        "consent_at": timezone.now(),
        "status": status,
        **fields,
    }
    need = Need.objects.create(**values)
    need.sectors.set([section(code) for code in sectors])
    need.territories.set([t if isinstance(t, Territory) else territory(t) for t in territories])
    return need


# --- Suppliers and their answers --------------------------------------------------------


def make_supplier(name, *, sector="N", commune="97411", labels=(), covered=(), **fields):
    """A published ESS supplier of the directory, with an email."""
    values = {"is_supplier": True, "is_ess_actor": True, "email": f"contact@{abs(hash(name)) % 10**8}.example.re"}
    organisation = OrganisationFactory(name=name, commune=territory(commune), **{**values, **fields})
    type(organisation).objects.filter(pk=organisation.pk).update(sector=section(sector) if sector else None)
    organisation.refresh_from_db()
    if labels:
        organisation.labels.set(Label.objects.filter(slug__in=labels))
    if covered:
        organisation.territories_covered.set(covered)
    return organisation


def sent_need(*, suppliers=3, **fields):
    """A need « envoyé » with `suppliers` matches ranked 1.., none emailed yet."""
    need = make_need(status=Need.Status.SENT, **fields)
    for rank in range(1, suppliers + 1):
        SupplierMatch.objects.create(
            need=need,
            organisation=make_supplier(f"Fournisseur {need.reference} n°{rank}"),
            rank=rank,
            reasons=["Secteur : Activités de services administratifs et de soutien"],
        )
    return need


def make_emailed_match(*, answered=False, name="Jardins Lontan"):
    """A supplier emailed for a need « envoyé » (ranked by the matching), interested if `answered`."""
    from experimentations.matching import match_suppliers

    need = make_need(status=Need.Status.SENT, title="Entretien des espaces verts des écoles")
    organisation = make_supplier(name, phone="0262 12 34 56", email="jardins@lontan.re")
    match_suppliers(need)
    match = SupplierMatch.objects.get(need=need, organisation=organisation)
    now = timezone.now()
    match.email, match.emailed_at, match.batch, match.opened_at, match.viewed_at = organisation.email, now, 1, now, now
    if answered:
        match.answer, match.answered_at, match.contact_shared_at = SupplierMatch.Answer.INTERESTED, now, now
        match.message = "Nous avons une équipe disponible dès janvier."
    match.save()
    return match


def make_answer(need: Need, *, name="Jardins de l'Ouest", interested=True, shared=True, **values) -> SupplierMatch:
    """A supplier's answer as the supplier's page leaves it."""
    now = timezone.now()
    organisation = OrganisationFactory(name=name, email=values.pop("email", "contact@jardins-ouest.re"))
    return SupplierMatch.objects.create(
        need=need,
        organisation=organisation,
        email=organisation.email,
        emailed_at=now,
        opened_at=now,
        viewed_at=now,
        answer=SupplierMatch.Answer.INTERESTED if interested else SupplierMatch.Answer.NOT_INTERESTED,
        not_interested_reason="" if interested else SupplierMatch.NotInterestedReason.TOO_FAR,
        message="Nous entretenons déjà trois écoles à Saint-Paul." if interested else "",
        answered_at=now,
        contact_shared_at=now if interested and shared else None,
        **values,
    )


# --- Experiments ---------------------------------------------------------------------------


def make_experiment(title="Monnaie locale complémentaire", *, is_public=True, partners=(), measures=3, **values):
    experiment = Experiment.objects.create(
        title=title,
        slug=slugify(title)[:200],
        summary=values.pop("summary", "Une monnaie locale pour les commerces de proximité."),
        is_public=is_public,
        budget=values.pop("budget", Decimal("45000")),
        starts_on=values.pop("starts_on", date(2026, 1, 1)),
        ends_on=values.pop("ends_on", date(2027, 6, 30)),
        **values,
    )
    experiment.partners.set(partners)
    experiment.territories.set(Territory.objects.filter(kind=TerritoryKind.EPCI).order_by("code")[:1])
    indicator = ExperimentIndicator.objects.create(
        experiment=experiment, name="Commerces adhérents", unit="commerces", target=Decimal("120")
    )
    for month in range(1, measures + 1):
        ExperimentMeasure.objects.create(indicator=indicator, measured_on=date(2026, month, 1), value=10 * month)
    return experiment
