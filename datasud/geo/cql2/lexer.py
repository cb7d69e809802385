"""The tokeniser of CQL2 text: cuts a filter into tokens, each with its 1-based position
so that errors can point at the mistake. Never builds SQL.

Tokens: names (letters, digits, `_`, `.`, `:`; keywords are names the parser recognises),
"quoted names", 'strings' (a quote doubled inside), numbers (ASCII digits, a fraction, an
exponent; the sign is the parser's), the comparison operators and ( ) [ ] , + - * / % ^.
"""

from __future__ import annotations

from dataclasses import dataclass

from datasud.datastore.errors import QueryError

NAME, QNAME, STRING, NUMBER, OP, EOF = "name", "qname", "string", "number", "op", "eof"
_PUNCTUATION = "(),+-*/%^[]"
_OPERATORS = ("<=", ">=", "<>", "=", "<", ">")


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    pos: int  # 1-based

    def word(self, *words: str) -> bool:
        return self.kind == NAME and self.value.lower() in words


def syntax_error(pos: int, message: str) -> QueryError:
    return QueryError(
        f"Erreur de syntaxe dans « filter » à la position {pos} : {message}.", parameter="filter"
    )


def is_digit(char: str) -> bool:
    # ASCII only: str.isdigit() also says yes to "¹" or "٣", which float() refuses.
    return "0" <= char <= "9"


def _name_char(char: str) -> bool:
    return char.isalnum() or char in "_.:"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        start = i
        if char.isspace():
            i += 1
            continue
        if char in "'\"":
            value, i = _quoted(text, i)
            tokens.append(Token(STRING if char == "'" else QNAME, value, start + 1))
        elif is_digit(char) or (char == "." and i + 1 < n and is_digit(text[i + 1])):
            i = _number(text, i)
            tokens.append(Token(NUMBER, text[start:i], start + 1))
        elif char.isalpha() or char == "_":
            while i < n and _name_char(text[i]):
                i += 1
            tokens.append(Token(NAME, text[start:i], start + 1))
        elif char in _PUNCTUATION:
            tokens.append(Token(char, char, start + 1))
            i += 1
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                hint = " (« différent de » s'écrit <>)" if text.startswith("!=", i) else ""
                raise syntax_error(start + 1, f"caractère inattendu « {char} »{hint}")
            tokens.append(Token(OP, op, start + 1))
            i += len(op)
    tokens.append(Token(EOF, "", n + 1))
    return tokens


def _quoted(text: str, start: int) -> tuple[str, int]:
    quote, parts, i, n = text[start], [], start + 1, len(text)
    while i < n:
        if text[i] == quote:
            if i + 1 < n and text[i + 1] == quote:
                parts.append(quote)
                i += 2
                continue
            return "".join(parts), i + 1
        parts.append(text[i])
        i += 1
    what = "chaîne de caractères" if quote == "'" else "nom entre guillemets"
    raise syntax_error(start + 1, f"{what} non terminé(e) (ouvert(e) par {quote})")


def _number(text: str, i: int) -> int:
    n, start = len(text), i
    while i < n and is_digit(text[i]):
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and is_digit(text[i]):
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1 + (i + 1 < n and text[i + 1] in "+-")
        if j < n and is_digit(text[j]):
            i = j
            while i < n and is_digit(text[i]):
                i += 1
    if i < n and (text[i].isalpha() or text[i] == "_"):
        raise syntax_error(start + 1, f"nombre mal formé « {text[start : i + 1]} »")
    return i


def describe(token: Token) -> str:
    return "la fin du filtre" if token.kind == EOF else f"« {token.value[:40]} »"
