"""Action 2's block on the territory pages (lib.territory_blocks): the territorial ESS plans
of the territory and of the territories above it, and the public policies that apply there
(a commune gets its own, its intercommunality's, its arrondissement's and the région's).

The plans and policies come from `territoires.selectors` (the plan and policy pages' own
selectors): a bounded number of queries whatever the number of rows."""

from django.urls import reverse

from lib.territory_blocks import TerritoryBlock
from territoires.cache import current_version
from territoires.selectors import plans_for, policies_for

POLICIES_SHOWN = 8


def territory_plans(territory) -> dict:
    plans = plans_for(territory)
    policies = policies_for(territory)
    if not plans and not policies:
        return {
            "empty": "Aucun plan territorial de l'ESS ni aucune politique publique n'est encore recensé "
            "pour ce territoire."
        }
    for plan in plans:
        plan.url = reverse("territoires:plan", args=[plan.slug])
        plan.is_here = plan.territory_id == territory.pk
    shown = policies[:POLICIES_SHOWN]
    for policy in shown:
        # The policy's own page (its territories, a PTCE's members, then its external site).
        policy.page_url = reverse("territoires:politique", args=[policy.slug])
    return {
        "plans": plans,
        "policies": shown,
        "more_policies": max(0, len(policies) - POLICIES_SHOWN),
        "policies_url": reverse("territoires:politiques"),
    }


BLOCK = TerritoryBlock(
    name="plans",
    title="Plan d'action et politiques publiques",
    order=30,
    template="territoires/_bloc_territoire.html",
    context=territory_plans,
    version=current_version,
)
