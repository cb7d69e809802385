"""Search by map area: `bbox=west,south,east,north` (WGS84 degrees, the order of OGC API,
GeoJSON and ckanext-spatial's `ext_bbox`).

A dataset matches when its extent (`Dataset.spatial_bbox`, see `datasud.geo.extent`)
intersects the area: four range predicates on plain columns, which both databases answer
from an index, and no query at all when no area is asked. Datasets of unknown extent
never match an area.
"""
from __future__ import annotations

import math

from django.db.models import Q
from django.utils.translation import gettext as _

BBox = tuple[float, float, float, float]


class InvalidBBox(ValueError):
    """The area asked cannot be read; the message (French) says why."""


def parse_bbox(text: str) -> BBox | None:
    """`"5.2,43.2,5.6,43.4"` -> `(5.2, 43.2, 5.6, 43.4)`; empty text -> None.

    Raises `InvalidBBox` for anything else: not four numbers, outside WGS84's range, or
    west of east / south of north inverted (areas across the antimeridian are not needed
    for a French region and are refused rather than misread).
    """
    text = str(text or "").strip()
    if not text:
        return None
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 4:
        raise InvalidBBox(_("La zone doit être quatre nombres séparés par des virgules : "
                            "ouest,sud,est,nord (longitudes et latitudes WGS84)."))
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise InvalidBBox(_("La zone doit être faite de nombres (ex. 5.2,43.2,5.6,43.4).")) \
            from None
    return check_bbox(*values)


def check_bbox(west: float, south: float, east: float, north: float) -> BBox:
    """The four edges as a `BBox` if they make a WGS84 area, else `InvalidBBox`."""
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise InvalidBBox(_("La zone doit être faite de nombres finis."))
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise InvalidBBox(_("Les longitudes (ouest, est) doivent être entre -180 et 180."))
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise InvalidBBox(_("Les latitudes (sud, nord) doivent être entre -90 et 90."))
    if west > east:
        raise InvalidBBox(_("La limite ouest doit être inférieure ou égale à la limite est."))
    if south > north:
        raise InvalidBBox(_("La limite sud doit être inférieure ou égale à la limite nord."))
    return (float(west), float(south), float(east), float(north))


def format_bbox(bbox: BBox) -> str:
    """The `bbox` parameter's text of an area (shortest exact decimals)."""
    return ",".join(repr(float(value)) for value in bbox)


def intersecting(bbox: BBox) -> Q:
    """Datasets whose extent intersects `bbox` (touching edges count)."""
    west, south, east, north = bbox
    return Q(spatial_west__lte=east, spatial_east__gte=west,
             spatial_south__lte=north, spatial_north__gte=south)
