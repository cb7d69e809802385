"""The subset of Solr query syntax CKAN clients send in `fq` (and `q`), translated into the
platform search's filters.

Understood: `field:value`, `field:"quoted value"`, `field:(a OR b)`, `+clause`, `AND`, `OR`
and parentheses, `*:*`, on the fields `organization` / `owner_org`, `tags`, `groups`,
`res_format`, `license_id`, `dataset_type`, and `text` / `title` / `notes` (free text).
The platform search combines facets with AND and the values of one facet with OR, so:
- OR is accepted between values of one field;
- AND of two values of a single-valued field (organization, licence) keeps what they share;
  of a many-valued field (tags, groups, formats) only when one side implies the other;
- negation (`-`, `NOT`), wildcards and ranges are refused.
What cannot be translated faithfully raises `SearchQueryError` naming it, rather than
returning other datasets than the client asked for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import SearchQueryError

#: fq field -> SearchQuery attribute.
FILTER_FIELDS = {
    "organization": "organisations",
    "owner_org": "organisations",
    "tags": "tags",
    "groups": "themes",
    "res_format": "formats",
    "license_id": "licences",
}
#: Fields whose datasets have one value at most: AND of two values keeps the common ones.
SINGLE_VALUED = {"organisations", "licences"}
TEXT_FIELDS = {"text", "title", "notes"}
TYPE_FIELDS = {"dataset_type"}
KNOWN_FIELDS = set(FILTER_FIELDS) | TEXT_FIELDS | TYPE_FIELDS
MAX_LENGTH = 2000
MAX_DEPTH = 20

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass
class Translation:
    """What a query asks: free-text words, filter values per SearchQuery attribute, and
    whether it can match nothing at all (`organization:a AND organization:b`)."""

    text: list[str] = field(default_factory=list)
    filters: dict[str, set[str]] = field(default_factory=dict)
    matches_nothing: bool = False


@dataclass
class _Token:
    kind: str   # "(", ")", "and", "or", "not", "+", "field", "term", "phrase", "all"
    value: str = ""


def _error(message: str) -> SearchQueryError:
    return SearchQueryError(message)


def _tokens(text: str, parameter: str, lenient: bool) -> list[_Token]:
    """Cut `text` into tokens. `lenient` (q): `name:` is a field only for known names."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char))
            i += 1
        elif char == '"':
            value, i = _phrase(text, i, parameter)
            tokens.append(_Token("phrase", value))
        elif char in "+-!" and i + 1 < n and not text[i + 1].isspace() and (
                not tokens or tokens[-1].kind != "field"):
            tokens.append(_Token({"+": "+", "-": "not", "!": "not"}[char]))
            i += 1
        else:
            start = i
            word: list[str] = []
            while i < n and not text[i].isspace() and text[i] not in "()":
                if text[i] == "\\" and i + 1 < n:
                    word.append(text[i + 1])
                    i += 2
                    continue
                if text[i] == ":" and word and text[start:i] == "".join(word):
                    name = "".join(word)
                    if text[start:i + 3] == "*:*":
                        break
                    known = name in KNOWN_FIELDS
                    if _FIELD_NAME.match(name) and (known or not lenient):
                        tokens.append(_Token("field", name))
                        word = []
                        i += 1
                        start = i
                        if i < n and text[i] == '"':
                            value, i = _phrase(text, i, parameter)
                            tokens.append(_Token("phrase", value))
                            start = i
                        break
                word.append(text[i])
                i += 1
            if text[start:start + 3] == "*:*" and (start + 3 >= n or text[start + 3].isspace()
                                                   or text[start + 3] in "()"):
                tokens.append(_Token("all"))
                i = start + 3
                continue
            if word:
                value = "".join(word)
                keyword = {"AND": "and", "OR": "or", "NOT": "not", "&&": "and",
                           "||": "or"}.get(value)
                tokens.append(_Token(keyword) if keyword else _Token("term", value))
    return tokens


def _phrase(text: str, start: int, parameter: str) -> tuple[str, int]:
    parts: list[str] = []
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            parts.append(text[i + 1])
            i += 2
        elif text[i] == '"':
            return "".join(parts), i + 1
        else:
            parts.append(text[i])
            i += 1
    raise _error(_("%(p)s : guillemet ouvert à la position %(n)s jamais fermé.")
                 % {"p": parameter, "n": start + 1})


class _Parser:
    """Recursive descent: or := and (OR and)* ; and := unary ([AND] unary)* ;
    unary := (+|-|NOT) unary | primary ; primary := ( or ) | field: value | term | *:*."""

    def __init__(self, tokens: list[_Token], parameter: str, allow_text: bool):
        self.tokens = tokens
        self.pos = 0
        self.parameter = parameter
        self.allow_text = allow_text
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Translation:
        if not self.tokens:
            return Translation()
        result = self.or_(None)
        if self.peek() is not None:
            raise _error(_("%(p)s : « %(t)s » inattendu.")
                         % {"p": self.parameter, "t": self.peek().value or self.peek().kind})
        return result

    def _nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(_("%(p)s : trop de parenthèses imbriquées (%(n)s au plus).")
                         % {"p": self.parameter, "n": MAX_DEPTH})

    def or_(self, field_name: str | None) -> Translation:
        parts = [self.and_(field_name)]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            parts.append(self.and_(field_name))
        return _any_of(parts) if len(parts) > 1 else parts[0]

    def and_(self, field_name: str | None) -> Translation:
        parts = [self.unary(field_name)]
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.take()
            parts.append(self.unary(field_name))
        return _all_of(parts)

    def unary(self, field_name: str | None) -> Translation:
        token = self.peek()
        while token is not None and token.kind == "+":  # "required": what AND means here
            self.take()
            token = self.peek()
        if token is None:
            raise _error(_("%(p)s : expression incomplète.") % {"p": self.parameter})
        if token.kind == "not":
            raise _error(_("%(p)s : la négation (-, !, NOT) n'est pas prise en charge.")
                         % {"p": self.parameter})
        return self.primary(field_name)

    def primary(self, field_name: str | None) -> Translation:
        token = self.take()
        if token.kind == "(":
            self._nested()
            inner = self.or_(field_name)
            if self.peek() is None or self.peek().kind != ")":
                raise _error(_("%(p)s : parenthèse non fermée.") % {"p": self.parameter})
            self.take()
            self.depth -= 1
            return inner
        if token.kind == "all":
            return Translation()
        if token.kind == "field":
            if field_name is not None:
                raise _error(_("%(p)s : champ %(f)s dans la valeur d'un autre champ.")
                             % {"p": self.parameter, "f": token.value})
            if token.value not in KNOWN_FIELDS:
                raise _error(_("%(p)s : le champ « %(f)s » n'est pas pris en charge (champs "
                               "possibles : %(known)s).")
                             % {"p": self.parameter, "f": token.value,
                                "known": ", ".join(sorted(KNOWN_FIELDS))})
            if self.peek() is None:
                raise _error(_("%(p)s : valeur manquante après %(f)s:.")
                             % {"p": self.parameter, "f": token.value})
            return self.primary(token.value)
        if token.kind in ("term", "phrase"):
            return self.value(field_name, token)
        raise _error(_("%(p)s : « %(t)s » inattendu.")
                     % {"p": self.parameter, "t": token.value or token.kind})

    def value(self, field_name: str | None, token: _Token) -> Translation:
        value = token.value
        if token.kind == "term" and (any(c in value for c in "*?") or value[:1] in "[{"):
            raise _error(_("%(p)s : les jokers (*, ?) et intervalles ([a TO b]) ne sont pas "
                           "pris en charge : %(v)s") % {"p": self.parameter, "v": value})
        if field_name is None or field_name in TEXT_FIELDS:
            if not self.allow_text:
                raise _error(_("%(p)s : « %(v)s » n'indique pas de champ (écrivez "
                               "champ:valeur).") % {"p": self.parameter, "v": value})
            return Translation(text=[value])
        if field_name in TYPE_FIELDS:
            return Translation(matches_nothing=value != "dataset")
        return Translation(filters={FILTER_FIELDS[field_name]: {value}})


def combine(parts: list[Translation]) -> Translation:
    """Several queries that must all hold (q, fq, each of fq_list)."""
    return _all_of(parts)


def _all_of(parts: list[Translation]) -> Translation:
    result = Translation()
    for part in parts:
        result.text += part.text
        result.matches_nothing |= part.matches_nothing
        for name, values in part.filters.items():
            have = result.filters.get(name)
            if have is None:
                result.filters[name] = set(values)
            elif name in SINGLE_VALUED:
                result.filters[name] = have & values
                result.matches_nothing |= not result.filters[name]
            elif have <= values or values <= have:
                # A dataset with a value of the smaller set has one of the larger set too.
                result.filters[name] = have if have <= values else set(values)
            else:
                raise _error(_("Exiger à la fois plusieurs valeurs de %(f)s (ET) n'est pas "
                               "pris en charge ; OU l'est : %(f)s:(a OR b).")
                             % {"f": _field_label(name)})
    return result


def _any_of(parts: list[Translation]) -> Translation:
    if any(not p.text and not p.filters and not p.matches_nothing for p in parts):
        return Translation()  # *:* OR anything
    possible = [p for p in parts if not p.matches_nothing]
    if not possible:
        return Translation(matches_nothing=True)
    names = {name for p in possible for name in p.filters}
    if any(p.text for p in possible) or len(names) != 1 or any(
            len(p.filters) != 1 for p in possible):
        raise _error(_("OR n'est pris en charge qu'entre des valeurs d'un même champ, par "
                       "exemple tags:(a OR b)."))
    name = names.pop()
    return Translation(filters={name: set().union(*(p.filters[name] for p in possible))})


def _field_label(attribute: str) -> str:
    return next(k for k, v in FILTER_FIELDS.items() if v == attribute)


def translate(text: str, parameter: str = "fq", *, allow_text: bool = False) -> Translation:
    """Translate a query (fq; or q with `allow_text`, where words are free text and only
    known field names make fields) into search filters, or raise SearchQueryError."""
    if not isinstance(text, str):
        raise _error(_("%(p)s doit être une chaîne de caractères.") % {"p": parameter})
    if len(text) > MAX_LENGTH:
        raise _error(_("%(p)s dépasse %(n)s caractères.") % {"p": parameter, "n": MAX_LENGTH})
    tokens = _tokens(text, parameter, lenient=allow_text)
    return _Parser(tokens, parameter, allow_text).parse()


def has_fields(text: str) -> bool:
    """Whether free text `q` uses Solr fields we understand (else it is passed as is)."""
    try:
        tokens = _tokens(text, "q", lenient=True)
    except SearchQueryError:
        return False  # an odd quote in free text: the platform search reads it as words
    return any(token.kind in ("field", "all") for token in tokens)
