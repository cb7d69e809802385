"""Column kinds, conversion of user literals to typed Python values, and JSON-ready output.

A DuckDB type is reduced to a *kind* that decides which operators and literals make sense:
text, integer, float, decimal, boolean, date, timestamp, time, or other (geometry, blob,
lists, structs...: only `is [not] null` applies). Literals are converted here, in Python,
into the value bound as a query parameter, so that a wrong literal is a clear QueryError
and never a DuckDB cast error in the middle of a scan.
"""
from __future__ import annotations

import base64
import datetime as dt
import math
import re
import unicodedata
import uuid
from decimal import Decimal, InvalidOperation

from ..errors import QueryError

_INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "UHUGEINT", "INT", "INT1", "INT2", "INT4", "INT8", "LONG",
            "SHORT", "SIGNED", "INT128", "UINT128"}
_FLOAT = {"FLOAT", "DOUBLE", "REAL", "FLOAT4", "FLOAT8"}
_TEXT = {"VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR"}
_TIMESTAMP = {"TIMESTAMP", "DATETIME", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ",
              "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_US"}

NUMERIC = ("integer", "float", "decimal")
ORDERABLE = ("text", "integer", "float", "decimal", "boolean", "date", "timestamp", "time")

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INT64 = 2**63


def kind_of(duck_type: str) -> str:
    """The kind of a DuckDB type name ("VARCHAR" → "text", "DECIMAL(10,2)" → "decimal"...)."""
    name = duck_type.strip().upper()
    base = name.split("(", 1)[0].strip()
    if base in _TEXT:
        return "text"
    if base in _INTEGER:
        return "integer"
    if base in _FLOAT:
        return "float"
    if base in ("DECIMAL", "NUMERIC"):
        return "decimal"
    if base in ("BOOLEAN", "BOOL", "LOGICAL"):
        return "boolean"
    if base == "DATE":
        return "date"
    if base in _TIMESTAMP:
        return "timestamp"
    if base in ("TIME", "TIME WITH TIME ZONE", "TIMETZ"):
        return "time"
    return "other"


def comparable(kind_a: str, kind_b: str) -> bool:
    """Whether two kinds can be compared with each other."""
    if kind_a in NUMERIC and kind_b in NUMERIC:
        return True
    temporal = ("date", "timestamp")
    if kind_a in temporal and kind_b in temporal:
        return True
    return kind_a == kind_b and kind_a != "other"


_KIND_NAMES = {"text": "de texte", "integer": "d'entiers", "float": "numérique",
               "decimal": "numérique", "boolean": "booléenne", "date": "de dates",
               "timestamp": "de dates et heures", "time": "d'heures", "other": "non comparable"}


def describe(label: str, kind: str) -> str:
    """« `population` (colonne d'entiers) » for error messages."""
    return f"`{label}` (colonne {_KIND_NAMES.get(kind, kind)})"


def _show(literal_kind: str, value) -> str:
    if literal_kind == "string":
        return f"'{value}'"
    if literal_kind in ("date", "timestamp"):
        return f"{literal_kind}'{value}'"
    if literal_kind == "boolean":
        return "true" if value else "false"
    return str(value)


def coerce(value, literal_kind: str, kind: str, label: str, parameter: str):
    """The Python value to bind for a literal compared with a column of kind `kind`.

    `value` and `literal_kind` come from the parser (numbers are their source text).
    """
    def fail(reason: str) -> QueryError:
        return QueryError(f"{describe(label, kind)} ne peut pas être comparée à "
                          f"{_show(literal_kind, value)} : {reason}.", parameter=parameter)

    if kind == "text":
        if literal_kind == "string":
            return value
        raise fail("mettez la valeur entre guillemets, par exemple '04'")
    if kind in NUMERIC:
        if literal_kind not in ("number", "string"):
            raise fail("un nombre est attendu")
        number = parse_number(str(value).strip(), kind)
        if number is None:
            raise fail("ce n'est pas un nombre")
        return number
    if kind == "boolean":
        if literal_kind == "boolean":
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise fail("true ou false est attendu")
    if kind in ("date", "timestamp"):
        if literal_kind not in ("string", "date", "timestamp"):
            raise fail("écrivez une date comme date'2024-01-31' (ou year(colonne) = 2024)")
        parsed = parse_temporal(str(value).strip(), want_date=(kind == "date"))
        if parsed is None:
            raise fail("date attendue au format AAAA-MM-JJ (ou AAAA-MM-JJ HH:MM:SS)")
        return parsed
    if kind == "time":
        try:
            return dt.time.fromisoformat(str(value).strip())
        except ValueError:
            raise fail("heure attendue au format HH:MM[:SS]") from None
    raise QueryError(f"{describe(label, kind)} ne se compare pas à une valeur ; seuls "
                     "is null et is not null s'y appliquent.", parameter=parameter)


def parse_number(text: str, kind: str):
    """An int, Decimal or float for `text`, or None when it is not a plain number."""
    if not _NUMBER_RE.match(text):
        return None
    if "." not in text and "e" not in text.lower():
        number = int(text)
        if abs(number) < _INT64:
            return number
        return _finite_float(number)
    try:
        exact = Decimal(text)
    except InvalidOperation:
        return None
    digits, exponent = len(exact.as_tuple().digits), exact.as_tuple().exponent
    if kind == "decimal" and digits <= 38 and -38 <= exponent <= 0:
        return exact
    if kind == "integer" and exact == exact.to_integral_value() and abs(exact) < _INT64:
        return int(exact)
    return _finite_float(exact)


def _finite_float(number) -> float | None:
    try:
        result = float(number)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def parse_temporal(text: str, *, want_date: bool):
    """A date (or a datetime when a time is given) for an ISO text, or None."""
    if want_date or len(text) == 10:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def strip_accents_lower(text: str) -> str:
    """Lower-case `text` without accents, like DuckDB's strip_accents(lower(x))."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def json_value(value):
    """A JSON-ready version of a value fetched from DuckDB."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        # Up to 15 significant digits a float is exact enough; beyond, keep the digits.
        return float(value) if len(value.as_tuple().digits) <= 15 else str(value)
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)
