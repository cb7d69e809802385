"""Tokeniser of the datastore query language (where, select, group_by, order_by).

The lexer only cuts text into tokens; it never builds SQL. Every token keeps its 1-based
position so that error messages can point at the place of the mistake.

Tokens:
- IDENT: a bare name (`population`, `nom_commune`, accented letters allowed) or a name in
  backticks (`` `code postal` ``, a backtick doubled inside). Keywords (and, or, not, in...)
  are bare IDENTs recognised by the parser; a backticked name is never a keyword.
- STRING: 'text' or "text"; the quote is escaped by doubling it ('l''eau') or with a
  backslash (\\', \\", \\\\). Any other backslash is kept as is.
- NUMBER: 12, 3.5, .5, 1e6, 2.5E-3 (the sign is handled by the parser).
- OP: = != <> < <= > >=; punctuation: ( ) , * and the minus sign.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import QueryError

# Kinds of tokens.
IDENT = "ident"
STRING = "string"
NUMBER = "number"
OP = "op"
LPAREN = "("
RPAREN = ")"
COMMA = ","
STAR = "*"
MINUS = "-"
EOF = "eof"

_OPERATORS = ("<=", ">=", "<>", "!=", "=", "<", ">")
_PUNCTUATION = {"(": LPAREN, ")": RPAREN, ",": COMMA, "*": STAR, "-": MINUS}


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    pos: int  # 1-based character position in the source text
    quoted: bool = False  # an identifier written in backticks (never a keyword)

    def is_keyword(self, *words: str) -> bool:
        """True for a bare identifier that is one of `words` (case-insensitive)."""
        return self.kind == IDENT and not self.quoted and self.value.lower() in words


def _is_name_start(char: str) -> bool:
    return char.isalpha() or char == "_"


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def tokenize(text: str, *, parameter: str) -> list[Token]:
    """Cut `text` into tokens, ending with an EOF token.

    `parameter` names the request parameter in errors ("where", "select"...).
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "'\"":
            start = i
            value, i = _read_string(text, i, parameter)
            tokens.append(Token(STRING, value, start + 1))
        elif char == "`":
            start = i
            value, i = _read_backticked(text, i, parameter)
            tokens.append(Token(IDENT, value, start + 1, quoted=True))
        elif char.isdigit() or (char == "." and i + 1 < n and text[i + 1].isdigit()):
            start = i
            i = _read_number(text, i, parameter)
            tokens.append(Token(NUMBER, text[start:i], start + 1))
        elif _is_name_start(char):
            start = i
            while i < n and _is_name_char(text[i]):
                i += 1
            tokens.append(Token(IDENT, text[start:i], start + 1))
        elif char in _PUNCTUATION:
            tokens.append(Token(_PUNCTUATION[char], char, i + 1))
            i += 1
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                hint = " (une seule expression est acceptée)" if char == ";" else ""
                raise QueryError(f"Caractère inattendu « {char} » à la position {i + 1}{hint}.",
                                 parameter=parameter)
            tokens.append(Token(OP, op, i + 1))
            i += len(op)
    tokens.append(Token(EOF, "", n + 1))
    return tokens


def _read_string(text: str, start: int, parameter: str) -> tuple[str, int]:
    """Read a quoted string starting at `start`; return its value and the index after it."""
    quote = text[start]
    parts: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in ("'", '"', "\\"):
            parts.append(text[i + 1])
            i += 2
        elif char == quote:
            if i + 1 < n and text[i + 1] == quote:  # doubled quote: a literal quote
                parts.append(quote)
                i += 2
            else:
                return "".join(parts), i + 1
        else:
            parts.append(char)
            i += 1
    raise QueryError(f"Chaîne de caractères non terminée (ouverte à la position {start + 1} "
                     f"par {quote}).", parameter=parameter)


def _read_backticked(text: str, start: int, parameter: str) -> tuple[str, int]:
    parts: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        if text[i] == "`":
            if i + 1 < n and text[i + 1] == "`":
                parts.append("`")
                i += 2
                continue
            if not parts:
                raise QueryError(f"Nom de colonne vide à la position {start + 1}.",
                                 parameter=parameter)
            return "".join(parts), i + 1
        parts.append(text[i])
        i += 1
    raise QueryError(f"Nom de colonne entre ` non terminé (ouvert à la position {start + 1}).",
                     parameter=parameter)


def _read_number(text: str, i: int, parameter: str) -> int:
    n = len(text)
    start = i
    while i < n and text[i].isdigit():
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and text[i].isdigit():
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and text[j].isdigit():
            i = j
            while i < n and text[i].isdigit():
                i += 1
    if i < n and _is_name_char(text[i]):
        # "12abc" is neither a number nor a name: say so rather than guess.
        end = i
        while end < n and _is_name_char(text[end]):
            end += 1
        raise QueryError(f"Nombre mal formé « {text[start:end]} » à la position {start + 1}.",
                         parameter=parameter)
    return i

