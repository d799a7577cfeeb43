"""Action 2's block on the territory pages (lib.territory_blocks): the territorial ESS plans
of the territory and of the territories above it, and the public policies that apply there
(a commune gets its own, its intercommunality's, its arrondissement's and the région's).

`plans_for` and `policies_for` are minimal selectors kept here until `territoires.selectors`
(the plan and policy pages) offers them with the same meaning; the plan and policy pages
are linked only once they are routed. Two queries whatever the number of rows."""

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from lib.territory_blocks import TerritoryBlock
from territoires.cache import current_version
from territoires.models import Action, Plan, Policy

POLICIES_SHOWN = 8
LEVEL_ORDER = {level: index for index, level in enumerate(Policy.Level.values)}


def _above(territory) -> list[int]:
    """The territory and those above it: parent, parent's parent, arrondissement."""
    found = [territory.pk]
    parent = territory.parent
    while parent is not None:
        found.append(parent.pk)
        parent = parent.parent
    if territory.arrondissement_id:
        found.append(territory.arrondissement_id)
    return found


def plans_for(territory) -> list[Plan]:
    """The published plans of the territory and of those above it, the nearest first, each
    with its number of actions (`action_count`) and of actions done (`done_count`)."""
    above = _above(territory)
    plans = (
        Plan.objects.filter(is_published=True, territory_id__in=above)
        .select_related("territory")
        .only("title", "slug", "summary", "start_year", "end_year", "adopted_on", "territory__name", "territory__kind")
        .annotate(
            action_count=Count("axes__actions", distinct=True),
            done_count=Count("axes__actions", filter=Q(axes__actions__status=Action.Status.DONE), distinct=True),
        )
    )
    return sorted(plans, key=lambda plan: (above.index(plan.territory_id), -plan.start_year, plan.title))


def policies_for(territory) -> list[Policy]:
    """The published policies covering the territory or a territory above it, by level
    (Europe, État, région… commune) then title."""
    policies = (
        Policy.objects.filter(is_published=True, territories__in=_above(territory))
        .distinct()
        .only("title", "slug", "level", "kind", "summary", "url", "start_year", "end_year")
    )
    return sorted(policies, key=lambda policy: (LEVEL_ORDER.get(policy.level, 99), policy.title))


def _url(name: str, *args) -> str:
    # The plan and policy pages (territoires.urls_plans) may not be routed yet: no link then.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def territory_plans(territory) -> dict:
    plans = plans_for(territory)
    policies = policies_for(territory)
    if not plans and not policies:
        return {
            "empty": "Aucun plan territorial de l'ESS ni aucune politique publique n'est encore recensé "
            "pour ce territoire."
        }
    for plan in plans:
        plan.url = _url("territoires:plan", plan.slug)
        plan.is_here = plan.territory_id == territory.pk
    return {
        "plans": plans,
        "policies": policies[:POLICIES_SHOWN],
        "more_policies": max(0, len(policies) - POLICIES_SHOWN),
        "policies_url": _url("territoires:politiques"),
    }


BLOCK = TerritoryBlock(
    name="plans",
    title="Plan d'action et politiques publiques",
    order=30,
    template="territoires/_bloc_territoire.html",
    context=territory_plans,
    version=current_version,
)
