"""Parser of the datastore query language: text → a small syntax tree, never SQL.

Grammar (keywords are case-insensitive; `[...]` optional, `{...}` repeated):

    where      := or_expr
    or_expr    := and_expr {OR and_expr}
    and_expr   := not_expr {AND not_expr}
    not_expr   := NOT not_expr | '(' or_expr ')' | predicate
    predicate  := value ( cmp value
                        | [NOT] IN '(' literal {',' literal} ')'
                        | [NOT] BETWEEN value AND value
                        | [NOT] (LIKE | ILIKE) value
                        | IS [NOT] NULL )
                | value                       -- a boolean column on its own
    cmp        := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
    value      := literal | name | name '(' [DISTINCT] ( '*' | value {',' value} ) ')'
    literal    := ['-'] number | 'text' | "text" | TRUE | FALSE
                | DATE 'YYYY-MM-DD' | TIMESTAMP 'YYYY-MM-DD HH:MM:SS'
    select     := item {',' item}      item := '*' | value [AS name]
    group_by   := item {',' item}
    order_by   := value [ASC | DESC] {',' value [ASC | DESC]}

Names are bare (`population`) or in backticks (`` `code postal` ``). Whether a name is a
real column and whether a function is allowed is decided by the compiler, which knows the
table; the parser only enforces the shape and the size limits.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import QueryError
from .lexer import (
    COMMA,
    EOF,
    IDENT,
    LPAREN,
    MINUS,
    NUMBER,
    OP,
    RPAREN,
    STAR,
    STRING,
    Token,
    tokenize,
)

MAX_WHERE_LENGTH = 4000
MAX_CLAUSE_LENGTH = 2000  # select, group_by, order_by
MAX_DEPTH = 30
MAX_IN_VALUES = 1000

_RESERVED = {"and", "or", "not", "in", "between", "like", "ilike", "is", "null", "true",
             "false", "as", "asc", "desc", "distinct"}
_COMPARISONS = {"=", "!=", "<>", "<", "<=", ">", ">="}
_OPERATOR_HELP = ("=, !=, <>, <, <=, >, >=, in (...), not in (...), between ... and ..., "
                  "like, ilike, is null, is not null")


# --- Values ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    pos: int


@dataclass(frozen=True)
class Literal:
    value: object  # str for strings, numbers (source text) and dates; bool for booleans
    kind: str      # "string", "number", "boolean", "date", "timestamp"
    pos: int


@dataclass(frozen=True)
class Call:
    name: str            # lower-cased function name
    args: tuple          # values; empty with star
    pos: int
    star: bool = False   # count(*)
    distinct: bool = False


@dataclass(frozen=True)
class Star:
    pos: int


# --- Conditions --------------------------------------------------------------------------

@dataclass(frozen=True)
class Compare:
    left: object
    op: str
    right: object
    pos: int


@dataclass(frozen=True)
class InList:
    operand: object
    values: tuple
    negated: bool
    pos: int


@dataclass(frozen=True)
class Between:
    operand: object
    low: object
    high: object
    negated: bool
    pos: int


@dataclass(frozen=True)
class Like:
    operand: object
    pattern: object
    negated: bool
    insensitive: bool
    pos: int


@dataclass(frozen=True)
class IsNull:
    operand: object
    negated: bool
    pos: int


@dataclass(frozen=True)
class Truth:
    """A value used as a condition on its own (a boolean column)."""
    operand: object
    pos: int


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


# --- Clauses -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One entry of select or group_by: a value (or `*`) and its optional alias."""
    expr: object
    alias: str | None


@dataclass(frozen=True)
class OrderItem:
    expr: object
    descending: bool


class _Parser:
    def __init__(self, text: str, parameter: str, max_length: int) -> None:
        if len(text) > max_length:
            raise QueryError(f"Le paramètre {parameter} dépasse {max_length} caractères.",
                             parameter=parameter)
        self.parameter = parameter
        self.tokens = tokenize(text, parameter=parameter)
        self.index = 0
        self.depth = 0

    # Token helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != EOF:
            self.index += 1
        return token

    def accept_keyword(self, *words: str) -> Token | None:
        if self.token.is_keyword(*words):
            return self.advance()
        return None

    def expect(self, kind: str, what: str) -> Token:
        if self.token.kind != kind:
            self.fail(f"{what} attendu")
        return self.advance()

    def fail(self, what: str) -> None:
        token = self.token
        found = "la fin du texte" if token.kind == EOF else f"« {token.value} »"
        raise QueryError(f"{what} à la position {token.pos}, trouvé {found}.",
                         parameter=self.parameter)

    def error(self, message: str) -> QueryError:
        return QueryError(message, parameter=self.parameter)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"Expression trop imbriquée (plus de {MAX_DEPTH} niveaux).")

    def finish(self) -> None:
        if self.token.kind == RPAREN:
            raise self.error(f"Parenthèse fermante sans parenthèse ouvrante à la position "
                             f"{self.token.pos}.")
        if self.token.kind != EOF:
            self.fail("and, or ou fin de l'expression attendu" if self.parameter == "where"
                      else "Virgule ou fin attendue")

    # Conditions
    def or_expr(self):
        items = [self.and_expr()]
        while self.accept_keyword("or"):
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self):
        items = [self.not_expr()]
        while self.accept_keyword("and"):
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self):
        self.enter()
        try:
            if self.accept_keyword("not"):
                return Not(self.not_expr())
            if self.token.kind == LPAREN:
                self.advance()
                inner = self.or_expr()
                if self.token.kind != RPAREN:
                    self.fail("Parenthèse fermante attendue")
                self.advance()
                return inner
            return self.predicate()
        finally:
            self.depth -= 1

    def predicate(self):
        start = self.token
        left = self.value()
        token = self.token
        if token.kind == OP and token.value in _COMPARISONS:
            self.advance()
            return Compare(left, "!=" if token.value == "<>" else token.value, self.value(),
                           token.pos)
        if token.is_keyword("is"):
            self.advance()
            negated = self.accept_keyword("not") is not None
            if not self.accept_keyword("null"):
                self.fail("null attendu après is")
            return IsNull(left, negated, token.pos)
        negated = self.accept_keyword("not") is not None
        token = self.token
        if token.is_keyword("in"):
            self.advance()
            return InList(left, self.in_values(), negated, token.pos)
        if token.is_keyword("between"):
            self.advance()
            low = self.value()
            if not self.accept_keyword("and"):
                self.fail("and attendu dans between ... and ...")
            return Between(left, low, self.value(), negated, token.pos)
        if token.is_keyword("like", "ilike"):
            self.advance()
            return Like(left, self.value(), negated, token.value.lower() == "ilike", token.pos)
        if negated:
            self.fail("in, between, like ou ilike attendu après not")
        if token.kind in (EOF, RPAREN) or token.is_keyword("and", "or"):
            return Truth(left, start.pos)
        raise self.error(f"Opérateur inconnu « {token.value} » à la position {token.pos} "
                         f"(opérateurs possibles : {_OPERATOR_HELP}).")

    def in_values(self) -> tuple:
        self.expect(LPAREN, "Parenthèse ouvrante après in")
        values = [self.literal_value()]
        while self.token.kind == COMMA:
            self.advance()
            values.append(self.literal_value())
            if len(values) > MAX_IN_VALUES:
                raise self.error(f"Liste in (...) trop longue : au plus {MAX_IN_VALUES} "
                                 "valeurs.")
        if self.token.kind != RPAREN:
            self.fail("Virgule ou parenthèse fermante attendue dans la liste in (...)")
        self.advance()
        return tuple(values)

    def literal_value(self) -> Literal:
        value = self.value()
        if not isinstance(value, Literal):
            raise self.error(f"La liste in (...) ne contient que des valeurs (position "
                             f"{getattr(value, 'pos', '?')}).")
        return value

    # Values
    def value(self):
        token = self.token
        if token.kind == MINUS:
            self.advance()
            number = self.expect(NUMBER, "Nombre attendu après le signe -")
            return Literal("-" + number.value, "number", token.pos)
        if token.kind == NUMBER:
            self.advance()
            return Literal(token.value, "number", token.pos)
        if token.kind == STRING:
            self.advance()
            return Literal(token.value, "string", token.pos)
        if token.kind != IDENT:
            self.fail("Nom de colonne ou valeur attendu")
        if token.is_keyword("true", "false"):
            self.advance()
            return Literal(token.value.lower() == "true", "boolean", token.pos)
        if token.is_keyword("date", "timestamp") and self.tokens[self.index + 1].kind == STRING:
            self.advance()
            text = self.advance()
            return Literal(text.value, token.value.lower(), token.pos)
        if token.is_keyword(*_RESERVED):
            self.fail("Nom de colonne ou valeur attendu (mettez entre ` un nom de colonne "
                      "qui est un mot réservé)")
        self.advance()
        if self.token.kind == LPAREN:
            return self.call(token)
        return Column(token.value, token.pos)

    def call(self, name: Token) -> Call:
        if name.quoted:
            raise self.error(f"`{name.value}` n'est pas une fonction (position {name.pos}).")
        self.advance()  # the opening parenthesis
        self.enter()
        try:
            if self.token.kind == STAR:
                self.advance()
                self.expect(RPAREN, "Parenthèse fermante attendue après *")
                return Call(name.value.lower(), (), name.pos, star=True)
            if self.token.kind == RPAREN:  # name(): the compiler says what it expects
                self.advance()
                return Call(name.value.lower(), (), name.pos)
            distinct = self.accept_keyword("distinct") is not None
            args = [self.value()]
            while self.token.kind == COMMA:
                self.advance()
                args.append(self.value())
            if self.token.kind != RPAREN:
                self.fail("Parenthèse fermante attendue")
            self.advance()
            return Call(name.value.lower(), tuple(args), name.pos, distinct=distinct)
        finally:
            self.depth -= 1

    # Clauses
    def items(self) -> list[Item]:
        items = [self.item()]
        while self.token.kind == COMMA:
            self.advance()
            items.append(self.item())
        self.finish()
        return items

    def item(self) -> Item:
        if self.token.kind == STAR:
            return Item(Star(self.advance().pos), None)
        expr = self.value()
        alias = None
        if self.accept_keyword("as"):
            alias_token = self.token
            if alias_token.kind != IDENT or alias_token.is_keyword(*_RESERVED):
                self.fail("Nom attendu après as")
            alias = self.advance().value
        return Item(expr, alias)

    def order_items(self) -> list[OrderItem]:
        items = []
        while True:
            expr = self.value()
            descending = False
            if direction := self.accept_keyword("asc", "desc"):
                descending = direction.value.lower() == "desc"
            items.append(OrderItem(expr, descending))
            if self.token.kind != COMMA:
                break
            self.advance()
        self.finish()
        return items


def parse_where(text: str):
    """The condition tree of a `where` text, or None when it is blank."""
    if not text.strip():
        return None
    parser = _Parser(text, "where", MAX_WHERE_LENGTH)
    tree = parser.or_expr()
    parser.finish()
    return tree


def parse_items(text: str, parameter: str) -> list[Item]:
    """The items of a `select` or `group_by` text (empty list when blank)."""
    if not text.strip():
        return []
    return _Parser(text, parameter, MAX_CLAUSE_LENGTH).items()


def parse_order_by(text: str) -> list[OrderItem]:
    """The keys of an `order_by` text (empty list when blank)."""
    if not text.strip():
        return []
    return _Parser(text, "order_by", MAX_CLAUSE_LENGTH).order_items()
