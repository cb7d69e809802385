"""CQL2 JSON → syntax tree (`nodes`). Never SQL.

    {"op": "and", "args": [{"op": "=", "args": [{"property": "code"}, "06088"]}, ...]}

Operators: and, or, not, =, <>, <, <=, >, >=, like, between, in (its second argument a
list), isNull, casei, accenti, s_intersects and the other spatial functions, t_after and
the other temporal functions, a_contains and the other array functions, the arithmetic
+ - * / % div ^. Values: strings, numbers, booleans, {"property": name}, {"date": "..."},
{"timestamp": "..."}, {"interval": [start, end]} ('..' for an open end), arrays (JSON
lists), {"bbox": [...]} and GeoJSON geometries. Errors name the place with a JSON path
(`args[1].args[0]`).
"""

from __future__ import annotations

import json

from datasud.datastore.errors import QueryError

from . import geometry
from .nodes import (
    ARITHMETIC_OPERATORS,
    ARRAY_FUNCTIONS,
    COMPARISONS,
    SPATIAL_FUNCTIONS,
    TEMPORAL_FUNCTIONS,
    TEXT_FUNCTIONS,
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
from .text import MAX_DEPTH, MAX_IN_VALUES, MAX_OPERATIONS, interval_bound, parse_instant

_ARITY = {
    "not": 1,
    "isnull": 1,
    "like": 2,
    "between": 3,
    "in": 2,
    "casei": 1,
    "accenti": 1,
    **{
        op: 2
        for op in (
            *COMPARISONS,
            *SPATIAL_FUNCTIONS,
            *TEMPORAL_FUNCTIONS,
            *ARRAY_FUNCTIONS,
            *ARITHMETIC_OPERATORS,
        )
    },
}
_OPERATORS = ", ".join(
    [
        "and",
        "or",
        "not",
        *COMPARISONS,
        "like",
        "between",
        "in",
        "isNull",
        *SPATIAL_FUNCTIONS,
        *TEMPORAL_FUNCTIONS,
        *ARRAY_FUNCTIONS,
    ]
)


def _error(path: str, message: str) -> QueryError:
    return QueryError(
        f"Filtre CQL2 JSON invalide ({path or 'racine'}) : {message}.", parameter="filter"
    )


class _Reader:
    def __init__(self) -> None:
        self.budget = geometry.Budget()
        self.operations = 0

    def boolean(self, value, path: str, depth: int):
        if depth > MAX_DEPTH:
            raise _error(path, f"imbrication trop profonde (au plus {MAX_DEPTH} niveaux)")
        if isinstance(value, bool):
            return BooleanConstant(value)
        op, args = self.operation(value, path)
        if op in ("and", "or"):
            if len(args) < 2:
                raise _error(path, f"« {op} » attend au moins deux arguments")
            items = tuple(
                self.boolean(a, f"{path}.args[{i}]".lstrip("."), depth + 1)
                for i, a in enumerate(args)
            )
            return And(items) if op == "and" else Or(items)
        self.arity(op, args, path)
        at = lambda i: f"{path}.args[{i}]".lstrip(".")  # noqa: E731
        if op == "not":
            return Not(self.boolean(args[0], at(0), depth + 1))
        if op in COMPARISONS:
            return Comparison(
                op, self.scalar(args[0], at(0), depth + 1), self.scalar(args[1], at(1), depth + 1)
            )
        if op == "like":
            return Like(
                self.scalar(args[0], at(0), depth + 1), self.scalar(args[1], at(1), depth + 1)
            )
        if op == "between":
            return Between(*(self.scalar(a, at(i), depth + 1) for i, a in enumerate(args)))
        if op == "in":
            if not isinstance(args[1], list) or not args[1]:
                raise _error(at(1), "« in » attend une liste non vide de valeurs")
            if len(args[1]) > MAX_IN_VALUES:
                raise _error(at(1), f"liste trop longue (au plus {MAX_IN_VALUES} valeurs)")
            return In(
                self.scalar(args[0], at(0), depth + 1),
                tuple(self.scalar(v, f"{at(1)}[{i}]", depth + 1) for i, v in enumerate(args[1])),
            )
        if op == "isnull":
            return IsNull(self.scalar(args[0], at(0), depth + 1))
        if op in SPATIAL_FUNCTIONS:
            return Spatial(op, self.spatial(args[0], at(0)), self.spatial(args[1], at(1)))
        if op in TEMPORAL_FUNCTIONS:
            return Temporal(op, *(self.temporal(a, at(i), depth + 1) for i, a in enumerate(args)))
        if op in ARRAY_FUNCTIONS:
            return ArrayPredicate(
                op, *(self.array(a, at(i), depth + 1) for i, a in enumerate(args))
            )
        raise _error(path, f"« {op} » n'est pas une condition (opérateurs : {_OPERATORS})")

    def operation(self, value, path: str) -> tuple[str, list]:
        if not isinstance(value, dict) or not isinstance(value.get("op"), str):
            raise _error(path, 'un objet {"op": ..., "args": [...]} est attendu')
        op = value["op"].lower()
        if op not in _ARITY and op not in ("and", "or"):
            raise _error(
                path, f"opérateur inconnu « {value['op'][:40]} » (opérateurs : {_OPERATORS})"
            )
        args = value.get("args")
        if not isinstance(args, list):
            raise _error(path, f"« {op} » : « args » doit être une liste")
        return op, args

    @staticmethod
    def arity(op: str, args: list, path: str) -> None:
        if len(args) != _ARITY[op]:
            raise _error(path, f"« {op} » attend {_ARITY[op]} argument(s), {len(args)} reçu(s)")

    def scalar(self, value, path: str, depth: int):
        if depth > MAX_DEPTH:
            raise _error(path, f"imbrication trop profonde (au plus {MAX_DEPTH} niveaux)")
        if isinstance(value, bool):
            return Literal(value, "boolean")
        if isinstance(value, str):
            return Literal(value, "string")
        if isinstance(value, (int, float)):
            if isinstance(value, int) and abs(value) >= 2**63:
                value = float(value)
            if value != value or value in (float("inf"), float("-inf")):
                raise _error(path, "nombre non fini")
            return Literal(value, "number")
        if isinstance(value, dict):
            if set(value) == {"property"} and isinstance(value["property"], str):
                if not value["property"]:
                    raise _error(path, "nom de propriété vide")
                return Property(value["property"])
            for kind in ("date", "timestamp"):
                if set(value) == {kind} and isinstance(value[kind], str):
                    return Literal(parse_instant(value[kind], kind, f"({path})"), kind)
            if isinstance(value.get("op"), str) and value["op"].lower() in TEXT_FUNCTIONS:
                op, args = self.operation(value, path)
                self.arity(op, args, path)
                return Function(op, self.scalar(args[0], f"{path}.args[0]", depth + 1))
            if isinstance(value.get("op"), str) and value["op"].lower() in ARITHMETIC_OPERATORS:
                op, args = self.operation(value, path)
                self.arity(op, args, path)
                self.operations += 1
                if self.operations > MAX_OPERATIONS:
                    raise _error(
                        path, f"trop d'opérations arithmétiques (au plus {MAX_OPERATIONS})"
                    )
                return Arithmetic(
                    op,
                    *(self.scalar(a, f"{path}.args[{i}]", depth + 1) for i, a in enumerate(args)),
                )
            if "interval" in value:
                raise _error(
                    path,
                    "un intervalle ne s'emploie que dans une fonction "
                    "temporelle (t_intersects, t_during...)",
                )
        raise _error(
            path,
            'valeur attendue : texte, nombre, booléen, {"property": ...}, '
            '{"date": ...}, {"timestamp": ...}, CASEI/ACCENTI ou un '
            "calcul (+, -, *, /...)",
        )

    def temporal(self, value, path: str, depth: int):
        """An instant (date, timestamp, property) or {"interval": [start, end]}."""
        if isinstance(value, dict) and set(value) == {"interval"}:
            bounds = value["interval"]
            if not isinstance(bounds, list) or len(bounds) != 2:
                raise _error(path, "« interval » attend une liste de deux bornes (début, fin)")
            return Interval(
                *(
                    self.interval_bound(b, f"{path}.interval[{i}]", depth + 1)
                    for i, b in enumerate(bounds)
                )
            )
        return self.scalar(value, path, depth)

    def interval_bound(self, value, path: str, depth: int):
        if isinstance(value, str):
            return interval_bound(value, f"({path})")
        if isinstance(value, dict):
            return self.scalar(value, path, depth)
        raise _error(
            path, 'borne d\'intervalle attendue : date, horodatage, ".." ou {"property": ...}'
        )

    def array(self, value, path: str, depth: int):
        """An array (a JSON list of values) or a property."""
        if not isinstance(value, list):
            return self.scalar(value, path, depth)
        if len(value) > MAX_IN_VALUES:
            raise _error(path, f"tableau trop long (au plus {MAX_IN_VALUES} valeurs)")
        items = []
        for i, item in enumerate(value):
            if isinstance(item, list):
                raise _error(f"{path}[{i}]", "les tableaux imbriqués ne sont pas pris en charge")
            items.append(self.scalar(item, f"{path}[{i}]", depth + 1))
        return ArrayLiteral(tuple(items))

    def spatial(self, value, path: str):
        if isinstance(value, dict):
            if set(value) == {"property"} and isinstance(value["property"], str):
                return Property(value["property"])
            if "bbox" in value and "type" not in value:
                return Geometry(geometry.bbox(value["bbox"], f"({path})"))
            if "type" in value:
                return Geometry(geometry.from_geojson(value, f"({path})", self.budget))
        raise _error(path, 'géométrie GeoJSON, {"bbox": [...]} ou {"property": ...} attendu')


def parse_json(text: str):
    """The syntax tree of a CQL2 JSON filter; QueryError saying where it is wrong."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise _error("", f"imbrication trop profonde (au plus {MAX_DEPTH} niveaux)") from None
    except ValueError as exc:
        position = getattr(exc, "pos", None)
        where = f" à la position {position + 1}" if position is not None else ""
        raise QueryError(
            f"« filter » n'est pas du JSON valide{where}.", parameter="filter"
        ) from None
    return _Reader().boolean(value, "", 0)
