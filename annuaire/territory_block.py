"""The directory's block on the territory pages (lib.territory_blocks): the published
organisations located in the territory (a territory holds its communes; the région, every
organisation), counted by ESS family, the most recent ones, and a small map.

Four queries whatever the number of organisations: the counts, the most recent, the points
(at most MAP_POINTS: the block says so and the directory's own map shows them all)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.urls import reverse
from django.utils.html import json_script

from annuaire.models import Organisation
from annuaire.selectors import territory_directory_link
from annuaire.services import directory_version
from lib.territory_blocks import TerritoryBlock
from referentiels.models import EssFamily, TerritoryKind

MAP_POINTS = 500
RECENT = 6
NO_FAMILY = "Sans famille de l'ESS renseignée"
MAP_ID = "points-carte-territoire"


class CompactEncoder(DjangoJSONEncoder):
    """No space after separators: the région's points are a good part of its page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "separators": (",", ":")})


def located_in(territory):
    """The published organisations whose commune lies in the territory."""
    published = Organisation.objects.filter(is_published=True)
    if territory.kind == TerritoryKind.REGION:
        return published
    if territory.kind == TerritoryKind.EPCI:
        return published.filter(commune__parent=territory)
    if territory.kind == TerritoryKind.ARRONDISSEMENT:
        return published.filter(commune__arrondissement=territory)
    return published.filter(commune=territory)


def _directory_link(territory) -> str:
    link = territory_directory_link(territory)
    return link.url if link is not None else reverse("annuaire:index")


def territory_directory(territory) -> dict:
    organisations = located_in(territory)
    counted = dict(organisations.order_by().values_list("ess_family").annotate(count=Count("pk")))
    total = sum(counted.values())
    if not total:
        return {"empty": "Aucune structure de l'annuaire n'est encore enregistrée sur ce territoire."}
    families = [(label, counted[family]) for family, label in EssFamily.choices if counted.get(family)]
    if counted.get(""):
        families.append((NO_FAMILY, counted[""]))
    recent = list(
        organisations.select_related("commune")
        .only("name", "acronym", "slug", "ess_family", "commune__name", "created_at")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    located = list(
        organisations.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list("slug", "name", "latitude", "longitude")[: MAP_POINTS + 1]
    )
    # Four decimals: some ten metres, plenty for a map of a whole territory.
    points = [[round(lat, 4), round(lng, 4), name, slug] for slug, name, lat, lng in located[:MAP_POINTS]]
    return {
        "total": total,
        "families": families,
        "recent": recent,
        "points": points,
        "points_script": json_script(points, MAP_ID, encoder=CompactEncoder),
        "capped": len(located) > MAP_POINTS,
        "map_points": MAP_POINTS,
        "directory_url": _directory_link(territory),
        "filtered": territory.kind in (TerritoryKind.EPCI, TerritoryKind.COMMUNE),
        "structure_url": reverse("annuaire:structure", args=["SLUG"]),
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
    }


BLOCK = TerritoryBlock(
    name="annuaire",
    title="Les acteurs de l'ESS",
    order=20,
    template="annuaire/_bloc_territoire.html",
    context=territory_directory,
    version=directory_version,
    wide=True,
    stylesheets=(
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet.markercluster/MarkerCluster.css",
        "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    ),
    scripts=(
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "js/carte-commun.js",
        "js/carte-territoire.js",
    ),
)
