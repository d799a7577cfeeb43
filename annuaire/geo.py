"""Map data of the directory: the filtered set, for the visible area, as GeoJSON.

Below CLUSTER_BELOW_ZOOM the points are grouped on the server in a grid whose cells
are about 60 pixels wide at that zoom (one GROUP BY over the whole selection, cached
per selection and zoom, then cut to the visible area); above it, the individual
points of the visible area are sent, at most MAX_POINTS, and Leaflet.markercluster
groups them in the browser.
"""

import json
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Avg, Count, F, FloatField, Min
from django.db.models.functions import Cast, Floor

from annuaire.models import Organisation
from annuaire.search import SUMMARY_TTL, DirectoryFilters, filter_options, match_set, summary
from annuaire.services import directory_version

CLUSTER_BELOW_ZOOM = 16
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
        if len(parts) != 4 or not all(math.isfinite(part) for part in parts):
            raise ValueError("bbox")
        west, south, east, north = parts
        if west > east or south > north:
            raise ValueError("bbox")
        # Leaflet reports longitudes past ±180 when zoomed far out: clamp, do not refuse.
        return cls(max(west, -180), max(south, -85), min(east, 180), min(north, 85))

    def snapped_to_tiles(self, zoom: int) -> "BoundingBox":
        """The smallest box made of whole slippy-map tiles of this zoom that holds this one."""
        tiles = 2**zoom

        def tile_x(longitude):
            return min(tiles - 1, int((longitude + 180) / 360 * tiles))

        def tile_y(latitude):
            radians = math.radians(latitude)
            return min(tiles - 1, int((1 - math.asinh(math.tan(radians)) / math.pi) / 2 * tiles))

        def longitude_of(x):
            return x / tiles * 360 - 180

        def latitude_of(y):
            return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / tiles))))

        west, east = tile_x(self.west), tile_x(self.east) + 1
        north, south = tile_y(self.north), tile_y(self.south) + 1
        return BoundingBox(
            round(longitude_of(west), 6),
            round(latitude_of(south), 6),
            round(longitude_of(east), 6),
            round(latitude_of(north), 6),
        )


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
    return {"name": organisation["name"], "slug": organisation["slug"]}


def _inside(feature, box: BoundingBox) -> bool:
    longitude, latitude = feature["geometry"]["coordinates"]
    return box.west <= longitude <= box.east and box.south <= latitude <= box.north


def map_json(filters: DirectoryFilters, box: BoundingBox, zoom: int) -> bytes:
    """The serialised answer, cached per selection, zoom and area widened to whole tiles
    (so that nearby views of the same zoom share one answer)."""
    tiles = box.snapped_to_tiles(zoom)
    area = f"{tiles.west},{tiles.south},{tiles.east},{tiles.north}"
    key = f"annuaire:map:{directory_version()}:{filters.selection_key()}:{zoom}:{area}"
    payload = cache.get(key)
    if payload is None:
        # Compact separators: the largest answers (5 000 points) stay well under 1 MB.
        payload = json.dumps(map_features(filters, tiles, zoom), separators=(",", ":")).encode()
        cache.set(key, payload, SUMMARY_TTL)
    return payload


def map_features(filters: DirectoryFilters, box: BoundingBox, zoom: int) -> dict:
    options = filter_options()
    corrected = summary(filters, options)["corrected"]
    matches, _query = match_set(filters, options, corrected)
    if zoom >= CLUSTER_BELOW_ZOOM:
        visible = matches.filter(
            latitude__gte=box.south, latitude__lte=box.north, longitude__gte=box.west, longitude__lte=box.east
        ).order_by()
        rows = list(visible.values("name", "slug", "latitude", "longitude")[: MAX_POINTS + 1])
        truncated = len(rows) > MAX_POINTS
        features = [_feature(row["longitude"], row["latitude"], _point_properties(row)) for row in rows[:MAX_POINTS]]
        return {"type": "FeatureCollection", "features": features, "clustered": False, "truncated": truncated}
    key = f"annuaire:clusters:{directory_version()}:{filters.selection_key()}:{zoom}"
    features = cache.get(key)
    if features is None:
        features = _clusters(matches, zoom)
        cache.set(key, features, SUMMARY_TTL)
    visible = [feature for feature in features if _inside(feature, box)]
    return {"type": "FeatureCollection", "features": visible, "clustered": True, "truncated": False}


def _clusters(matches, zoom: int) -> list[dict]:
    size = cell_size(zoom)
    cells = list(
        matches.filter(latitude__isnull=False)
        .order_by()
        .annotate(
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
        for row in Organisation.objects.filter(pk__in=singles).values("id", "name", "slug", "latitude", "longitude")
    }
    features = []
    for count, latitude, longitude, first in cells:
        if count == 1 and first in named:
            row = named[first]
            features.append(_feature(row["longitude"], row["latitude"], _point_properties(row)))
        else:
            features.append(_feature(longitude, latitude, {"cluster": True, "count": count}))
    return features
