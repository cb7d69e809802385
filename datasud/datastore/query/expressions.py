"""From syntax trees to SQL fragments: names checked, literals bound, functions whitelisted.

Every identifier that reaches SQL is a column of the table (or the virtual `_id`) quoted by
`quote_identifier`; every literal is appended to a parameter list and referenced as `$n`;
every function comes from the closed lists below. Nothing the user typed is ever pasted
into SQL text.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from ..duck import quote_identifier
from ..errors import QueryError
from . import parser as ast
from .values import NUMERIC, ORDERABLE, coerce, comparable, describe, kind_of, strip_accents_lower

ROW_NUMBER = quote_identifier("file_row_number")
ID = "_id"

MAX_Q_LENGTH = 500
MAX_Q_WORDS = 20
MAX_REFINES = 50

# Scalar functions: name → (kinds accepted, result type).
SCALAR_FUNCTIONS = {
    "year": (("date", "timestamp"), "BIGINT"),
    "month": (("date", "timestamp"), "BIGINT"),
    "day": (("date", "timestamp"), "BIGINT"),
    "lower": (("text",), "VARCHAR"),
    "upper": (("text",), "VARCHAR"),
    "length": (("text",), "BIGINT"),
}
AGGREGATES = ("count", "sum", "avg", "min", "max")
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


@dataclass(frozen=True)
class Expr:
    """A checked value expression."""
    sql: str
    type: str         # DuckDB type of the result
    kind: str         # see values.kind_of
    label: str        # canonical text: default output name, key to match select ↔ group_by
    aggregate: bool = False


class Params:
    """Bound parameters of one SQL statement, referenced as $1, $2..."""

    def __init__(self, values: list | None = None) -> None:
        self.values = list(values or [])

    def add(self, value) -> str:
        """Bind `value`; return its placeholder."""
        self.values.append(value)
        return f"${len(self.values)}"


class Scope:
    """The columns a query may use: the table's, plus the virtual `_id`."""

    def __init__(self, columns: list[tuple[str, str]]) -> None:
        self.types = dict(columns)
        self.virtual_id = ID not in self.types

    def names(self) -> list[str]:
        """Every name a query may use, `_id` first."""
        return ([ID] if self.virtual_id else []) + list(self.types)

    def column(self, name: str, parameter: str) -> Expr:
        """The expression of a column, or a QueryError listing close names."""
        if name == ID and self.virtual_id:
            return Expr(f"({ROW_NUMBER} + 1)", "BIGINT", "integer", ID)
        if name not in self.types:
            raise unknown_column(name, self.names(), parameter)
        duck_type = self.types[name]
        return Expr(quote_identifier(name), duck_type, kind_of(duck_type), name)

    def text_columns(self) -> list[Expr]:
        """The VARCHAR columns, searched by q."""
        return [self.column(name, "q") for name, duck_type in self.types.items()
                if kind_of(duck_type) == "text"]


def unknown_column(name: str, names: list[str], parameter: str) -> QueryError:
    """The error for a name that is not a column, listing close names."""
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if not close:
        lowered = {n.lower(): n for n in names}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    if close:
        hint = "Vouliez-vous dire " + " ou ".join(f"`{c}`" for c in close) + " ?"
    else:
        shown = ", ".join(f"`{n}`" for n in names[:30])
        hint = f"Colonnes disponibles : {shown}{' …' if len(names) > 30 else ''}."
    return QueryError(f"Colonne inconnue : `{name}`. {hint}", parameter=parameter)


def value_expr(node, scope: Scope, parameter: str, *, aggregates: bool = False) -> Expr:
    """A column or a whitelisted function of columns (aggregates only where allowed)."""
    if isinstance(node, ast.Column):
        return scope.column(node.name, parameter)
    if isinstance(node, ast.Call):
        return _call(node, scope, parameter, aggregates)
    if isinstance(node, ast.Literal):
        raise QueryError(f"Nom de colonne attendu à la position {node.pos}, pas une valeur.",
                         parameter=parameter)
    raise QueryError("* n'est permis qu'en select.", parameter=parameter)


def _call(node: ast.Call, scope: Scope, parameter: str, aggregates: bool) -> Expr:
    name = node.name
    if name in AGGREGATES and not aggregates:
        where = {"where": "dans where", "refine": "dans refine", "group_by": "dans group_by",
                 "facets": "dans facets"}.get(parameter, "sans group_by")
        raise QueryError(f"La fonction d'agrégat {name}() n'est pas permise {where}.",
                         parameter=parameter)
    if name not in SCALAR_FUNCTIONS and name not in AGGREGATES:
        allowed = ", ".join(list(SCALAR_FUNCTIONS) + list(AGGREGATES))
        raise QueryError(f"Fonction inconnue ou non permise : {name}() (position {node.pos}). "
                         f"Fonctions permises : {allowed}.", parameter=parameter)
    if node.star:
        if name != "count":
            raise QueryError(f"{name}(*) n'existe pas ; seul count(*) accepte *.",
                             parameter=parameter)
        return Expr("count(*)", "BIGINT", "integer", "count(*)", aggregate=True)
    if len(node.args) != 1:
        raise QueryError(f"{name}() prend un seul argument (position {node.pos}).",
                         parameter=parameter)
    if node.distinct and name != "count":
        raise QueryError("distinct n'est permis que dans count(distinct colonne).",
                         parameter=parameter)
    arg = value_expr(node.args[0], scope, parameter, aggregates=False)
    if name in SCALAR_FUNCTIONS:
        kinds, result_type = SCALAR_FUNCTIONS[name]
        if arg.kind not in kinds:
            raise QueryError(f"{name}() ne s'applique pas à {describe(arg.label, arg.kind)}.",
                             parameter=parameter)
        return Expr(f"{name}({arg.sql})", result_type, kind_of(result_type),
                    f"{name}({arg.label})")
    label = f"{name}({'distinct ' if node.distinct else ''}{arg.label})"
    if name == "count":
        sql = f"count({'DISTINCT ' if node.distinct else ''}{arg.sql})"
        return Expr(sql, "BIGINT", "integer", label, aggregate=True)
    if name in ("sum", "avg"):
        if arg.kind not in NUMERIC:
            raise QueryError(f"{name}() demande une colonne numérique, pas "
                             f"{describe(arg.label, arg.kind)}.", parameter=parameter)
        result_type = _sum_type(arg) if name == "sum" else "DOUBLE"
        return Expr(f"{name}({arg.sql})", result_type, kind_of(result_type), label,
                    aggregate=True)
    if arg.kind not in ORDERABLE:  # min, max
        raise QueryError(f"{name}() ne s'applique pas à {describe(arg.label, arg.kind)}.",
                         parameter=parameter)
    return Expr(f"{name}({arg.sql})", arg.type, arg.kind, label, aggregate=True)


def _sum_type(arg: Expr) -> str:
    # DuckDB's own result types, so that the declared type matches the values.
    if arg.kind == "integer":
        return "HUGEINT"
    if arg.kind == "decimal":
        scale = arg.type.rsplit(",", 1)[-1].rstrip(") ") if "," in arg.type else "0"
        return f"DECIMAL(38,{scale})"
    return "DOUBLE"


class ConditionCompiler:
    """Compiles where trees, q and refine into one SQL condition with bound parameters."""

    def __init__(self, scope: Scope, params: Params) -> None:
        self.scope = scope
        self.params = params

    def where(self, node) -> str:
        """The SQL condition of a where tree (its literals appended to the parameters)."""
        if isinstance(node, ast.And):
            return "(" + " AND ".join(self.where(item) for item in node.items) + ")"
        if isinstance(node, ast.Or):
            return "(" + " OR ".join(self.where(item) for item in node.items) + ")"
        if isinstance(node, ast.Not):
            return f"(NOT {self.where(node.item)})"
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.InList):
            expr = self._subject(node.operand, "in")
            values = ", ".join(self._bind(expr, v) for v in node.values)
            return f"({expr.sql} {'NOT IN' if node.negated else 'IN'} ({values}))"
        if isinstance(node, ast.Between):
            expr = self._subject(node.operand, "between")
            low, high = self._other(expr, node.low), self._other(expr, node.high)
            return f"({expr.sql} {'NOT ' if node.negated else ''}BETWEEN {low} AND {high})"
        if isinstance(node, ast.Like):
            return self._like(node)
        if isinstance(node, ast.IsNull):
            expr = value_expr(node.operand, self.scope, "where")
            return f"({expr.sql} IS {'NOT ' if node.negated else ''}NULL)"
        if isinstance(node, ast.Truth):
            return self._truth(node)
        raise AssertionError(f"unknown node {node!r}")

    def _subject(self, node, operator: str) -> Expr:
        if isinstance(node, ast.Literal):
            raise QueryError(f"{operator} doit porter sur une colonne (position {node.pos}).",
                             parameter="where")
        expr = value_expr(node, self.scope, "where")
        if expr.kind not in ORDERABLE:
            raise QueryError(f"{describe(expr.label, expr.kind)} ne se compare pas ; seuls "
                             "is null et is not null s'y appliquent.", parameter="where")
        return expr

    def _bind(self, expr: Expr, literal: ast.Literal) -> str:
        return self.params.add(coerce(literal.value, literal.kind, expr.kind, expr.label,
                                      "where"))

    def _other(self, expr: Expr, node) -> str:
        """The SQL of the value compared with `expr`: a bound literal or a compatible column."""
        if isinstance(node, ast.Literal):
            return self._bind(expr, node)
        other = value_expr(node, self.scope, "where")
        if not comparable(expr.kind, other.kind):
            raise QueryError(f"{describe(expr.label, expr.kind)} ne peut pas être comparée à "
                             f"{describe(other.label, other.kind)}.", parameter="where")
        return other.sql

    def _compare(self, node: ast.Compare) -> str:
        left, right, op = node.left, node.right, node.op
        if isinstance(left, ast.Literal):
            if isinstance(right, ast.Literal):
                raise QueryError(f"La comparaison à la position {node.pos} doit porter sur au "
                                 "moins une colonne.", parameter="where")
            left, right, op = right, left, _FLIPPED[op]
        expr = self._subject(left, op)
        if expr.kind == "boolean" and op not in ("=", "!="):
            raise QueryError(f"{describe(expr.label, expr.kind)} ne se compare qu'avec = ou !=.",
                             parameter="where")
        sql_op = "<>" if op == "!=" else op
        return f"({expr.sql} {sql_op} {self._other(expr, right)})"

    def _like(self, node: ast.Like) -> str:
        keyword = "ILIKE" if node.insensitive else "LIKE"
        expr = self._subject(node.operand, keyword.lower())
        if expr.kind != "text":
            raise QueryError(f"{keyword.lower()} ne s'applique qu'au texte, pas à "
                             f"{describe(expr.label, expr.kind)}.", parameter="where")
        pattern = node.pattern
        if not isinstance(pattern, ast.Literal) or pattern.kind != "string":
            raise QueryError(f"{keyword.lower()} attend un motif entre guillemets, par exemple "
                             "'Saint%'.", parameter="where")
        bound = self.params.add(like_pattern(pattern.value))
        negation = "NOT " if node.negated else ""
        return f"({expr.sql} {negation}{keyword} {bound} ESCAPE '\\')"

    def _truth(self, node: ast.Truth) -> str:
        if isinstance(node.operand, ast.Literal):
            if node.operand.kind != "boolean":
                raise QueryError(f"Condition attendue à la position {node.pos}, pas une "
                                 "valeur seule.", parameter="where")
            return self.params.add(node.operand.value)
        expr = value_expr(node.operand, self.scope, "where")
        if expr.kind != "boolean":
            raise QueryError(f"{describe(expr.label, expr.kind)} n'est pas booléenne : "
                             "ajoutez un opérateur (=, in, like, is null...).",
                             parameter="where")
        return f"({expr.sql})"

    def full_text(self, q: str) -> str | None:
        """All words of `q`, each in some text column, ignoring case and accents."""
        if len(q) > MAX_Q_LENGTH:
            raise QueryError(f"q dépasse {MAX_Q_LENGTH} caractères.", parameter="q")
        words = [w for w in (strip_accents_lower(word) for word in q.split()) if w]
        if not words:
            return None
        if len(words) > MAX_Q_WORDS:
            raise QueryError(f"q compte plus de {MAX_Q_WORDS} mots.", parameter="q")
        columns = self.scope.text_columns()
        if not columns:
            raise QueryError("q : ce tableau n'a aucune colonne de texte où chercher.",
                             parameter="q")
        clauses = []
        for word in dict.fromkeys(words):
            bound = self.params.add(word)
            # contains() has no wildcard, so the word needs no escaping.
            alternatives = " OR ".join(f"contains(strip_accents(lower({c.sql})), {bound})"
                                       for c in columns)
            clauses.append(f"({alternatives})")
        return "(" + " AND ".join(clauses) + ")"

    def refine(self, refines: list[str]) -> str | None:
        """ODS-style `column:value` equalities: OR within a column, AND across columns."""
        if len(refines) > MAX_REFINES:
            raise QueryError(f"Au plus {MAX_REFINES} refine.", parameter="refine")
        by_column: dict[str, list[str]] = {}
        for text in refines:
            name, value = self._split_refine(text)
            expr = self.scope.column(name, "refine")
            by_column.setdefault(name, []).append(self._refine_one(expr, value))
        if not by_column:
            return None
        groups = ["(" + " OR ".join(parts) + ")" for parts in by_column.values()]
        return "(" + " AND ".join(groups) + ")"

    def _split_refine(self, text: str) -> tuple[str, str]:
        if not isinstance(text, str) or ":" not in text:
            raise QueryError(f"refine attend colonne:valeur, pas « {text} ».",
                             parameter="refine")
        names = set(self.scope.names())
        # Column names may contain ':'; the longest known prefix wins.
        cuts = [i for i, char in enumerate(text) if char == ":"]
        for cut in reversed(cuts):
            if text[:cut] in names:
                return text[:cut], text[cut + 1:]
        return text[:cuts[0]], text[cuts[0] + 1:]

    def _refine_one(self, expr: Expr, value: str) -> str:
        if expr.kind in ("date", "timestamp"):
            period = _period(value)
            if period and not (expr.kind == "date" and len(value) == 10):
                return (f"({expr.sql} >= {self.params.add(period[0])} AND {expr.sql} < "
                        f"{self.params.add(period[1])})")
        if expr.kind not in ORDERABLE:
            raise QueryError(f"refine ne s'applique pas à {describe(expr.label, expr.kind)}.",
                             parameter="refine")
        bound = self.params.add(coerce(value, "string", expr.kind, expr.label, "refine"))
        return f"({expr.sql} = {bound})"


def _period(value: str):
    """[start, end) of 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', or None."""
    parts = value.strip().split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            year = int(parts[0])
            return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        if len(parts) == 2 and len(parts[0]) == 4:
            year, month = int(parts[0]), int(parts[1])
            start = dt.date(year, month, 1)
            end = dt.date(year + month // 12, month % 12 + 1, 1)
            return start, end
        if len(parts) == 3:
            day = dt.date.fromisoformat(value.strip())
            return day, day + dt.timedelta(days=1)
    except ValueError:
        return None
    return None


def like_pattern(text: str) -> str:
    r"""The DuckDB LIKE pattern (escape character \) of a user pattern.

    `%` and `*` match any sequence, `_` one character; a backslash makes the next character
    literal (\%, \_, \*, \\); before any other character it is a plain backslash.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if char == "\\" and nxt and nxt in "%_\\*":
            out.append("*" if nxt == "*" else "\\" + nxt)
            i += 2
            continue
        if char == "\\":  # a backslash before anything else is itself
            out.append("\\\\")
            i += 1
            continue
        out.append("%" if char == "*" else char)
        i += 1
    return "".join(out)
