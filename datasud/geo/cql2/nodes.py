"""The syntax tree of a CQL2 filter, shared by the text and JSON encodings.

`pos` is the 1-based character position in CQL2 text (for error messages), None for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely

# Spatial functions and the DuckDB function of each; the argument order is kept.
SPATIAL_FUNCTIONS = {
    "s_intersects": "ST_Intersects",
    "s_equals": "ST_Equals",
    "s_disjoint": "ST_Disjoint",
    "s_touches": "ST_Touches",
    "s_within": "ST_Within",
    "s_overlaps": "ST_Overlaps",
    "s_crosses": "ST_Crosses",
    "s_contains": "ST_Contains",
}
COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
# Functions on text: CASEI (case-insensitive) and ACCENTI (accent-insensitive).
TEXT_FUNCTIONS = ("casei", "accenti")
# Temporal functions: the first five take instants or intervals, the others intervals only
# (OGC 21-065r2, tables "temporal-functions-1" and "-2").
TEMPORAL_ANY = ("t_after", "t_before", "t_disjoint", "t_equals", "t_intersects")
TEMPORAL_INTERVALS = (
    "t_contains",
    "t_during",
    "t_finishedby",
    "t_finishes",
    "t_meets",
    "t_metby",
    "t_overlappedby",
    "t_overlaps",
    "t_startedby",
    "t_starts",
)
TEMPORAL_FUNCTIONS = TEMPORAL_ANY + TEMPORAL_INTERVALS
ARRAY_FUNCTIONS = ("a_equals", "a_contains", "a_containedby", "a_overlaps")
# Arithmetic operators (`div`: integer division, `^`: power).
ARITHMETIC_OPERATORS = ("+", "-", "*", "/", "%", "div", "^")


@dataclass(frozen=True)
class Property:
    name: str
    pos: int | None = None


@dataclass(frozen=True)
class Literal:
    value: object  # str, int, float, bool, datetime.date or datetime.datetime
    kind: str  # "string", "number", "boolean", "date", "timestamp"
    pos: int | None = None


@dataclass(frozen=True)
class Geometry:
    shape: shapely.Geometry  # in the filter's CRS and axis order, not yet transformed
    pos: int | None = None


@dataclass(frozen=True)
class Function:
    name: str  # lower-cased: "casei", "accenti"
    arg: object
    pos: int | None = None


@dataclass(frozen=True)
class Comparison:
    op: str  # one of COMPARISONS
    left: object
    right: object
    pos: int | None = None


@dataclass(frozen=True)
class Like:
    value: object
    pattern: object
    negated: bool = False
    pos: int | None = None


@dataclass(frozen=True)
class Between:
    value: object
    low: object
    high: object
    negated: bool = False
    pos: int | None = None


@dataclass(frozen=True)
class In:
    value: object
    items: tuple
    negated: bool = False
    pos: int | None = None


@dataclass(frozen=True)
class IsNull:
    value: object
    negated: bool = False
    pos: int | None = None


@dataclass(frozen=True)
class Spatial:
    op: str  # a key of SPATIAL_FUNCTIONS
    left: object
    right: object
    pos: int | None = None


@dataclass(frozen=True)
class Arithmetic:
    op: str  # one of ARITHMETIC_OPERATORS
    left: object  # None for a unary minus
    right: object
    pos: int | None = None


@dataclass(frozen=True)
class Interval:
    start: object  # a Literal, a Property, or None for an open end ('..')
    end: object
    pos: int | None = None


@dataclass(frozen=True)
class Temporal:
    op: str  # one of TEMPORAL_FUNCTIONS
    left: object  # an instant (Literal, Property) or an Interval
    right: object
    pos: int | None = None


@dataclass(frozen=True)
class ArrayLiteral:
    items: tuple
    pos: int | None = None


@dataclass(frozen=True)
class ArrayPredicate:
    op: str  # one of ARRAY_FUNCTIONS
    left: object  # an ArrayLiteral or a Property
    right: object
    pos: int | None = None


@dataclass(frozen=True)
class And:
    args: tuple


@dataclass(frozen=True)
class Or:
    args: tuple


@dataclass(frozen=True)
class Not:
    arg: object


@dataclass(frozen=True)
class BooleanConstant:
    value: bool
