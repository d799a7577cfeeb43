"""Map data of the directory: the filtered set, for the visible area, as GeoJSON.

Below CLUSTER_BELOW_ZOOM the points are grouped on the server in a grid whose cells
are about 60 pixels wide at that zoom (one GROUP BY); above it, the individual points
of the visible area are sent, at most MAX_POINTS, and Leaflet.markercluster groups
them in the browser.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Min
from django.db.models.functions import Cast, Floor

from annuaire.models import Organisation
from annuaire.search import DirectoryFilters, filter_options, match_set, summary

CLUSTER_BELOW_ZOOM = 14
MAX_POINTS = 5000
CELL_PIXELS = 60


@dataclass(frozen=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, value: str) -> "BoundingBox":
        """ "west,south,east,north" in degrees; raises ValueError on anything else."""
        parts = [float(part) for part in value.split(",")]
        if len(parts) != 4:
            raise ValueError("bbox")
        box = cls(*parts)
        if not (-180 <= box.west <= box.east <= 180 and -90 <= box.south <= box.north <= 90):
            raise ValueError("bbox")
        return box


def cell_size(zoom: int) -> float:
    """Degrees of longitude covered by CELL_PIXELS at this zoom (256-pixel tiles)."""
    return 360 / (2**zoom) * CELL_PIXELS / 256


def _feature(longitude, latitude, properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
        "properties": properties,
    }


def _point_properties(organisation):
    return {"name": organisation["name"], "slug": organisation["slug"], "commune": organisation["commune__name"] or ""}


def map_features(filters: DirectoryFilters, box: BoundingBox, zoom: int) -> dict:
    options = filter_options()
    corrected = summary(filters, options)["corrected"]
    matches, _query = match_set(filters, options, corrected)
    visible = matches.filter(
        latitude__gte=box.south, latitude__lte=box.north, longitude__gte=box.west, longitude__lte=box.east
    ).order_by()
    if zoom >= CLUSTER_BELOW_ZOOM:
        rows = list(visible.values("name", "slug", "latitude", "longitude", "commune__name")[: MAX_POINTS + 1])
        truncated = len(rows) > MAX_POINTS
        features = [_feature(row["longitude"], row["latitude"], _point_properties(row)) for row in rows[:MAX_POINTS]]
        return {"type": "FeatureCollection", "features": features, "clustered": False, "truncated": truncated}

    size = cell_size(zoom)
    cells = list(
        visible.annotate(
            cell_x=Floor(Cast(F("longitude"), FloatField()) / size),
            cell_y=Floor(Cast(F("latitude"), FloatField()) / size),
        )
        .values("cell_x", "cell_y")
        .annotate(count=Count("id"), latitude_avg=Avg("latitude"), longitude_avg=Avg("longitude"), first=Min("id"))
        .values_list("count", "latitude_avg", "longitude_avg", "first")
    )
    singles = {row[3] for row in cells if row[0] == 1}
    named = {
        row["id"]: row
        for row in Organisation.objects.filter(pk__in=singles).values(
            "id", "name", "slug", "latitude", "longitude", "commune__name"
        )
    }
    features = []
    for count, latitude, longitude, first in cells:
        if count == 1 and first in named:
            row = named[first]
            features.append(_feature(row["longitude"], row["latitude"], _point_properties(row)))
        else:
            features.append(_feature(longitude, latitude, {"cluster": True, "count": count}))
    return {"type": "FeatureCollection", "features": features, "clustered": True, "truncated": False}
