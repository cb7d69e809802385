"""Geometry literals of CQL2 filters, from WKT coordinates or GeoJSON, as shapely objects.

Both encodings build through these functions, so they share the checks: 2 or 3 finite
numbers per position (a third one, the height, is dropped), enough positions per line
and ring, and at most MAX_COORDINATES positions in a filter.
"""

from __future__ import annotations

import math

import shapely

from datasud.datastore.errors import QueryError

MAX_COORDINATES = 4_000
GEOMETRY_TYPES = (
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
)
_MAX_COLLECTION_DEPTH = 4


class Budget:
    """Counts the positions of one filter's geometries against MAX_COORDINATES."""

    def __init__(self) -> None:
        self.used = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > MAX_COORDINATES:
            raise QueryError(
                f"Les géométries du filtre ont trop de sommets (au plus {MAX_COORDINATES}).",
                parameter="filter",
            )


def invalid(message: str, where: str) -> QueryError:
    return QueryError(f"Géométrie invalide {where} : {message}.", parameter="filter")


def position(value, where: str) -> tuple[float, float]:
    """(x, y) from a list of 2 or 3 numbers."""
    if (
        not isinstance(value, (list, tuple))
        or len(value) not in (2, 3)
        or not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in value)
    ):
        raise invalid("une position est une liste de 2 ou 3 nombres", where)
    x, y = float(value[0]), float(value[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        raise invalid("coordonnée non finie", where)
    return x, y


def _positions(value, where: str, minimum: int, budget: Budget) -> list[tuple[float, float]]:
    if not isinstance(value, (list, tuple)):
        raise invalid("une liste de positions est attendue", where)
    budget.spend(len(value))
    points = [position(p, where) for p in value]
    if len(points) < minimum:
        raise invalid(f"au moins {minimum} positions sont attendues", where)
    return points


def _ring(value, where: str, budget: Budget) -> list[tuple[float, float]]:
    points = _positions(value, where, 4, budget)
    if points[0] != points[-1]:
        raise invalid("un anneau de polygone doit se refermer sur sa première position", where)
    return points


def _polygon(value, where: str, budget: Budget) -> shapely.Polygon:
    if not isinstance(value, (list, tuple)) or not value:
        raise invalid("un polygone est une liste d'anneaux", where)
    rings = [_ring(r, where, budget) for r in value]
    return shapely.Polygon(rings[0], rings[1:])


def build(kind: str, coordinates, where: str, budget: Budget) -> shapely.Geometry:
    """The shapely geometry of GeoJSON `kind` ("Point"...) from its `coordinates`."""
    if kind == "Point":
        budget.spend(1)
        return shapely.Point(position(coordinates, where))
    if kind == "LineString":
        return shapely.LineString(_positions(coordinates, where, 2, budget))
    if kind == "Polygon":
        return _polygon(coordinates, where, budget)
    if not isinstance(coordinates, (list, tuple)) or not coordinates:
        raise invalid("une géométrie multiple a au moins une partie", where)
    if kind == "MultiPoint":
        return shapely.MultiPoint(_positions(coordinates, where, 1, budget))
    if kind == "MultiLineString":
        return shapely.MultiLineString([_positions(c, where, 2, budget) for c in coordinates])
    if kind == "MultiPolygon":
        return shapely.MultiPolygon([_polygon(c, where, budget) for c in coordinates])
    raise invalid(
        f"type inconnu « {str(kind)[:40]} » (types : {', '.join(GEOMETRY_TYPES)}, ou un bbox)",
        where,
    )


def bbox(numbers, where: str) -> shapely.Polygon:
    """The box of [minx, miny, maxx, maxy] (or 6 numbers with heights)."""
    if (
        not isinstance(numbers, (list, tuple))
        or len(numbers) not in (4, 6)
        or not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers)
    ):
        raise invalid("BBOX attend 4 nombres (ou 6 avec les hauteurs)", where)
    values = [float(n) for n in numbers]
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    if not all(math.isfinite(n) for n in values):
        raise invalid("coordonnée non finie", where)
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy:
        raise invalid("le coin bas-gauche de BBOX doit précéder le coin haut-droit", where)
    return shapely.box(minx, miny, maxx, maxy)


def from_geojson(value, where: str, budget: Budget, depth: int = 0) -> shapely.Geometry:
    """A GeoJSON geometry object (CQL2 JSON); GeometryCollection included."""
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise invalid("un objet GeoJSON avec « type » est attendu", where)
    kind = value["type"]
    if kind == "GeometryCollection":
        members = value.get("geometries")
        if not isinstance(members, list) or depth >= _MAX_COLLECTION_DEPTH:
            raise invalid("« geometries » doit être une liste (imbrication limitée)", where)
        return shapely.GeometryCollection(
            [from_geojson(m, where, budget, depth + 1) for m in members]
        )
    if "coordinates" not in value:
        raise invalid("« coordinates » manque", where)
    return build(kind, value["coordinates"], where, budget)
