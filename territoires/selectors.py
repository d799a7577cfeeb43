"""Reads of Action 2 that pages share: published plans and policies, and what applies to a
territory. Each function runs a bounded number of queries, whatever the number of rows.

« Applies to a territory » follows the administrative tree (referentiels.PARENT_KIND): a
policy or a plan applies to the territory it covers and to every territory inside it. A
commune is in its intercommunality (its parent), its arrondissement and the région; an
intercommunality and an arrondissement are in the région.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Func, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Lower

from annuaire.models import Organisation
from lib.text import normalise_text
from referentiels.models import Territory, TerritoryKind
from territoires.models import Action, Axis, Indicator, IndicatorValue, Plan, Policy, PtceMember

# The levels in the order the public page lists them, from the widest to the nearest.
LEVEL_ORDER = list(Policy.Level.values)
# A plan shows among the policies at the level of its territory.
PLAN_LEVEL = {
    TerritoryKind.REGION: Policy.Level.REGION,
    TerritoryKind.EPCI: Policy.Level.EPCI,
    TerritoryKind.COMMUNE: Policy.Level.COMMUNE,
}
# What the public pages read of an organisation: its name, and its page if it is published.
ORGANISATION_FIELDS = ("id", "name", "slug", "is_published")
MAX_QUERY_LENGTH = 200


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.only(*ORGANISATION_FIELDS).order_by("name")


# --- Territories ---------------------------------------------------------------------------


def territories_for_filter() -> list[Territory]:
    """Every territory a visitor may filter by, widest first, then by name (one query)."""
    order = {kind: index for index, kind in enumerate(TerritoryKind.values)}
    found = list(Territory.objects.only("id", "kind", "code", "name", "short_name", "slug"))
    return sorted(found, key=lambda territory: (order[territory.kind], territory.name))


def find_territory(value: str) -> Territory | None:
    """The territory named by its official code or its slug (one query), or None.

    Codes do not clash between kinds (région 2 digits, arrondissement 4, commune 5, EPCI 9);
    a slug may (the commune and the arrondissement of Saint-Denis): the commune wins, the
    narrowest territory being what people usually mean.
    """
    value = (value or "").strip()
    if not value or len(value) > 160:
        return None
    found = list(Territory.objects.filter(Q(code=value) | Q(slug=value.lower())).select_related("parent"))
    if not found:
        return None
    narrowest = [TerritoryKind.COMMUNE, TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT, TerritoryKind.REGION]
    by_code = [territory for territory in found if territory.code == value]
    return min(by_code or found, key=lambda territory: narrowest.index(territory.kind))


def covering_ids(territory: Territory) -> list[int]:
    """The territory and every territory it lies in, nearest first: itself, its parent, its
    parent's parent, its arrondissement (at most one query: the grandparent)."""
    ids = [territory.pk]
    if territory.parent_id:
        ids.append(territory.parent_id)
        parent = territory.parent if Territory.parent.is_cached(territory) else None
        grandparent_id = (
            parent.parent_id
            if parent is not None
            else Territory.objects.filter(pk=territory.parent_id).values_list("parent_id", flat=True).first()
        )
        if grandparent_id:
            ids.append(grandparent_id)
    if territory.arrondissement_id:
        ids.append(territory.arrondissement_id)
    return ids


# --- Plans ---------------------------------------------------------------------------------


@dataclass
class Progress:
    """How a plan's actions stand: the count per state, in the workflow's order."""

    total: int = 0
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (state, label, count)

    @property
    def done(self) -> int:
        return next((count for state, _label, count in self.counts if state == Action.Status.DONE), 0)


def _progress(counts: dict[str, int]) -> Progress:
    return Progress(
        total=sum(counts.values()),
        counts=[(state, label, counts.get(state, 0)) for state, label in Action.Status.choices],
    )


def published_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_published=True).select_related("territory")


def plans_with_progress(plans: QuerySet[Plan]) -> list[Plan]:
    """The plans, each with `.progress` (its actions per state), in one query whatever the
    number of plans, none included (counted by the database in the same query)."""
    counts = {
        f"actions_{state}": Count("axes__actions", filter=Q(axes__actions__status=state))
        for state in Action.Status.values
    }
    plans = list(plans.annotate(**counts))
    for plan in plans:
        plan.progress = _progress({state: getattr(plan, f"actions_{state}") for state in Action.Status.values})
    return plans


def plan_list() -> list[Plan]:
    """The published plans for the public list: the region's first, then by territory name."""
    order = {kind: index for index, kind in enumerate(TerritoryKind.values)}
    plans = plans_with_progress(published_plans().order_by("territory__name", "-start_year", "pk"))
    return sorted(plans, key=lambda plan: order[plan.territory.kind])


def plan_detail(slug: str) -> Plan | None:
    """A published plan with everything its page shows (seven queries), or None."""
    actions = Action.objects.select_related("lead").only(
        *(f"lead__{name}" for name in ORGANISATION_FIELDS),
        "id", "axis_id", "order", "title", "description", "lead_id", "lead_name", "budget", "start_date",
        "end_date", "status",
    ).prefetch_related(Prefetch("partners", queryset=_organisations()))  # fmt: skip
    plan = (
        published_plans()
        .filter(slug=slug)
        .prefetch_related(
            Prefetch("partners", queryset=_organisations()),
            Prefetch("axes", queryset=Axis.objects.prefetch_related(Prefetch("actions", queryset=actions))),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on"))
                ),
            ),
        )
        .first()
    )
    if plan is None:
        return None
    counts: dict[str, int] = {}
    for axis in plan.axes.all():
        for action in axis.actions.all():
            counts[action.status] = counts.get(action.status, 0) + 1
    plan.progress = _progress(counts)
    return plan


def plans_for(territory: Territory) -> list[Plan]:
    """The published plans that apply to a territory (its page's block): its own and those of
    the territories it lies in, the nearest first, each with `.progress`, `.action_count` and
    `.done_count`. Two queries at most."""
    above = covering_ids(territory)
    plans = plans_with_progress(published_plans().filter(territory_id__in=above))
    for plan in plans:
        plan.action_count, plan.done_count = plan.progress.total, plan.progress.done
    return sorted(plans, key=lambda plan: (above.index(plan.territory_id), -plan.start_year, plan.title))


# --- Policies ------------------------------------------------------------------------------


def published_policies() -> QuerySet[Policy]:
    return Policy.objects.filter(is_published=True).select_related("carrier").only(
        *(f"carrier__{name}" for name in ORGANISATION_FIELDS),
        "id", "title", "slug", "level", "kind", "summary", "carrier_id", "start_year", "end_year", "url",
    )  # fmt: skip


def _by_level(items) -> list:
    return sorted(items, key=lambda item: (LEVEL_ORDER.index(item.level), item.title.lower()))


def policies_for(territory: Territory) -> list[Policy]:
    """The published policies that apply to a territory: those covering it or a territory
    it lies in, by level (Europe first) then title. Two queries at most."""
    policies = published_policies().filter(territories__in=covering_ids(territory)).distinct()
    return _by_level(policies)


def policy_detail(slug: str) -> Policy | None:
    """A published policy with its territories and, for a PTCE, its members (three queries)."""
    members = PtceMember.objects.select_related("organisation").only(
        *(f"organisation__{name}" for name in ORGANISATION_FIELDS), "id", "policy_id", "organisation_id", "name", "kind"
    )
    return (
        Policy.objects.filter(is_published=True, slug=slug)
        .select_related("carrier")
        .prefetch_related(
            Prefetch("territories", queryset=Territory.objects.order_by("kind", "name")),
            Prefetch("members", queryset=members),
        )
        .first()
    )


def _folded(*fields: str):
    """lower(unaccent(a || ' ' || b…)) on PostgreSQL."""
    parts = []
    for name in fields:
        parts.extend([F(name), Value(" ")])
    return Lower(Func(Concat(*parts, output_field=TextField()), function="unaccent"))


def _search(queryset: QuerySet, q: str, fields: tuple[str, ...]) -> QuerySet:
    """Every word of `q` in one of the fields, case and accents ignored (few rows: no index)."""
    folded = normalise_text(q)
    if not folded:
        return queryset
    if connection.vendor == "postgresql":
        queryset = queryset.annotate(search_text=_folded(*fields))
        for word in folded.split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset
    for word in q.split():  # SQLite, the zero-setup default: case only
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


@dataclass
class LevelGroup:
    level: str
    label: str
    items: list  # policies and plans, each with `.level`, `.title`, `.is_plan`


def policy_groups(*, territory: Territory | None = None, q: str = "") -> list[LevelGroup]:
    """The published policies, and the published plans among them, that apply to a
    territory (all when None) and contain every word of `q`, grouped by level (three
    queries)."""
    policies = published_policies()
    plans = published_plans().only(
        "id", "title", "slug", "summary", "start_year", "end_year", "adopted_on", "territory__id",
        "territory__kind", "territory__name", "territory__short_name", "territory__slug", "territory__code",
    )  # fmt: skip
    if territory is not None:
        above = covering_ids(territory)
        policies = policies.filter(territories__in=above).distinct()
        plans = plans.filter(territory_id__in=above)
    policies = _search(policies, q, ("title", "summary", "description"))
    plans = _search(plans, q, ("title", "summary", "territory__name"))
    items = list(policies)
    for policy in items:
        policy.is_plan = False
    for plan in plans:
        plan.is_plan = True
        plan.level = PLAN_LEVEL[plan.territory.kind]
        items.append(plan)
    groups = {level: LevelGroup(level, label, []) for level, label in Policy.Level.choices}
    for item in _by_level(items):
        groups[item.level].items.append(item)
    return [group for group in groups.values() if group.items]
