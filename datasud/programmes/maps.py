"""Static maps drawn on the server as SVG: outlines of territories and points of places.

Why not a JavaScript map: the platform has no map component yet, and a map must work
without JavaScript and without tiles from another server. The SVG is decorative support
for the list or table next to it, which carries the same information accessibly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 600
# Région Sud, with a margin: [min_lon, min_lat, max_lon, max_lat].
PACA_BBOX = (4.2, 42.95, 7.75, 45.15)


@dataclass
class Shape:
    path: str
    label: str
    highlighted: bool = False
    url: str = ""


@dataclass
class Dot:
    x: float
    y: float
    label: str
    url: str = ""


@dataclass
class SvgMap:
    width: int
    height: int
    shapes: list[Shape]
    dots: list[Dot]


class _Projection:
    def __init__(self, bbox=PACA_BBOX, width: int = WIDTH) -> None:
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = bbox
        # Equirectangular with the mid-latitude's scale: good enough at a region's size.
        self.kx = math.cos(math.radians((self.min_lat + self.max_lat) / 2))
        self.scale = width / ((self.max_lon - self.min_lon) * self.kx)
        self.width = width
        self.height = round((self.max_lat - self.min_lat) * self.scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - self.min_lon) * self.kx * self.scale, 1),
                round((self.max_lat - lat) * self.scale, 1))


def _rings(geometry: dict | None):
    if not geometry:
        return
    if geometry.get("type") == "Polygon":
        yield from geometry.get("coordinates", [])
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry.get("coordinates", []):
            yield from polygon


def _path(geometry: dict | None, project: _Projection) -> str:
    parts = []
    for ring in _rings(geometry):
        points: list[tuple[float, float]] = []
        for lon, lat, *_rest in ring:
            x, y = project(lon, lat)
            # At this scale a point less than a pixel from the last one draws nothing:
            # dropping it divides the page's weight by several times.
            if not points or abs(x - points[-1][0]) + abs(y - points[-1][1]) >= 1.0:
                points.append((x, y))
        if len(points) >= 3:
            parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


def build_map(territories=(), highlighted: set[int] = frozenset(), places=(),
              urls: dict[int, str] | None = None, groups=()) -> SvgMap:
    """`territories` (with .geometry, .name, .pk) as outlines, those in `highlighted`
    filled; `groups` as filled shapes made of several outlines — (label, geometries, url),
    e.g. an EPCI drawn from its communes, as the EPCI have no outline of their own;
    `places` (with .latitude, .longitude, .nom, .get_absolute_url) as dots."""
    project = _Projection()
    urls = urls or {}
    shapes = [Shape(_path(t.geometry, project), t.name, t.pk in highlighted,
                    urls.get(t.pk, "")) for t in territories]
    shapes += [Shape("".join(_path(g, project) for g in geometries), label, True, url)
               for label, geometries, url in groups]
    dots = []
    for place in places:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = project(place.longitude, place.latitude)
        if 0 <= x <= project.width and 0 <= y <= project.height:
            dots.append(Dot(x, y, place.nom, place.get_absolute_url()))
    return SvgMap(project.width, project.height, [s for s in shapes if s.path], dots)
