"""The partners' block on the territory pages (lib.territory_blocks): the public partners
active in the territory — those whose territories of action include it, a territory above
it (its intercommunality, its arrondissement, the région) or one within it, and those with
no territory given, who act on the whole island — with their kind and the number of their
public conventions in force. Two queries whatever the number of partners."""

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from lib.territory_blocks import TerritoryBlock
from partenariats.cache import current_version
from partenariats.models import Partner
from partenariats.workflows import CONVENTION_LIVE
from referentiels.models import TerritoryKind


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


def active_in(territory):
    """The public partners active in the territory (see the module's docstring)."""
    partners = Partner.objects.filter(is_public=True)
    if territory.kind == TerritoryKind.REGION:
        return partners
    places = Partner.territories.through.objects
    here = (
        Q(territory_id__in=_above(territory))
        | Q(territory__parent=territory)
        | Q(territory__arrondissement=territory)
        | Q(territory__parent__parent=territory)
    )
    return partners.filter(Q(pk__in=places.filter(here).values("partner_id")) | ~Q(pk__in=places.values("partner_id")))


def _partners_page() -> str:
    # The public partners page belongs to partenariats' public part, which may not be
    # routed yet: no link until it is.
    try:
        return reverse("partenariats:index")
    except NoReverseMatch:
        return ""


def territory_partners(territory) -> dict:
    partners = list(
        active_in(territory)
        .select_related("organisation")
        .only("kind", "order", "organisation__name", "organisation__slug", "organisation__is_published")
        .annotate(
            in_force=Count(
                "conventions",
                filter=Q(conventions__status__in=CONVENTION_LIVE, conventions__is_public=True),
                distinct=True,
            )
        )
        .order_by("order", "organisation__name")
    )
    if not partners:
        return {"empty": "Aucun partenaire de la CRESS n'est signalé sur ce territoire pour le moment."}
    return {"partners": partners, "partners_url": _partners_page()}


BLOCK = TerritoryBlock(
    name="partenaires",
    title="Les partenaires de la CRESS",
    order=50,
    template="partenariats/_bloc_territoire.html",
    context=territory_partners,
    version=current_version,
)
