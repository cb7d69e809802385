"""The temporal and array functions of CQL2, compiled to DuckDB conditions for the
compiler (`compiler.py`, which passes itself: its `value` and `fail`).

Temporal functions compare the starts and ends of their two operands: an instant is an
interval whose start and end coincide, an open end ('..') is minus or plus infinity, and
intervals are closed (OGC 21-065r2, after the W3C Time Ontology). The functions of the
standard's second table (T_DURING, T_MEETS...) take intervals only: an instant there is a
400, as the standard asks. Array functions take both arrays as sets (DuckDB list_has_all,
list_has_any).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .nodes import (
    TEMPORAL_INTERVALS,
    ArrayLiteral,
    ArrayPredicate,
    Interval,
    Literal,
    Property,
    Temporal,
)
from .values import DUCK_TYPES, KIND_NAMES, SCALARS, Value

# Each temporal function as conditions on the starts (s1, s2) and ends (e1, e2) of its two
# operands, ORed lists of ANDed comparisons (W3C Time Ontology, closed intervals).
TEMPORAL_RELATIONS = {
    "t_before": [[("e1", "<", "s2")]],
    "t_after": [[("s1", ">", "e2")]],
    "t_disjoint": [[("e1", "<", "s2")], [("s1", ">", "e2")]],
    "t_equals": [[("s1", "=", "s2"), ("e1", "=", "e2")]],
    "t_intersects": [[("s1", "<=", "e2"), ("e1", ">=", "s2")]],
    "t_contains": [[("s1", "<", "s2"), ("e1", ">", "e2")]],
    "t_during": [[("s1", ">", "s2"), ("e1", "<", "e2")]],
    "t_finishedby": [[("s1", "<", "s2"), ("e1", "=", "e2")]],
    "t_finishes": [[("s1", ">", "s2"), ("e1", "=", "e2")]],
    "t_meets": [[("e1", "=", "s2")]],
    "t_metby": [[("s1", "=", "e2")]],
    "t_overlappedby": [[("s2", "<", "s1"), ("s1", "<", "e2"), ("e2", "<", "e1")]],
    "t_overlaps": [[("s1", "<", "s2"), ("s2", "<", "e1"), ("e1", "<", "e2")]],
    "t_startedby": [[("s1", "=", "s2"), ("e1", ">", "e2")]],
    "t_starts": [[("s1", "=", "s2"), ("e1", "<", "e2")]],
}
# Array functions over DuckDB lists (a, b: the two arrays).
ARRAY_SQL = {
    "a_equals": "(list_has_all({a}, {b}) AND list_has_all({b}, {a}))",
    "a_contains": "list_has_all({a}, {b})",
    "a_containedby": "list_has_all({b}, {a})",
    "a_overlaps": "list_has_any({a}, {b})",
}
_JSON_TEXT = "json-text"  # the kind of a text property read as a JSON array
_PLURALS = {
    "string": "du texte",
    "number": "des nombres",
    "boolean": "des booléens",
    "date": "des dates",
    "timestamp": "des horodatages",
}


@dataclass
class _Bound:
    """One end of a temporal operand: its SQL (None: an open end), parameters and kind."""

    sql: str | None
    params: list
    kind: str | None
    interval_property: bool = False  # a bound of INTERVAL read from the row


def _temporal_operand(compiler, node: Temporal, arg) -> tuple[_Bound, _Bound]:
    name = node.op.upper()
    if isinstance(arg, Interval):
        bounds = []
        for bound in (arg.start, arg.end):
            if bound is None:
                bounds.append(_Bound(None, [], None))
                continue
            if (
                isinstance(bound, Property)
                and bound.name not in compiler.schema.columns
                and bound.name[:4].isdigit()
            ):
                raise compiler.fail(
                    node,
                    f"INTERVAL : « {bound.name[:40]} » entre guillemets "
                    "doubles est un nom de propriété ; une date s'écrit "
                    f"entre apostrophes : '{bound.name[:40]}'",
                )
            value = compiler.value(bound)
            if value.kind not in ("date", "timestamp"):
                hint = (
                    " (une date s'écrit entre apostrophes : '2024-01-31')"
                    if isinstance(bound, Property)
                    else ""
                )
                raise compiler.fail(
                    node,
                    f"les bornes de INTERVAL sont des dates ou des "
                    f"horodatages, or {value.label} est "
                    f"{KIND_NAMES[value.kind]}{hint}",
                )
            bounds.append(
                _Bound(value.sql, value.params, value.kind, not isinstance(bound, Literal))
            )
        start, end = arg.start, arg.end
        if isinstance(start, Literal) and isinstance(end, Literal):
            first, last = start.value, end.value
            if start.kind != end.kind:  # a date meets a timestamp at midnight
                first, last = (
                    v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time())
                    for v in (first, last)
                )
            if first > last:
                raise compiler.fail(node, f"{name} : le début de l'intervalle suit sa fin")
        return bounds[0], bounds[1]
    value = compiler.value(arg)
    if value.kind not in ("date", "timestamp"):
        hint = (
            " (écrivez DATE('2024-01-31') ou TIMESTAMP('2024-01-31T12:00:00Z'))"
            if value.kind == "string"
            else ""
        )
        raise compiler.fail(
            node,
            f"{name} compare des instants ou des intervalles, or "
            f"{value.label} est {KIND_NAMES[value.kind]}{hint}",
        )
    if node.op in TEMPORAL_INTERVALS:
        raise compiler.fail(
            node,
            f"{name} compare des intervalles (INTERVAL(début, fin)), or "
            f"{value.label} est un instant ; pour un instant, utilisez "
            f"T_AFTER, T_BEFORE, T_EQUALS, T_INTERSECTS ou T_DISJOINT",
        )
    bound = _Bound(value.sql, value.params, value.kind)
    return bound, bound


def temporal(compiler, node: Temporal) -> tuple[str, list]:
    (s1, e1), (s2, e2) = (_temporal_operand(compiler, node, arg) for arg in (node.left, node.right))
    ends = {"s1": s1, "e1": e1, "s2": s2, "e2": e2}
    target = "TIMESTAMP" if any(b.kind == "timestamp" for b in ends.values()) else "DATE"

    def side(name: str) -> tuple[str, list]:
        bound = ends[name]
        if bound.sql is None:
            infinity = "-infinity" if name[0] == "s" else "infinity"
            return f"CAST('{infinity}' AS {target})", []
        if bound.kind == "date" and target == "TIMESTAMP":
            return f"CAST({bound.sql} AS TIMESTAMP)", bound.params
        return bound.sql, bound.params

    alternatives, params = [], []
    for conjunction in TEMPORAL_RELATIONS[node.op]:
        parts = []
        for left, op, right in conjunction:
            (left_sql, left_params), (right_sql, right_params) = side(left), side(right)
            parts.append(f"{left_sql} {op} {right_sql}")
            params += left_params + right_params
        alternatives.append("(" + " AND ".join(parts) + ")")
    sql = "(" + " OR ".join(alternatives) + ")"
    # An interval with a bound read from a NULL property is unknown as a whole (T_MEETS
    # would otherwise decide on its start alone): NULL, so that NOT does not match either.
    unknown = [bound for bound in (s1, e1, s2, e2) if bound.interval_property]
    if unknown:
        guard = " OR ".join(f"{bound.sql} IS NULL" for bound in unknown)
        sql = f"(CASE WHEN {guard} THEN NULL ELSE {sql} END)"
    return sql, params


def _array_operand(compiler, node: ArrayPredicate, arg) -> Value:
    name = node.op.upper()
    if not isinstance(arg, ArrayLiteral):
        value = compiler.value(arg)
        if value.kind == "string" and isinstance(arg, Property):
            # Loading stores lists as JSON text ('["a", "b"]'): read once the element type
            # is known (array_predicate); other text is no array (NULL, no match).
            return Value(value.sql, value.params, _JSON_TEXT, value.label)
        if value.kind != "array":
            raise compiler.fail(
                node,
                f"{name} compare des tableaux : une liste entre parenthèses "
                f"('a', 'b') ou une propriété de type liste, or "
                f"{value.label} est {KIND_NAMES[value.kind]}",
            )
        return value
    items = [compiler.value(item) for item in arg.items]
    kinds = {item.kind for item in items}
    for item in items:
        if item.kind not in SCALARS:
            raise compiler.fail(
                node,
                f"{name} : un élément de tableau est un texte, un nombre, un "
                f"booléen, une date ou un horodatage, or {item.label} est "
                f"{KIND_NAMES[item.kind]}",
            )
    if kinds == {"date", "timestamp"}:
        items = [
            Value(f"CAST({i.sql} AS TIMESTAMP)", i.params, "timestamp", i.label)
            if i.kind == "date"
            else i
            for i in items
        ]
        kinds = {"timestamp"}
    if len(kinds) > 1:
        first = items[0]
        other = next(i for i in items if i.kind != first.kind)
        raise compiler.fail(
            node,
            f"{name} : les éléments d'un tableau sont d'un même type, or "
            f"{first.label} est {KIND_NAMES[first.kind]} et {other.label} "
            f"est {KIND_NAMES[other.kind]}",
        )
    element = next(iter(kinds), None)
    label = "la liste de valeurs"
    if not items:
        return Value("", [], "array", label, None)
    if all(isinstance(item, Literal) for item in arg.items):
        values = [item.params[0] for item in items]
        if any(isinstance(v, float) for v in values):
            values = [float(v) for v in values]
        if element == "timestamp":
            values = [
                v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time())
                for v in values
            ]
            return Value("CAST(? AS TIMESTAMP[])", [values], "array", label, element)
        return Value("?", [values], "array", label, element)
    return Value(
        "[" + ", ".join(item.sql for item in items) + "]",
        [p for item in items for p in item.params],
        "array",
        label,
        element,
    )


def array_predicate(compiler, node: ArrayPredicate) -> tuple[str, list]:
    left, right = (_array_operand(compiler, node, arg) for arg in (node.left, node.right))
    kinds = {side.element for side in (left, right)} - {None}
    if kinds == {"date", "timestamp"}:
        left, right = (
            Value(f"CAST({side.sql} AS TIMESTAMP[])", side.params, "array", side.label, "timestamp")
            if side.element == "date"
            else side
            for side in (left, right)
        )
        kinds = {"timestamp"}
    if len(kinds) > 1:
        raise compiler.fail(
            node,
            f"{node.op.upper()} : {left.label} contient "
            f"{_PLURALS[left.element]} et {right.label} "
            f"{_PLURALS[right.element]}",
        )
    element = next(iter(kinds), "string")
    for side in (left, right):
        if not side.sql:  # the empty array, typed like the other side
            side.sql = f"CAST([] AS {DUCK_TYPES[element]}[])"
        elif side.kind == _JSON_TEXT:
            side.sql = f"TRY(from_json({side.sql}, '[\"{DUCK_TYPES[element]}\"]'))"
    template = ARRAY_SQL[node.op]
    params = [
        p
        for name in re.findall(r"\{(a|b)\}", template)
        for p in (left.params if name == "a" else right.params)
    ]
    return template.format(a=left.sql, b=right.sql), params
