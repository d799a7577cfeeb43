"""Reads of the financial tools that the public pages, the agenda, the open data and the
finder share. The search itself is experimentations.search (one place)."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from experimentations.models import FinancialTool, Instrument, Purpose
from experimentations.search import CRITERIA, ToolFilters
from lib.dates import french_date
from referentiels.models import EssFamily, LegalForm, NafSection, ProjectStage, Territory


def closing_soon_days() -> int:
    return getattr(settings, "EXPERIMENTATIONS_CLOSING_SOON_DAYS", 30)


REUNION_MIDNIGHT = time.min

# --- A call's state, in Réunion time ---------------------------------------------------------


@dataclass(frozen=True)
class CallState:
    code: str  # « ouvert », « cloture_proche », « clos »
    label: str
    badge: str  # the Bootstrap colour of its badge
    words: str  # « clôture le 15 décembre 2026 à 12:00 (dans 12 jours) »


def _days_left(closes_at: datetime, now: datetime) -> int:
    return (timezone.localdate(closes_at) - timezone.localdate(now)).days


def deadline_words(closes_at: datetime, now: datetime | None = None) -> str:
    """The deadline as people say it, in Réunion time."""
    now = now or timezone.now()
    local = timezone.localtime(closes_at)
    hour = local.strftime("%H:%M")
    if closes_at <= now:
        return f"clos depuis le {french_date(local)} à {hour}"
    days = _days_left(closes_at, now)
    if days == 0:
        return f"clôture aujourd'hui à {hour}"
    if days == 1:
        return f"clôture demain à {hour}"
    return f"clôture le {french_date(local)} à {hour} (dans {days} jours)"


def call_state(tool: FinancialTool, now: datetime | None = None) -> CallState | None:
    """Open, closing soon (its last days, a setting) or closed; None for a tool without deadline."""
    if tool.closes_at is None:
        return None
    now = now or timezone.now()
    words = deadline_words(tool.closes_at, now)
    if tool.closes_at <= now:
        return CallState("clos", "Clos", "secondary", words)
    if _days_left(tool.closes_at, now) <= closing_soon_days():
        return CallState("cloture_proche", "Clôture proche", "warning", words)
    return CallState("ouvert", "Ouvert", "success", words)


def closing_soon_from(closes_at: datetime) -> datetime:
    """The moment a call enters its last days: midnight, Réunion time, N days before its closing day."""
    day = timezone.localdate(closes_at) - timedelta(days=closing_soon_days())
    return datetime.combine(day, REUNION_MIDNIGHT, tzinfo=timezone.get_current_timezone())


def state_changes() -> list[datetime]:
    """Every moment a published tool's state changes with no write, sorted (experimentations.cache)."""
    closings = FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED, closes_at__isnull=False).values_list(
        "closes_at", flat=True
    )
    return sorted({moment for closes_at in closings for moment in (closes_at, closing_soon_from(closes_at))})


# --- Lists and pages ---------------------------------------------------------------------------


def tool_url(tool: FinancialTool) -> str:
    return reverse("experimentations:tool", args=[tool.slug])


def provider_url(tool: FinancialTool) -> str:
    provider = tool.provider
    return reverse("annuaire:structure", args=[provider.slug]) if provider.is_published else ""


def with_lists(tools: QuerySet) -> QuerySet:
    """The tools with their provider and eligible lists: four queries whatever their number."""
    return tools.select_related("provider").prefetch_related(
        Prefetch("legal_forms", queryset=LegalForm.objects.only("code", "label", "family")),
        Prefetch("sectors", queryset=NafSection.objects.only("code", "label")),
        Prefetch("territories", queryset=Territory.objects.only("kind", "code", "name", "short_name")),
    )


def card_fields(tools: QuerySet) -> QuerySet:
    return tools.defer("description", "conditions", "how_to_apply", "search_vector").select_related("provider")


@dataclass
class ToolCard:
    """What a list shows of a tool."""

    tool: FinancialTool
    url: str
    state: CallState | None
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    score: int = 0


def cards(tools, now: datetime | None = None) -> list[ToolCard]:
    now = now or timezone.now()
    return [ToolCard(tool=tool, url=tool_url(tool), state=call_state(tool, now)) for tool in tools]


def published_tool(slug: str) -> FinancialTool | None:
    return with_lists(FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED, slug=slug)).first()


def calls_closing_first(*, limit: int, now: datetime | None = None) -> list[FinancialTool]:
    """The published calls still open whose budget is not exhausted, the soonest closing first."""
    now = now or timezone.now()
    return list(
        card_fields(
            FinancialTool.objects.filter(
                status=FinancialTool.Status.PUBLISHED, is_call=True, budget_exhausted=False, closes_at__gt=now
            )
        ).order_by("closes_at", "name")[:limit]
    )


def calls_between(start: datetime | None, end: datetime | None) -> list[FinancialTool]:
    """The published calls whose closing falls in the period (the agenda)."""
    calls = FinancialTool.objects.filter(status=FinancialTool.Status.PUBLISHED, is_call=True)
    if start is not None:
        calls = calls.filter(closes_at__gte=start)
    if end is not None:
        calls = calls.filter(closes_at__lt=end)
    return list(card_fields(calls).prefetch_related("territories").order_by("closes_at"))


def catalogue_counts() -> dict:
    """The hub's figures: published tools, open calls, providers. One query."""
    from django.db.models import Count

    now = timezone.now()
    published = Q(status=FinancialTool.Status.PUBLISHED)
    return FinancialTool.objects.aggregate(
        tools=Count("pk", filter=published),
        calls=Count("pk", filter=published & Q(is_call=True, closes_at__gt=now, budget_exhausted=False)),
        providers=Count("provider", filter=published, distinct=True),
    )


# --- The finder: which criteria each tool meets ------------------------------------------------

# The finder's questions (a commune not covered is not a fit: the tool is not shown).
FINDER_CRITERIA = ("stage", "family", "legal_form", "sector", "purpose", "amount")
FINDER_LIMIT = 30
UNKNOWN = {
    "stage": "Précisez le stade de votre projet",
    "family": "Précisez la famille ou la forme juridique de votre structure",
    "legal_form": "Précisez la forme juridique de votre structure",
    "sector": "Précisez votre secteur d'activité",
    "purpose": "Précisez ce que vous voulez financer",
    "amount": "Précisez le montant recherché",
}


def _labels(values, choices) -> str:
    return ", ".join(str(choices(value).label) for value in values if value in choices.values)


def _euros(amount: int) -> str:
    return f"{amount:,} €".replace(",", "\u202f")


def amount_range(tool: FinancialTool) -> str:
    if tool.amount_min and tool.amount_max:
        return f"de {_euros(tool.amount_min)} à {_euros(tool.amount_max)}"
    if tool.amount_max:
        return f"jusqu'à {_euros(tool.amount_max)}"
    if tool.amount_min:
        return f"à partir de {_euros(tool.amount_min)}"
    return ""


def _restricts(tool: FinancialTool, criterion: str) -> bool:
    """Whether the tool limits this criterion (a list left empty fits every answer). Only the
    criterion asked is computed: a related manager costs a little each time it is built."""
    if criterion == "instrument":
        return True
    if criterion == "stage":
        return bool(tool.stages)
    if criterion in ("family", "legal_form"):
        return bool(tool.families) or bool(tool.legal_forms.all())
    if criterion == "sector":
        return bool(tool.sectors.all())
    if criterion == "commune":
        return bool(tool.territories.all())
    if criterion == "purpose":
        return bool(tool.purposes)
    if criterion == "amount":
        return tool.amount_min is not None or tool.amount_max is not None
    raise KeyError(criterion)


def _eligible_text(tool: FinancialTool) -> str:
    parts = []
    if tool.families:
        parts.append(_labels(tool.families, EssFamily))
    if tool.legal_forms.all():
        parts.append(", ".join(form.label for form in tool.legal_forms.all()))
    return " ; ".join(parts)


def _met(tool: FinancialTool, criterion: str, given: dict) -> str:
    if criterion == "instrument":
        return f"C'est un outil de type « {Instrument(tool.instrument).label} »"
    if not _restricts(tool, criterion):
        return {
            "stage": "Ouvert à tous les stades de projet",
            "family": "Ouvert à toutes les structures de l'ESS",
            "legal_form": "Ouvert à toutes les formes juridiques",
            "sector": "Ouvert à tous les secteurs",
            "commune": "Couvre toute La Réunion",
            "purpose": "Finance tout type de besoin",
            "amount": "Pas de montant imposé",
        }[criterion]
    return {
        "stage": lambda: f"Ouvert au stade « {ProjectStage(given['stage']).label} »",
        "family": lambda: f"Ouvert à la famille « {EssFamily(given['family']).label} »",
        "legal_form": lambda: f"Ouvert à la forme « {given['legal_form'].label} »",
        "sector": lambda: f"Ouvert au secteur {given['sector']}",
        "commune": lambda: f"Couvre {given['commune'].name}",
        "purpose": lambda: f"Finance : {Purpose(given['purpose']).label.lower()}",
        "amount": lambda: f"Votre montant entre dans la fourchette ({amount_range(tool)})",
    }[criterion]()


def _not_met(tool: FinancialTool, criterion: str) -> str:
    return {
        "instrument": lambda: f"C'est un outil de type « {Instrument(tool.instrument).label} »",
        "stage": lambda: f"Réservé aux stades : {_labels(tool.stages, ProjectStage).lower()}",
        "family": lambda: f"Réservé à : {_eligible_text(tool)}",
        "legal_form": lambda: f"Réservé à : {_eligible_text(tool)}",
        "sector": lambda: "Réservé aux secteurs : " + ", ".join(s.label for s in tool.sectors.all()),
        "commune": lambda: "Ne couvre pas votre commune",
        "purpose": lambda: f"Finance : {_labels(tool.purposes, Purpose).lower()}",
        "amount": lambda: f"Montant {amount_range(tool)}",
    }[criterion]()


def rank_tools(filters: ToolFilters, *, limit: int = FINDER_LIMIT, now: datetime | None = None) -> list[ToolCard]:
    """The live tools that cover the commune (if given) and match the words (if any), the
    most criteria met first, each with why it fits (`reasons`) and what is missing (criteria
    not met, or not answered where the tool sets a condition). Five queries whatever the
    number of tools: each criterion is computed by the database (the same conditions as the
    list's filters), the best `limit` are read."""
    now = now or timezone.now()
    conditions = filters.criteria()
    tools = filters.live()
    if "commune" in conditions:
        tools = tools.filter(conditions["commune"])
    tools, ranked = filters.search(tools)
    soft = {name: condition for name, condition in conditions.items() if name != "commune"}
    annotations = {
        f"meets_{name}": ExpressionWrapper(condition, output_field=BooleanField()) for name, condition in soft.items()
    }
    score = sum(
        (
            Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
            for condition in soft.values()
        ),
        Value(0, output_field=IntegerField()),
    )
    tools = tools.annotate(**annotations, score=score)
    ordering = ["-score", *(["-rank"] if ranked else []), F("closes_at").asc(nulls_last=True), "name", "pk"]
    given = filters.understood
    found = []
    for tool in with_lists(card_fields(tools)).order_by(*ordering)[:limit]:
        card = ToolCard(tool=tool, url=tool_url(tool), state=call_state(tool, now), score=tool.score)
        for name in CRITERIA:
            if name in conditions:
                met = name == "commune" or getattr(tool, f"meets_{name}")
                (card.reasons if met else card.missing).append(_met(tool, name, given) if met else _not_met(tool, name))
            elif name in FINDER_CRITERIA and _restricts(tool, name):
                # One question asks for the family or the legal form: one message for both.
                if name == "legal_form" or (name == "family" and "legal_form" in given):
                    continue
                card.missing.append(UNKNOWN[name])
        found.append(card)
    return found
