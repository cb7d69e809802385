"""The map of the région's employment areas (bassins d'emploi), drawn on the server as SVG.

No map library, no tiles, no JavaScript: the communes' outlines (`datasud.territories`) are
merged into one shape per bassin with shapely, projected, simplified to what a 600-pixel
drawing can show, and written as SVG paths. Merging the 946 communes takes about a second,
so the shapes are cached (process memory, then Django's cache) under a key made of the
bassins' member lists: a new composition of the areas gets new shapes.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy
import shapely
from django.core.cache import cache
from shapely.geometry import shape

from datasud.territories.models import Territory

WIDTH = 600  # SVG units; the drawing scales to its container
SIMPLIFY = 0.6  # SVG units: below what a reader can see at that width
CACHE_SECONDS = 24 * 3600
_memory: dict[str, dict] = {}


@dataclass(frozen=True)
class Projection:
    """Equirectangular around the région's middle latitude: at this scale (250 km) its
    distortion is invisible, and it keeps the code free of a projection library."""

    west: float
    north: float
    scale: float
    cos_lat: float

    def __call__(self, coords: numpy.ndarray) -> numpy.ndarray:
        # (lon, lat) pairs to SVG units, y downwards
        return numpy.column_stack([(coords[:, 0] - self.west) * self.cos_lat * self.scale,
                                   (self.north - coords[:, 1]) * self.scale])


def _path(geometry) -> str:
    """SVG path data of a (multi)polygon, rings closed, one decimal."""
    parts = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [f"{x:.1f},{y:.1f}" for x, y in ring.coords[:-1]]
            if len(points) >= 3:
                parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def _areas_key(zones: list[dict]) -> str:
    """The bassins' composition, and how many commune outlines there are to draw them
    (so that loading the territories draws the map at once, not a day later)."""
    outlines = Territory.objects.filter(level=Territory.Level.COMMUNE,
                                        geometry__isnull=False).count()
    members = "|".join(f"{z['code']}:{','.join(sorted(z.get('communes', [])))}"
                       for z in sorted(zones, key=lambda z: z["code"]))
    digest = hashlib.sha256(f"{outlines}|{members}".encode()).hexdigest()[:32]
    return f"datasud:employment:map:{digest}"


def _build(zones: list[dict]) -> dict:
    """Merge, project and simplify: {"width", "height", "areas": {code: {d, x, y}},
    "departements": [{code, d, x, y}]}; empty areas when no commune has an outline."""
    wanted = {insee for zone in zones for insee in zone.get("communes", [])}
    outlines = {code: shape(geometry) for code, geometry in Territory.objects.filter(
        level=Territory.Level.COMMUNE, code__in=wanted, geometry__isnull=False,
    ).values_list("code", "geometry")}
    merged = {}
    for zone in zones:
        parts = [outlines[c] for c in zone.get("communes", []) if c in outlines]
        if parts:
            # buffer(0) mends the slivers left where simplified communes do not quite meet.
            merged[zone["code"]] = shapely.union_all(parts).buffer(0)
    if not merged:
        return {"width": WIDTH, "height": 0, "areas": {}, "departements": []}
    west, south, east, north = shapely.union_all(list(merged.values())).bounds
    cos_lat = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * cos_lat)
    project = Projection(west, north, scale, cos_lat)

    def draw(geometry) -> dict:
        flat = shapely.transform(geometry, project).simplify(SIMPLIFY, preserve_topology=True)
        point = flat.representative_point()
        return {"d": _path(flat), "x": round(point.x, 1), "y": round(point.y, 1)}

    departements = [{"code": code, **draw(shape(geometry))}
                    for code, geometry in Territory.objects.filter(
                        level=Territory.Level.DEPARTEMENT, geometry__isnull=False,
                    ).order_by("code").values_list("code", "geometry")]
    return {"width": WIDTH, "height": round((north - south) * scale, 1),
            "areas": {code: draw(geometry) for code, geometry in merged.items()},
            "departements": departements}


def area_shapes(zones: list[dict]) -> dict:
    """The drawing of `zones` (each with `code` and the INSEE `communes`), cached."""
    key = _areas_key(zones)
    shapes = _memory.get(key) or cache.get(key)
    if shapes is None:
        shapes = _build(zones)
        cache.set(key, shapes, CACHE_SECONDS)
    if len(_memory) > 8:  # a few compositions at most; never grows with the traffic
        _memory.clear()
    _memory[key] = shapes
    return shapes


def zone_class(zone: dict) -> str:
    """The colour class of a bassin on the map, from what the data says about the target
    there (the same words are in the legend and the table)."""
    indicator = zone.get("indicateur") or {}
    if not indicator.get("metier_observe"):
        return "zone-none"
    score = indicator.get("score_max") or 0
    return "zone-strong" if score >= 0.5 else "zone-weak"


def employment_map(zones: list[dict]) -> dict | None:
    """What the map template needs: the SVG size, each bassin's path, colour and number
    (its row in the table), the départements' outlines; None when nothing can be drawn."""
    if not zones:
        return None
    shapes = area_shapes(zones)
    if not shapes["areas"]:
        return None
    areas = []
    for number, zone in enumerate(zones, 1):
        drawn = shapes["areas"].get(zone["code"])
        if drawn:
            areas.append({**drawn, "number": number, "code": zone["code"],
                          "libelle": zone.get("libelle", ""), "css": zone_class(zone),
                          "mine": bool(zone.get("commune_de_la_personne"))})
    return {"width": shapes["width"], "height": shapes["height"], "areas": areas,
            "departements": shapes["departements"]}
