"""CQL2 syntax tree → a DuckDB boolean expression with bound values.

Property names are checked against the table's own columns and quoted; every literal is a
bound parameter (geometries as WKB, moved to CRS84 first). Types are checked here, so that
a filter comparing a text property with a number is a clear 400, not a DuckDB error.

Arithmetic is compiled here; the temporal and array functions in `functions.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely

from datasud.datastore.duck import quote_identifier
from datasud.datastore.errors import QueryError

from ..crs import CRS84, to_crs84
from . import functions
from .nodes import (
    SPATIAL_FUNCTIONS,
    And,
    Arithmetic,
    ArrayLiteral,
    ArrayPredicate,
    Between,
    BooleanConstant,
    Comparison,
    Function,
    Geometry,
    In,
    Interval,
    IsNull,
    Like,
    Literal,
    Not,
    Or,
    Property,
    Spatial,
    Temporal,
)
from .values import KIND_NAMES, Value, element_kind, kind_of

__all__ = ["KIND_NAMES", "CompiledFilter", "TableSchema", "compile_filter", "kind_of"]

_ORDERED = ("string", "number", "date", "timestamp")
# Conditions (comparisons, LIKE, IN, spatial...) in one filter: each costs DuckDB work on
# every row, and a long OR chain is what IN is for.
MAX_CONDITIONS = 200


@dataclass
class TableSchema:
    """What the compiler knows of a table: its columns (name → DuckDB type, geometry
    excluded) and its geometry column."""

    columns: dict[str, str]
    geometry: str


@dataclass
class CompiledFilter:
    sql: str
    params: list = field(default_factory=list)


def _where(node) -> str:
    pos = getattr(node, "pos", None)
    return f" (position {pos})" if pos else ""


class _Compiler:
    def __init__(self, schema: TableSchema, filter_crs: str) -> None:
        self.schema = schema
        self.filter_crs = filter_crs
        self.conditions = 0

    def fail(self, node, message: str) -> QueryError:
        return QueryError(f"« filter »{_where(node)} : {message}.", parameter="filter")

    # --- conditions ----------------------------------------------------------------------
    def condition(self, node) -> tuple[str, list]:
        if not isinstance(node, (And, Or, Not)):
            self.conditions += 1
            if self.conditions > MAX_CONDITIONS:
                raise self.fail(
                    node,
                    f"trop de conditions (au plus {MAX_CONDITIONS} ; pour "
                    "une liste de valeurs, utilisez IN)",
                )
        if isinstance(node, (And, Or)):
            parts = [self.condition(arg) for arg in node.args]
            joiner = " AND " if isinstance(node, And) else " OR "
            return (
                "(" + joiner.join(sql for sql, _ in parts) + ")",
                [p for _, params in parts for p in params],
            )
        if isinstance(node, Not):
            sql, params = self.condition(node.arg)
            return f"(NOT {sql})", params
        if isinstance(node, BooleanConstant):
            return ("TRUE" if node.value else "FALSE"), []
        if isinstance(node, Comparison):
            return self.comparison(node)
        if isinstance(node, Like):
            value, pattern = self.value(node.value), self.value(node.pattern)
            for side in (value, pattern):
                if side.kind != "string":
                    raise self.fail(
                        node, f"LIKE compare du texte, or {side.label} est {KIND_NAMES[side.kind]}"
                    )
            negation = "NOT " if node.negated else ""
            return (
                f"({value.sql} {negation}LIKE {pattern.sql} ESCAPE '\\')",
                value.params + pattern.params,
            )
        if isinstance(node, Between):
            value, low, high = (self.value(v) for v in (node.value, node.low, node.high))
            cast = self.compatible(node, value, low, high, ordered=True)
            negation = "NOT " if node.negated else ""
            return (
                f"({cast(value)} {negation}BETWEEN {cast(low)} AND {cast(high)})",
                value.params + low.params + high.params,
            )
        if isinstance(node, In):
            value = self.value(node.value)
            items = [self.value(item) for item in node.items]
            cast = self.compatible(node, value, *items)
            negation = "NOT " if node.negated else ""
            kinds = {value.kind, *(i.kind for i in items)}
            if all(isinstance(item, Literal) for item in node.items) and len(kinds) == 1:
                # One list parameter rather than one per value: DuckDB's Python binding
                # costs per parameter (up to 1 000 values here).
                values = [i.params[0] for i in items]
                if any(isinstance(v, float) for v in values):
                    values = [float(v) for v in values]
                return (f"({negation}list_contains(?, {value.sql}))", [values] + value.params)
            return (
                f"({cast(value)} {negation}IN ({', '.join(cast(i) for i in items)}))",
                value.params + [p for i in items for p in i.params],
            )
        if isinstance(node, IsNull):
            value = self.value(node.value)
            return (f"({value.sql} IS {'NOT ' if node.negated else ''}NULL)", value.params)
        if isinstance(node, Spatial):
            return self.spatial(node)
        if isinstance(node, Temporal):
            return functions.temporal(self, node)
        if isinstance(node, ArrayPredicate):
            return functions.array_predicate(self, node)
        raise self.fail(node, "une condition est attendue")

    def comparison(self, node: Comparison) -> tuple[str, list]:
        left, right = self.value(node.left), self.value(node.right)
        cast = self.compatible(node, left, right, ordered=node.op not in ("=", "<>"))
        return f"({cast(left)} {node.op} {cast(right)})", left.params + right.params

    def compatible(self, node, first: Value, *others: Value, ordered: bool = False):
        """How to write each side so that they compare: a date meets a timestamp as a
        timestamp; any other mix of kinds is an error naming both sides."""
        kinds = {first.kind, *(o.kind for o in others)}
        for value in (first, *others):
            if value.kind in ("geometry", "array", "other"):
                hint = {
                    "geometry": " ; une géométrie se filtre avec S_INTERSECTS, S_WITHIN...",
                    "array": " ; une liste se filtre avec A_CONTAINS, A_OVERLAPS...",
                }.get(value.kind, "")
                raise self.fail(
                    node, f"{value.label} est {KIND_NAMES[value.kind]}, qui ne se compare pas{hint}"
                )
            if ordered and value.kind not in _ORDERED:
                raise self.fail(
                    node, f"{value.label} est {KIND_NAMES[value.kind]}, qui ne s'ordonne pas"
                )
        if kinds == {"date", "timestamp"}:
            return lambda v: f"CAST({v.sql} AS TIMESTAMP)"
        if len(kinds) > 1:
            other = next(o for o in others if o.kind != first.kind)
            hint = (
                " (mettez la valeur entre apostrophes : '...')"
                if first.kind == "string" and other.kind == "number"
                else ""
            )
            raise self.fail(
                node,
                f"{first.label} est {KIND_NAMES[first.kind]} et "
                f"{other.label} est {KIND_NAMES[other.kind]}{hint}",
            )
        return lambda v: v.sql

    # --- values --------------------------------------------------------------------------
    def value(self, node) -> Value:
        if isinstance(node, Literal):
            label = f"la valeur « {str(node.value)[:40]} »"
            if node.kind == "boolean":
                label = f"la valeur {str(node.value).upper()}"
            return Value("?", [node.value], node.kind, label)
        if isinstance(node, Property):
            return self.property(node)
        if isinstance(node, Function):
            arg = self.value(node.arg)
            if arg.kind != "string":
                raise self.fail(
                    node,
                    f"{node.name.upper()} s'applique à du texte, or "
                    f"{arg.label} est {KIND_NAMES[arg.kind]}",
                )
            function = "lower" if node.name == "casei" else "strip_accents"
            return Value(
                f"{function}({arg.sql})", arg.params, "string", f"{node.name.upper()}({arg.label})"
            )
        if isinstance(node, Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, Geometry):
            raise self.fail(node, "une géométrie ne s'emploie que dans une fonction spatiale")
        if isinstance(node, Interval):
            raise self.fail(node, "un intervalle ne s'emploie que dans une fonction temporelle")
        if isinstance(node, ArrayLiteral):
            raise self.fail(node, "un tableau ne s'emploie que dans une fonction A_...")
        raise self.fail(node, "une valeur est attendue")

    def arithmetic(self, node: Arithmetic) -> Value:
        sides = [self.value(arg) for arg in (node.left, node.right) if arg is not None]
        for side in sides:
            if side.kind != "number":
                raise self.fail(
                    node,
                    f"l'opérateur « {node.op} » s'applique à des nombres, or "
                    f"{side.label} est {KIND_NAMES[side.kind]}",
                )
        params = [p for side in sides for p in side.params]
        label = f"le calcul « {node.op} »"
        if len(sides) == 1:
            return Value(f"(- {sides[0].sql})", params, "number", label)
        left, right = sides
        if (
            node.op in ("/", "%", "div")
            and isinstance(node.right, Literal)
            and node.right.value == 0
        ):
            raise self.fail(node, "division par zéro")
        # A zero divisor in the data gives NULL (the row does not match), not an error.
        sql = {
            "/": "({l} / NULLIF({r}, 0))",
            "%": "({l} % NULLIF({r}, 0))",
            "div": "trunc({l} / NULLIF({r}, 0))",
            "^": "power({l}, {r})",
        }.get(node.op, "({l} " + node.op + " {r})")
        return Value(sql.format(l=left.sql, r=right.sql), params, "number", label)

    def property(self, node: Property) -> Value:
        label = f"la propriété « {node.name[:60]} »"
        if node.name == self.schema.geometry:
            return Value(quote_identifier(node.name), [], "geometry", label)
        if node.name not in self.schema.columns:
            names = ", ".join([*self.schema.columns, self.schema.geometry])
            raise self.fail(
                node,
                f"propriété inconnue « {node.name[:60]} » (propriétés de la collection : {names})",
            )
        duck_type = self.schema.columns[node.name]
        element = element_kind(duck_type)
        if element:
            return Value(quote_identifier(node.name), [], "array", label, element)
        return Value(quote_identifier(node.name), [], kind_of(duck_type), label)

    def spatial(self, node: Spatial) -> tuple[str, list]:
        sides = []
        for arg in (node.left, node.right):
            if isinstance(arg, Geometry):
                shape = to_crs84(arg.shape, self.filter_crs, "filter-crs")
                if not shape.is_valid:
                    shape = shapely.make_valid(shape)  # a bow-tie would fail in GEOS
                sides.append(
                    Value("ST_GeomFromWKB(?)", [shapely.to_wkb(shape)], "geometry", "la géométrie")
                )
                continue
            value = self.value(arg)
            if value.kind != "geometry":
                raise self.fail(
                    node,
                    f"{node.op.upper()} compare des géométries, or "
                    f"{value.label} est {KIND_NAMES[value.kind]} (la "
                    f"géométrie de la collection est « "
                    f"{self.schema.geometry} »)",
                )
            sides.append(value)
        left, right = sides
        function = SPATIAL_FUNCTIONS[node.op]
        sql = f"{function}({left.sql}, {right.sql})"
        params = left.params + right.params
        if node.op == "s_intersects":
            # The extent test is cheap and rules out most rows before the exact one.
            sql = f"(ST_Intersects_Extent({left.sql}, {right.sql}) AND {sql})"
            params = params * 2
        return sql, params


def compile_filter(node, schema: TableSchema, filter_crs: str = CRS84) -> CompiledFilter:
    """The DuckDB condition of the filter `node` on a table of `schema`, its geometry
    literals read in `filter_crs` (a code such as 'EPSG:2154'); QueryError for an unknown
    property or a type mismatch."""
    sql, params = _Compiler(schema, filter_crs).condition(node)
    return CompiledFilter(sql, params)
