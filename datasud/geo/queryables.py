"""The queryables of a collection (OGC API Features Part 3): the properties a CQL2 filter
may name, as a JSON Schema built from the table's own column types."""

from __future__ import annotations

from datasud.datastore.profile import duckdb_to_field_type

from .collections import Collection
from .cql2.values import element_kind, kind_of

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
_SCHEMAS = {
    "string": {"type": "string"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "timestamp": {"type": "string", "format": "date-time"},
}
# GeoParquet type names → the geometry formats of OGC API Features Part 5.
_PAIRS = {
    frozenset({"Point", "MultiPoint"}): "point-or-multipoint",
    frozenset({"LineString", "MultiLineString"}): "linestring-or-multilinestring",
    frozenset({"Polygon", "MultiPolygon"}): "polygon-or-multipolygon",
}


def geometry_format(geometry_types: list[str]) -> str:
    """'geometry-multipolygon', 'geometry-polygon-or-multipolygon'... or 'geometry-any'."""
    types = frozenset(geometry_types or ())
    if len(types) == 1:
        return "geometry-" + next(iter(types)).lower()
    return "geometry-" + _PAIRS.get(types, "any")


def _scalar_schema(duck_type: str) -> dict | None:
    kind = kind_of(duck_type)
    if kind not in _SCHEMAS:
        return None
    schema = dict(_SCHEMAS[kind])
    if kind == "number" and duckdb_to_field_type(duck_type) == "integer":
        schema["type"] = "integer"
    return schema


def property_schema(name: str, duck_type: str) -> dict | None:
    """The JSON Schema of one column, None when a filter cannot use it (structs, blobs,
    lists of lists...). Lists of scalars are arrays, for the A_ functions."""
    if element_kind(duck_type):
        return {"title": name, "type": "array", "items": _scalar_schema(duck_type[:-2])}
    schema = _scalar_schema(duck_type)
    return {"title": name, **schema} if schema else None


def queryables(collection: Collection, schema_id: str) -> dict:
    """The queryables document of `collection`, `schema_id` being its own URL."""
    properties = {
        collection.geometry_column: {
            "title": "Géométrie",
            "format": geometry_format(collection.geo.get("geometry_types")),
            "x-ogc-role": "primary-geometry",
        }
    }
    for name, duck_type in collection.properties:
        schema = property_schema(name, duck_type)
        if schema:
            properties[name] = schema
    return {
        "$schema": JSON_SCHEMA,
        "$id": schema_id,
        "type": "object",
        "title": collection.title,
        "description": "Propriétés utilisables dans un filtre CQL2 (paramètre « filter ») "
        "et comme filtres d'égalité.",
        "properties": properties,
        "additionalProperties": False,
    }
