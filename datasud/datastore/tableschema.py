"""Frictionless Table Schemas (https://specs.frictionlessdata.io/table-schema/): the schema
inferred from a loaded table, the checking of a schema a producer declares (for instance
one of schema.data.gouv.fr), and — in `tableschema_validate` — the validation of the data
against it.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from pathlib import Path

import duckdb

FIELD_TYPES = ("string", "number", "integer", "boolean", "object", "array", "list", "date",
               "time", "datetime", "year", "yearmonth", "duration", "geopoint", "geojson",
               "any")
# The formats whose meaning changes the checks; a date, time or datetime format may also be
# a strptime pattern ("%d/%m/%Y").
FORMATS = {
    "string": ("default", "email", "uri", "binary", "uuid"),
    "geopoint": ("default", "array", "object"),
    "geojson": ("default", "topojson"),
}
TEMPORAL = ("date", "time", "datetime")
ORDERED = ("integer", "number", "date", "time", "datetime", "year", "yearmonth")
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
LENGTHS = ("minLength", "maxLength")
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
# Formats tried, in order, for the "any" format of dates and datetimes (after ISO 8601).
ANY_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d")
ANY_DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S")


class SchemaError(ValueError):
    """A Table Schema descriptor is invalid; the message (in French) names the problem."""


def infer_table_schema(profile: list[dict]) -> dict:
    """A Table Schema describing a profiled table (see `profile.profile_table`).

    Each column becomes a field of its Table Schema type. Constraints are only those the
    data proves: `required` when the column has no null, `unique` when an integer or
    string column of several values has as many distinct values as values (counted
    exactly: an estimate proves nothing).
    """
    fields = []
    for column in profile:
        field: dict = {"name": column["name"], "type": column.get("field_type") or "any"}
        duckdb_type = str(column.get("type", "")).upper()
        if duckdb_type == "UUID":
            field["format"] = "uuid"
        elif duckdb_type.startswith(("BLOB", "BYTEA", "BINARY")):
            field["format"] = "binary"
        constraints = {}
        count = column.get("count") or 0
        if column.get("null_count") == 0:
            constraints["required"] = True
        if (field["type"] in ("integer", "string") and count > 1
                and not column.get("distinct_approx")
                and column.get("distinct_count") == count):
            constraints["unique"] = True
        field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def parse_table_schema(descriptor: dict | str) -> dict:
    """Check a Table Schema descriptor and return it normalised (a copy).

    Checked: the JSON itself, `fields` (a non-empty list of objects with unique non-empty
    names), each field's `type` (default "string") and `format`, boolean values, number
    characters, and constraints of the right kinds (`required`/`unique` booleans,
    `minLength`/`maxLength` non-negative integers, `pattern` a valid regular expression,
    `enum` a non-empty list, bounds of the field's type); `missingValues` (default [""],
    v2 objects reduced to their value); `primaryKey` (names of fields, made a list).
    Unknown properties are kept and ignored. Raises SchemaError.
    """
    if isinstance(descriptor, str | bytes):
        try:
            descriptor = json.loads(descriptor)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SchemaError(f"Le schéma n'est pas un JSON valide : {exc}.") from exc
    if not isinstance(descriptor, dict):
        raise SchemaError("Le schéma doit être un objet JSON ({\"fields\": [...]}).")
    schema = copy.deepcopy(descriptor)
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        raise SchemaError("Le schéma doit avoir une liste « fields » non vide décrivant "
                          "les colonnes.")
    seen: set[str] = set()
    deferred: list[tuple[str, str, str]] = []  # (label, "regex" or "strptime", text)
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            raise SchemaError(f"Champ n°{position} : chaque élément de « fields » doit être "
                              f"un objet.")
        name = field.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SchemaError(f"Champ n°{position} : « name » est obligatoire et doit être "
                              f"un texte non vide.")
        if name in seen:
            raise SchemaError(f"Le champ « {name} » est déclaré deux fois.")
        seen.add(name)
        _check_field(field, f"Champ « {name} »", deferred)
    _check_with_duckdb(deferred)
    schema["missingValues"] = _missing_values(schema.get("missingValues", [""]))
    if "primaryKey" in schema:
        key = schema["primaryKey"]
        key = [key] if isinstance(key, str) else key
        if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
            raise SchemaError("« primaryKey » doit être un nom de champ ou une liste de noms.")
        unknown = [k for k in key if k not in seen]
        if unknown:
            raise SchemaError(f"« primaryKey » nomme un champ absent de « fields » : "
                              f"« {unknown[0]} ».")
        schema["primaryKey"] = key
    if "foreignKeys" in schema and not isinstance(schema["foreignKeys"], list):
        raise SchemaError("« foreignKeys » doit être une liste.")
    return schema


def validate_table(con: duckdb.DuckDBPyConnection, parquet_path: Path,
                   columns: list[tuple[str, str]], schema: dict, *,
                   max_errors: int = 100) -> dict:
    """Validate a loaded Parquet file against a Table Schema; see `tableschema_validate`.

    Returns {"valid", "error_count", "warning_count", "row_count", "errors" (at most
    `max_errors`: type, field, row (1-based data row, None for structural errors), value,
    message, severity), "by_field", "by_type"}; counts are exact.
    """
    # Imported here: the validation module builds on this one.
    from .tableschema_validate import validate

    return validate(con, parquet_path, columns, schema, max_errors=max_errors)


def _check_field(field: dict, label: str, deferred: list) -> None:
    """Check one field descriptor in place (its type defaulted to "string"); its regular
    expressions and date formats are added to `deferred`."""
    field_type = field.setdefault("type", "string")
    if field_type not in FIELD_TYPES:
        raise SchemaError(f"{label} : type « {field_type} » inconnu ; types possibles : "
                          f"{', '.join(FIELD_TYPES)}.")
    fmt = field.get("format", "default")
    if not isinstance(fmt, str) or not fmt:
        raise SchemaError(f"{label} : « format » doit être un texte.")
    if field_type in TEMPORAL:
        if fmt not in ("default", "any"):
            if "%" not in fmt:
                raise SchemaError(f"{label} : format de date « {fmt} » invalide : "
                                  f"« default », « any » ou un motif comme « %d/%m/%Y ».")
            deferred.append((label, "strptime", strptime_format(fmt)))
    elif field_type in FORMATS and fmt not in FORMATS[field_type]:
        raise SchemaError(f"{label} : format « {fmt} » inconnu pour le type {field_type} ; "
                          f"formats possibles : {', '.join(FORMATS[field_type])}.")
    for key in ("trueValues", "falseValues"):
        if key in field and not _strings(field[key]):
            raise SchemaError(f"{label} : « {key} » doit être une liste de textes.")
    for key in ("decimalChar", "groupChar"):
        if key in field and not isinstance(field[key], str):
            raise SchemaError(f"{label} : « {key} » doit être un texte.")
    if "bareNumber" in field and not isinstance(field["bareNumber"], bool):
        raise SchemaError(f"{label} : « bareNumber » doit valoir true ou false.")
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        raise SchemaError(f"{label} : « constraints » doit être un objet.")
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            raise SchemaError(f"{label} : la contrainte « {key} » doit valoir true ou false.")
    for key in LENGTHS:
        value = constraints.get(key)
        if key in constraints and (isinstance(value, bool) or not isinstance(value, int)
                                   or value < 0):
            raise SchemaError(f"{label} : la contrainte « {key} » doit être un entier positif.")
    if "pattern" in constraints:
        if not isinstance(constraints["pattern"], str):
            raise SchemaError(f"{label} : la contrainte « pattern » doit être un texte.")
        deferred.append((label, "regex", constraints["pattern"]))
    if "enum" in constraints:
        values = constraints["enum"]
        if not isinstance(values, list) or not values:
            raise SchemaError(f"{label} : la contrainte « enum » doit être une liste non vide.")
        for value in values:
            if python_value(field, value) is None:
                raise SchemaError(f"{label} : la valeur « {value} » de « enum » n'est pas du "
                                  f"type {field_type}.")
    for key in BOUNDS:
        if key not in constraints:
            continue
        if field_type not in ORDERED:
            raise SchemaError(f"{label} : la contrainte « {key} » ne s'applique pas au type "
                              f"{field_type}.")
        if python_value(field, constraints[key]) is None:
            raise SchemaError(f"{label} : la contrainte « {key} » ({constraints[key]}) n'est "
                              f"pas du type {field_type}.")


def _missing_values(values) -> list[str]:
    if not isinstance(values, list):
        raise SchemaError("« missingValues » doit être une liste de textes.")
    result = []
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("value"), str):  # Table Schema v2
            value = value["value"]
        if not isinstance(value, str):
            raise SchemaError("« missingValues » doit être une liste de textes.")
        result.append(value)
    return result


def _strings(values) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


def strptime_format(fmt: str) -> str:
    """The strptime pattern of a temporal format (the old "fmt:" prefix removed)."""
    return fmt[4:] if fmt.startswith("fmt:") else fmt


def _check_with_duckdb(checks: list[tuple[str, str, str]]) -> None:
    """Refuse the regular expressions (RE2) and date formats (strptime) that DuckDB, which
    validates the data, would not understand. One in-memory database for them all."""
    if not checks:
        return
    with duckdb.connect() as con:
        for label, kind, text in checks:
            try:
                if kind == "regex":
                    con.execute("SELECT regexp_full_match('', $1)", [text])
                else:
                    con.execute("SELECT try_strptime('', $1)", [text])
            except duckdb.Error as exc:
                reason = str(exc).split("Error: ", 1)[-1]
                if kind == "regex":
                    raise SchemaError(f"{label} : motif (« pattern ») invalide « {text} » : "
                                      f"{reason}.") from exc
                raise SchemaError(f"{label} : format de date « {text} » invalide "
                                  f"({reason}).") from exc


def python_value(field: dict, value):
    """A constraint value (enum member, bound) read as the field's type, as Python; None
    when it is not of that type. Strings follow the field's format, like the data."""
    field_type = field.get("type", "string")
    fmt = field.get("format", "default")
    if isinstance(value, bool):
        return value if field_type in ("boolean", "any") else None
    if field_type in ("integer", "year"):
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            return int(value)
        return None
    if field_type == "number":
        if isinstance(value, int | float):
            return value if math.isfinite(value) else None
        if isinstance(value, str):
            text = value.replace(field.get("groupChar") or "\0", "")
            text = text.replace(field.get("decimalChar", "."), ".")
            try:
                return float(text)
            except ValueError:
                return None
        return None
    if field_type == "boolean":
        if isinstance(value, str):
            if value in field.get("trueValues", DEFAULT_TRUE):
                return True
            if value in field.get("falseValues", DEFAULT_FALSE):
                return False
        return None
    if field_type in TEMPORAL:
        return _temporal(field_type, fmt, value) if isinstance(value, str) else None
    if field_type == "yearmonth":
        if isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            return value
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False) if field_type != "string" else None
    if isinstance(value, int | float) and field_type in ("string", "any"):
        return str(value)
    return value if isinstance(value, str) else None


def _temporal(field_type: str, fmt: str, text: str):
    text = text.strip()
    iso = {"date": dt.date.fromisoformat, "time": dt.time.fromisoformat,
           "datetime": dt.datetime.fromisoformat}[field_type]
    candidates = []
    if fmt not in ("default", "any"):
        candidates.append(strptime_format(fmt))
    elif fmt == "any":
        candidates += ANY_DATE_FORMATS if field_type == "date" else ANY_DATETIME_FORMATS
    try:
        return iso(text)
    except ValueError:
        pass
    for pattern in candidates:
        try:
            parsed = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return {"date": parsed.date, "time": parsed.time,
                "datetime": lambda parsed=parsed: parsed}[field_type]()
    return None
