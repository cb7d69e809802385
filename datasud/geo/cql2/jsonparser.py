"""CQL2 JSON → syntax tree (`nodes`). Never SQL.

    {"op": "and", "args": [{"op": "=", "args": [{"property": "code"}, "06088"]}, ...]}

Operators: and, or, not, =, <>, <, <=, >, >=, like, between, in (its second argument a
list), isNull, casei, accenti, s_intersects and the other spatial functions. Values:
strings, numbers, booleans, {"property": name}, {"date": "..."}, {"timestamp": "..."},
{"bbox": [...]} and GeoJSON geometries. Errors name the place with a JSON path
(`args[1].args[0]`).
"""
from __future__ import annotations

import json

from datasud.datastore.errors import QueryError

from . import geometry
from .nodes import (
    COMPARISONS,
    SPATIAL_FUNCTIONS,
    TEXT_FUNCTIONS,
    And,
    Between,
    BooleanConstant,
    Comparison,
    Function,
    Geometry,
    In,
    IsNull,
    Like,
    Literal,
    Not,
    Or,
    Property,
    Spatial,
)
from .text import MAX_DEPTH, MAX_IN_VALUES, parse_instant

_ARITY = {"not": 1, "isnull": 1, "like": 2, "between": 3, "in": 2, "casei": 1, "accenti": 1,
          **{op: 2 for op in COMPARISONS}, **{op: 2 for op in SPATIAL_FUNCTIONS}}
_OPERATORS = ", ".join(["and", "or", "not", *COMPARISONS, "like", "between", "in", "isNull",
                        *SPATIAL_FUNCTIONS])


def _error(path: str, message: str) -> QueryError:
    return QueryError(f"Filtre CQL2 JSON invalide ({path or 'racine'}) : {message}.",
                      parameter="filter")


class _Reader:
    def __init__(self) -> None:
        self.budget = geometry.Budget()

    def boolean(self, value, path: str, depth: int):
        if depth > MAX_DEPTH:
            raise _error(path, f"imbrication trop profonde (au plus {MAX_DEPTH} niveaux)")
        if isinstance(value, bool):
            return BooleanConstant(value)
        op, args = self.operation(value, path)
        if op in ("and", "or"):
            if len(args) < 2:
                raise _error(path, f"« {op} » attend au moins deux arguments")
            items = tuple(self.boolean(a, f"{path}.args[{i}]".lstrip("."), depth + 1)
                          for i, a in enumerate(args))
            return And(items) if op == "and" else Or(items)
        self.arity(op, args, path)
        at = lambda i: f"{path}.args[{i}]".lstrip(".")  # noqa: E731
        if op == "not":
            return Not(self.boolean(args[0], at(0), depth + 1))
        if op in COMPARISONS:
            return Comparison(op, self.scalar(args[0], at(0), depth + 1),
                              self.scalar(args[1], at(1), depth + 1))
        if op == "like":
            return Like(self.scalar(args[0], at(0), depth + 1),
                        self.scalar(args[1], at(1), depth + 1))
        if op == "between":
            return Between(*(self.scalar(a, at(i), depth + 1) for i, a in enumerate(args)))
        if op == "in":
            if not isinstance(args[1], list) or not args[1]:
                raise _error(at(1), "« in » attend une liste non vide de valeurs")
            if len(args[1]) > MAX_IN_VALUES:
                raise _error(at(1), f"liste trop longue (au plus {MAX_IN_VALUES} valeurs)")
            return In(self.scalar(args[0], at(0), depth + 1),
                      tuple(self.scalar(v, f"{at(1)}[{i}]", depth + 1)
                            for i, v in enumerate(args[1])))
        if op == "isnull":
            return IsNull(self.scalar(args[0], at(0), depth + 1))
        if op in SPATIAL_FUNCTIONS:
            return Spatial(op, self.spatial(args[0], at(0)), self.spatial(args[1], at(1)))
        raise _error(path, f"« {op} » n'est pas une condition (opérateurs : {_OPERATORS})")

    def operation(self, value, path: str) -> tuple[str, list]:
        if not isinstance(value, dict) or not isinstance(value.get("op"), str):
            raise _error(path, "un objet {\"op\": ..., \"args\": [...]} est attendu")
        op = value["op"].lower()
        if op not in _ARITY and op not in ("and", "or"):
            raise _error(path, f"opérateur inconnu « {value['op'][:40]} » (opérateurs : "
                               f"{_OPERATORS})")
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
        raise _error(path, "valeur attendue : texte, nombre, booléen, {\"property\": ...}, "
                           "{\"date\": ...}, {\"timestamp\": ...} ou CASEI/ACCENTI")

    def spatial(self, value, path: str):
        if isinstance(value, dict):
            if set(value) == {"property"} and isinstance(value["property"], str):
                return Property(value["property"])
            if "bbox" in value and "type" not in value:
                return Geometry(geometry.bbox(value["bbox"], f"({path})"))
            if "type" in value:
                return Geometry(geometry.from_geojson(value, f"({path})", self.budget))
        raise _error(path, "géométrie GeoJSON, {\"bbox\": [...]} ou {\"property\": ...} "
                           "attendu")


def parse_json(text: str):
    """The syntax tree of a CQL2 JSON filter; QueryError saying where it is wrong."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise _error("", f"imbrication trop profonde (au plus {MAX_DEPTH} niveaux)") from None
    except ValueError as exc:
        position = getattr(exc, "pos", None)
        where = f" à la position {position + 1}" if position is not None else ""
        raise QueryError(f"« filter » n'est pas du JSON valide{where}.",
                         parameter="filter") from None
    return _Reader().boolean(value, "", 0)
