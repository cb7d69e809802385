"""What a filter's values are to the compiler: the kind of each DuckDB column type, the
French names of the kinds for error messages, and a compiled value (its SQL, bound
parameters, kind and how a message names it)."""

from __future__ import annotations

from dataclasses import dataclass

from datasud.datastore.profile import duckdb_to_field_type

# Table Schema field types (the datastore's one reading of DuckDB types) → filter kinds.
_KINDS = {"integer": "number", "number": "number", "boolean": "boolean", "date": "date",
          "datetime": "timestamp"}
KIND_NAMES = {
    "string": "du texte",
    "number": "un nombre",
    "boolean": "un booléen",
    "date": "une date",
    "timestamp": "un horodatage",
    "geometry": "une géométrie",
    "array": "une liste (valeur composée)",
    "other": "une valeur composée",
}
SCALARS = ("string", "number", "boolean", "date", "timestamp")
# The DuckDB type of each kind, for typing an empty array.
DUCK_TYPES = {
    "string": "VARCHAR",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


def kind_of(duck_type: str) -> str:
    """What a DuckDB column type is to a filter: string, number, boolean, date, timestamp
    or other (lists, structs, blobs: not comparable)."""
    if duck_type.strip().upper() == "VARCHAR":
        return "string"  # not BLOB, UUID or ENUM: those are not compared as text
    return _KINDS.get(duckdb_to_field_type(duck_type), "other")


def element_kind(duck_type: str) -> str | None:
    """The kind of the elements of a DuckDB list type ('VARCHAR[]' → 'string'), None when
    `duck_type` is not a list of scalars (nested lists included)."""
    if not duck_type.endswith("[]"):
        return None
    kind = kind_of(duck_type[:-2])
    return kind if kind in SCALARS else None


@dataclass
class Value:
    sql: str
    params: list
    kind: str
    label: str  # how an error message names it
    element: str | None = None  # arrays: the kind of their elements (None: empty)
