"""CQL2 text → syntax tree (`nodes`), over the tokens of `lexer.py`. Never SQL.

Grammar (keywords case-insensitive; `[...]` optional, `{...}` repeated):

    filter     := or_expr
    or_expr    := and_expr {OR and_expr}
    and_expr   := not_expr {AND not_expr}
    not_expr   := NOT not_expr | '(' or_expr ')' | S_xxx '(' geom ',' geom ')'
                | T_xxx '(' temporal ',' temporal ')' | A_xxx '(' array ',' array ')'
                | TRUE | FALSE | predicate
    predicate  := expr ( cmp expr | [NOT] LIKE expr | [NOT] BETWEEN expr AND expr
                       | [NOT] IN '(' expr {',' expr} ')' | IS [NOT] NULL )
    cmp        := '=' | '<>' | '<' | '<=' | '>' | '>='
    expr       := term {('+' | '-') term}
    term       := power {('*' | '/' | '%' | DIV) power}
    power      := factor ['^' factor]
    factor     := '(' expr ')' | '-' factor | scalar
    scalar     := 'text' | ['-'|'+'] number | TRUE | FALSE | DATE '(' 'YYYY-MM-DD' ')'
                | TIMESTAMP '(' 'RFC 3339' ')' | CASEI '(' scalar ')' | ACCENTI '(' scalar ')'
                | property
    property   := name | "quoted name"
    geom       := property | POINT (...) | LINESTRING (...) | POLYGON (...) | MULTIPOINT (...)
                | MULTILINESTRING (...) | MULTIPOLYGON (...) | GEOMETRYCOLLECTION (...)
                | BBOX '(' minx, miny, maxx, maxy ')' | ENVELOPE '(' west, east, north, south ')'
    temporal   := DATE (...) | TIMESTAMP (...) | property | INTERVAL '(' bound ',' bound ')'
    bound      := 'YYYY-MM-DD' | 'RFC 3339' | '..' | DATE (...) | TIMESTAMP (...) | property
    array      := property | '(' [scalar {',' scalar}] ')'      ([ ] accepted for ( ))

A '(' opens a group of conditions unless the token after its matching ')' continues a
value (an operator, LIKE, IN...): then it opens an arithmetic expression.

Strings double their quote to include it ('l''eau'). Every error names the 1-based
position of the mistake.
"""

from __future__ import annotations

import datetime as dt

import shapely

from datasud.datastore.errors import QueryError

from . import geometry
from .lexer import (
    EOF,
    NAME,
    NUMBER,
    OP,
    QNAME,
    STRING,
    Token,
    describe,
    is_digit,
    syntax_error,
    tokenize,
)
from .nodes import (
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

MAX_DEPTH = 30
MAX_IN_VALUES = 1000
MAX_NUMBER_LENGTH = 40
# Arithmetic operators in one filter: each nests the expression tree one level deeper.
MAX_OPERATIONS = 100

_ARITHMETIC_TOKENS = ("+", "-", "*", "/", "%", "^")

_RESERVED = {"and", "or", "not", "like", "between", "in", "is", "null", "true", "false", "div"}
_GEOMETRY_WORDS = {
    "point": "Point",
    "linestring": "LineString",
    "polygon": "Polygon",
    "multipoint": "MultiPoint",
    "multilinestring": "MultiLineString",
    "multipolygon": "MultiPolygon",
    "geometrycollection": "GeometryCollection",
    "bbox": "bbox",
    "envelope": "envelope",
}
_FUNCTION_HELP = ", ".join(
    [
        *(f.upper() for f in SPATIAL_FUNCTIONS),
        *(f.upper() for f in TEMPORAL_FUNCTIONS),
        *(f.upper() for f in ARRAY_FUNCTIONS),
        *(f.upper() for f in TEXT_FUNCTIONS),
        "DATE",
        "TIMESTAMP",
        "INTERVAL",
    ]
)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.operations = 0
        self.budget = geometry.Budget()
        # The index of the ')' closing each '(' (for telling a group from an expression).
        self.closing: dict[int, int] = {}
        opened: list[int] = []
        for index, token in enumerate(self.tokens):
            if token.kind == "(":
                opened.append(index)
            elif token.kind == ")" and opened:
                self.closing[opened.pop()] = index

    # --- helpers -------------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != EOF:
            self.i += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        if self.token.kind != kind:
            raise syntax_error(
                self.token.pos, f"{what} attendu(e), trouvé : {describe(self.token)}"
            )
        return self.advance()

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise syntax_error(pos, f"imbrication trop profonde (au plus {MAX_DEPTH} niveaux)")

    # --- boolean expressions -------------------------------------------------------------
    def parse(self):
        node = self.or_expr()
        if self.token.kind != EOF:
            raise syntax_error(
                self.token.pos, f"AND ou OR attendu, trouvé : {describe(self.token)}"
            )
        return node

    def or_expr(self):
        args = [self.and_expr()]
        while self.token.word("or"):
            self.advance()
            args.append(self.and_expr())
        return args[0] if len(args) == 1 else Or(tuple(args))

    def and_expr(self):
        args = [self.not_expr()]
        while self.token.word("and"):
            self.advance()
            args.append(self.not_expr())
        return args[0] if len(args) == 1 else And(tuple(args))

    def not_expr(self):
        token = self.token
        if token.word("not"):
            self.enter(token.pos)
            self.advance()
            node = Not(self.not_expr())
            self.depth -= 1
            return node
        if token.kind == "(" and not self._expression_group():
            self.enter(token.pos)
            self.advance()
            node = self.or_expr()
            self.expect(")", "« ) »")
            self.depth -= 1
            return node
        if token.kind == NAME and self.peek().kind == "(":
            name = token.value.lower()
            if name in SPATIAL_FUNCTIONS:
                return self.spatial()
            if name in TEMPORAL_FUNCTIONS:
                return self.temporal()
            if name in ARRAY_FUNCTIONS:
                return self.array_predicate()
            if name not in (*TEXT_FUNCTIONS, "date", "timestamp", "interval", *_GEOMETRY_WORDS):
                raise syntax_error(
                    token.pos,
                    f"fonction inconnue « {token.value[:40]} » (fonctions : {_FUNCTION_HELP})",
                )
        if token.word("true", "false") and not self._predicate_follows(self.peek()):
            self.advance()
            return BooleanConstant(token.value.lower() == "true")
        return self.predicate()

    @staticmethod
    def _predicate_follows(token: Token) -> bool:
        return token.kind == OP or token.word("not", "like", "between", "in", "is")

    def _expression_group(self) -> bool:
        """Whether the '(' at the current token opens an arithmetic expression, such as
        `(a + 1) > b`, rather than a group of conditions."""
        close = self.closing.get(self.i)
        if close is None:
            return False
        after = self.tokens[close + 1]
        return (
            self._predicate_follows(after) or after.kind in _ARITHMETIC_TOKENS or after.word("div")
        )

    def predicate(self):
        left = self.expression()
        token = self.token
        if token.kind == OP:
            self.advance()
            return Comparison(token.value, left, self.expression(), token.pos)
        negated = False
        if token.word("not"):
            negated = True
            self.advance()
            if not self.token.word("like", "between", "in"):
                raise syntax_error(self.token.pos, "LIKE, BETWEEN ou IN attendu après NOT")
        keyword = self.token
        if keyword.word("like"):
            self.advance()
            return Like(left, self.expression(), negated, keyword.pos)
        if keyword.word("between"):
            self.advance()
            low = self.expression()
            if not self.token.word("and"):
                raise syntax_error(self.token.pos, "AND attendu dans BETWEEN ... AND ...")
            self.advance()
            return Between(left, low, self.expression(), negated, keyword.pos)
        if keyword.word("in"):
            self.advance()
            self.expect("(", "« ( » après IN")
            items = [self.expression()]
            while self.token.kind == ",":
                self.advance()
                items.append(self.expression())
                if len(items) > MAX_IN_VALUES:
                    raise syntax_error(
                        self.token.pos, f"liste IN trop longue (au plus {MAX_IN_VALUES} valeurs)"
                    )
            self.expect(")", "« ) » ou « , » dans la liste IN")
            return In(left, tuple(items), negated, keyword.pos)
        if keyword.word("is"):
            self.advance()
            negated = False
            if self.token.word("not"):
                negated = True
                self.advance()
            if not self.token.word("null"):
                raise syntax_error(self.token.pos, "NULL attendu après IS")
            self.advance()
            return IsNull(left, negated, keyword.pos)
        raise syntax_error(
            token.pos,
            f"opérateur attendu après la valeur, trouvé : "
            f"{describe(token)} (opérateurs : "
            f"{', '.join(COMPARISONS)}, LIKE, BETWEEN, IN, IS NULL)",
        )

    # --- arithmetic ----------------------------------------------------------------------
    def expression(self):
        node = self.term()
        while self.token.kind in ("+", "-"):
            node = self.operation(self.advance(), node, self.term())
        return node

    def term(self):
        node = self.power()
        while self.token.kind in ("*", "/", "%") or self.token.word("div"):
            node = self.operation(self.advance(), node, self.power())
        return node

    def power(self):
        node = self.factor()
        if self.token.kind == "^":
            node = self.operation(self.advance(), node, self.factor())
        return node

    def factor(self):
        token = self.token
        if token.kind == "(":
            self.enter(token.pos)
            self.advance()
            node = self.expression()
            self.expect(")", "« ) »")
            self.depth -= 1
            return node
        if token.kind == "-" and self.peek().kind != NUMBER:
            self.enter(token.pos)
            self.advance()
            node = self.operation(token, None, self.factor())
            self.depth -= 1
            return node
        return self.scalar()

    def operation(self, token: Token, left, right) -> Arithmetic:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise syntax_error(
                token.pos, f"trop d'opérations arithmétiques (au plus {MAX_OPERATIONS})"
            )
        return Arithmetic(token.value.lower(), left, right, token.pos)

    # --- values --------------------------------------------------------------------------
    def scalar(self):
        token = self.token
        if token.kind == STRING:
            self.advance()
            return Literal(token.value, "string", token.pos)
        if token.kind in ("-", "+", NUMBER):
            return self.number()
        if token.kind == QNAME:
            self.advance()
            if not token.value:
                raise syntax_error(token.pos, "nom de propriété vide")
            return Property(token.value, token.pos)
        if token.kind != NAME:
            raise syntax_error(
                token.pos, f"valeur ou propriété attendue, trouvé : {describe(token)}"
            )
        word = token.value.lower()
        if word in ("true", "false"):
            self.advance()
            return Literal(word == "true", "boolean", token.pos)
        if self.peek().kind == "(":
            if word in ("date", "timestamp"):
                return self.instant(word)
            if word in TEXT_FUNCTIONS:
                self.advance()
                self.advance()
                self.enter(token.pos)
                arg = self.scalar()
                self.depth -= 1
                self.expect(")", "« ) »")
                return Function(word, arg, token.pos)
            if word in _GEOMETRY_WORDS:
                raise syntax_error(
                    token.pos,
                    "une géométrie ne s'emploie que dans une fonction spatiale (S_INTERSECTS...)",
                )
            if word == "interval":
                raise syntax_error(
                    token.pos,
                    "INTERVAL ne s'emploie que dans une fonction "
                    "temporelle (T_INTERSECTS, T_DURING...)",
                )
            if word in (*TEMPORAL_FUNCTIONS, *ARRAY_FUNCTIONS, *SPATIAL_FUNCTIONS):
                raise syntax_error(
                    token.pos, f"{token.value.upper()} est une condition, pas une valeur"
                )
            raise syntax_error(
                token.pos,
                f"fonction inconnue « {token.value[:40]} » (fonctions : {_FUNCTION_HELP})",
            )
        if word in _RESERVED:
            raise syntax_error(
                token.pos,
                f"mot réservé {token.value.upper()} à la place d'une "
                "valeur (un nom de propriété réservé s'écrit entre "
                "guillemets doubles)",
            )
        self.advance()
        return Property(token.value, token.pos)

    def number(self) -> Literal:
        start = self.token
        sign = ""
        if start.kind in ("-", "+"):
            sign = self.advance().value
        token = self.expect(NUMBER, "nombre")
        text = sign + token.value
        if len(text) > MAX_NUMBER_LENGTH:
            raise syntax_error(
                start.pos, f"nombre trop long (au plus {MAX_NUMBER_LENGTH} caractères)"
            )
        value: int | float = float(text)
        if all(is_digit(c) for c in text.lstrip("+-")) and abs(int(text)) < 2**63:
            value = int(text)
        return Literal(value, "number", start.pos)

    def instant(self, word: str) -> Literal:
        token = self.advance()
        self.advance()  # (
        text = self.expect(STRING, "date entre apostrophes").value
        self.expect(")", "« ) »")
        return Literal(parse_instant(text, word, f"à la position {token.pos}"), word, token.pos)

    # --- temporal ------------------------------------------------------------------------
    def temporal(self) -> Temporal:
        token = self.advance()
        self.advance()  # (
        left = self.temporal_argument()
        self.expect(",", "« , » entre les deux arguments")
        right = self.temporal_argument()
        self.expect(")", "« ) »")
        return Temporal(token.value.lower(), left, right, token.pos)

    def temporal_argument(self):
        token = self.token
        if token.word("interval") and self.peek().kind == "(":
            self.advance()
            self.advance()
            start = self.interval_bound()
            self.expect(",", "« , » entre le début et la fin de l'intervalle")
            end = self.interval_bound()
            self.expect(")", "« ) »")
            return Interval(start, end, token.pos)
        return self.scalar()

    def interval_bound(self):
        token = self.token
        if token.kind == STRING:
            self.advance()
            return interval_bound(token.value, f"à la position {token.pos}", token.pos)
        if token.kind in (NAME, QNAME):
            return self.scalar()
        raise syntax_error(
            token.pos,
            f"date entre apostrophes, '..' ou propriété attendue, trouvé : {describe(token)}",
        )

    # --- arrays --------------------------------------------------------------------------
    def array_predicate(self) -> ArrayPredicate:
        token = self.advance()
        self.advance()  # (
        left = self.array_argument()
        self.expect(",", "« , » entre les deux tableaux")
        right = self.array_argument()
        self.expect(")", "« ) »")
        return ArrayPredicate(token.value.lower(), left, right, token.pos)

    def array_argument(self):
        token = self.token
        if token.kind not in ("(", "["):
            return self.scalar()
        closing = ")" if token.kind == "(" else "]"
        self.advance()
        items = []
        while self.token.kind != closing:
            if items:
                self.expect(",", f"« , » ou « {closing} » dans le tableau")
            if self.token.kind in ("(", "["):
                raise syntax_error(
                    self.token.pos, "les tableaux imbriqués ne sont pas pris en charge"
                )
            items.append(self.scalar())
            if len(items) > MAX_IN_VALUES:
                raise syntax_error(
                    self.token.pos, f"tableau trop long (au plus {MAX_IN_VALUES} valeurs)"
                )
        self.advance()
        return ArrayLiteral(tuple(items), token.pos)

    # --- spatial -------------------------------------------------------------------------
    def spatial(self) -> Spatial:
        token = self.advance()
        self.advance()  # (
        left = self.geometry_argument()
        self.expect(",", "« , » entre les deux géométries")
        right = self.geometry_argument()
        self.expect(")", "« ) »")
        return Spatial(token.value.lower(), left, right, token.pos)

    def geometry_argument(self):
        token = self.token
        if (
            token.kind == NAME
            and token.value.lower() in _GEOMETRY_WORDS
            and (self.peek().kind == "(" or self.peek().word("z"))
        ):
            return Geometry(self.geometry_literal(), token.pos)
        if token.kind in (NAME, QNAME):
            return self.scalar()
        raise syntax_error(
            token.pos, f"géométrie ou propriété attendue, trouvé : {describe(token)}"
        )

    def geometry_literal(self):
        token = self.advance()
        kind = _GEOMETRY_WORDS[token.value.lower()]
        where = f"à la position {token.pos}"
        if self.token.word("z"):
            self.advance()
        if kind == "bbox":
            return geometry.bbox(self.numbers(), where)
        if kind == "envelope":
            numbers = self.numbers()
            if len(numbers) != 4:
                raise geometry.invalid("ENVELOPE attend 4 nombres : ouest, est, nord, sud", where)
            west, east, north, south = numbers
            return geometry.bbox([west, south, east, north], where)
        if kind == "GeometryCollection":
            self.enter(token.pos)
            self.expect("(", "« ( »")
            members = [self.geometry_literal_member()]
            while self.token.kind == ",":
                self.advance()
                members.append(self.geometry_literal_member())
            self.expect(")", "« ) »")
            self.depth -= 1
            return shapely.GeometryCollection(members)
        return geometry.build(kind, self.coordinates(kind), where, self.budget)

    def geometry_literal_member(self):
        token = self.token
        if not (
            token.kind == NAME
            and token.value.lower() in _GEOMETRY_WORDS
            and token.value.lower() not in ("bbox", "envelope")
        ):
            raise syntax_error(token.pos, f"géométrie attendue, trouvé : {describe(token)}")
        return self.geometry_literal()

    def numbers(self) -> list[float]:
        self.expect("(", "« ( »")
        values = [self.number().value]
        while self.token.kind == ",":
            self.advance()
            values.append(self.number().value)
            if len(values) > 6:
                break
        self.expect(")", "« ) »")
        return values

    def coordinates(self, kind: str):
        """The nested lists of positions of a WKT geometry of GeoJSON type `kind`."""
        if kind == "Point":
            self.expect("(", "« ( »")
            value = self.position()
            self.expect(")", "« ) »")
            return value
        if kind == "LineString":
            return self.position_list()
        if kind == "Polygon":
            return self.list_of(self.position_list)
        if kind == "MultiPoint":
            return self.list_of(self.multipoint_member)
        if kind == "MultiLineString":
            return self.list_of(self.position_list)
        return self.list_of(lambda: self.list_of(self.position_list))  # MultiPolygon

    def list_of(self, item):
        self.expect("(", "« ( »")
        items = [item()]
        while self.token.kind == ",":
            self.advance()
            items.append(item())
        self.expect(")", "« ) » ou « , »")
        return items

    def position_list(self):
        return self.list_of(self.position)

    def multipoint_member(self):
        if self.token.kind == "(":
            self.advance()
            value = self.position()
            self.expect(")", "« ) »")
            return value
        return self.position()

    def position(self) -> list[float]:
        values = [self.number().value, self.number().value]
        if self.token.kind in ("-", "+", NUMBER):
            values.append(self.number().value)
        return values


def parse_instant(text: str, kind: str, where: str):
    """A date (`kind` "date") or a timestamp (UTC, without time zone) from its text."""
    try:
        if kind == "date":
            return dt.date.fromisoformat(text)
        value = dt.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        example = "2024-01-31" if kind == "date" else "2024-01-31T12:00:00Z"
        raise QueryError(
            f"{kind.upper()} invalide {where} : « {text[:40]} » (exemple : {example}).",
            parameter="filter",
        ) from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def interval_bound(text: str, where: str, pos: int | None = None):
    """An interval bound written as text: None for '..' (open), else a date
    ('YYYY-MM-DD') or a timestamp literal."""
    if text == "..":
        return None
    kind = "date" if len(text) == 10 else "timestamp"
    return Literal(parse_instant(text, kind, where), kind, pos)


def parse_text(text: str):
    """The syntax tree of a CQL2 text filter; QueryError with the position of a mistake."""
    if not text.strip():
        raise QueryError("« filter » est vide.", parameter="filter")
    return _Parser(text).parse()
