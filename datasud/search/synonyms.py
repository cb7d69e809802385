"""French synonyms and related terms of public data, for query expansion.

    expand(parse_query("pistes cyclables")) -> Terms(..., synonyms=(Synonym(
        words=("pistes", "cyclables"), alternatives=(("velo",), ("bicyclette",), ...)),))

The table is `data/synonyms.txt` (hand-written for this project, see `data/README.md`): one
line per group of expressions, `a, b, c` for expressions that find one another, `a => b, c`
for `a` finding `b` and `c` only. Expressions are compared by their stems without stop
words, as the index is, so "Piste cyclable" in the table also catches "pistes cyclables"
typed. In a query, the longest run of words found in the table wins ("plan local
d'urbanisme" is one expression, not "plan" then "local"). Expanded queries ask, for each
such run, the words as typed OR one of the alternatives (matched as phrases); the ranking
puts datasets with the words as typed above those found through a synonym only (see the
backends' `ranked_matches` and `ranked_visible`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

from .stopwords import STOPWORDS
from .text import Synonym, Terms, plural, stem, words

TABLE = Path(__file__).resolve().parent / "data" / "synonyms.txt"
# Longest expression looked up in a query, in words (without stop words).
MAX_WORDS = 6
# Alternatives added per run of words: a bound on the size of the match expression.
MAX_ALTERNATIVES = 12

Key = tuple[str, ...]


def _key(expression: tuple[str, ...]) -> Key:
    return tuple(stem(word) for word in expression if word not in STOPWORDS)


class SynonymTable:
    """Expressions (as words) by the stems of the expressions they expand."""

    def __init__(self, lines: list[str]):
        self.alternatives: dict[Key, dict[Key, tuple[str, ...]]] = defaultdict(dict)
        self.groups = 0
        for number, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            left, arrow, right = line.partition("=>")
            sources = self._expressions(left, number)
            targets = self._expressions(right, number) if arrow else sources
            if not sources or not targets:
                raise ValueError(f"{TABLE.name}, ligne {number} : groupe vide")
            self.groups += 1
            for source in sources:
                for target in targets:
                    if _key(target) != _key(source):
                        self.alternatives[_key(source)].setdefault(_key(target), target)

    @staticmethod
    def _expressions(text: str, number: int) -> list[tuple[str, ...]]:
        found = []
        for part in text.split(","):
            expression = tuple(words(part))
            if part.strip() and not _key(expression):
                raise ValueError(
                    f"{TABLE.name}, ligne {number} : « {part.strip()} » n'a que des mots vides"
                )
            if expression:
                found.append(expression)
        return found

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """Every word of the table's expressions (known words, for spelling)."""
        return frozenset(
            {
                word
                for alternatives in self.alternatives.values()
                for expression in alternatives.values()
                for word in expression
            }
        )

    def expand(self, terms: Terms) -> Terms:
        """`terms` with the synonyms of its words (unchanged if none)."""
        sequence = list(
            dict.fromkeys(
                (
                    *terms.required,
                    *([terms.prefix] if terms.prefix and not terms.prefix_is_stopword else []),
                )
            )
        )
        stems = [stem(word) for word in sequence]
        found: list[Synonym] = []
        start = 0
        while start < len(sequence):
            for length in range(min(MAX_WORDS, len(sequence) - start), 0, -1):
                alternatives = self.alternatives.get(tuple(stems[start : start + length]))
                if alternatives:
                    typed = tuple(sequence[start : start + length])
                    chosen = list(alternatives.values())[:MAX_ALTERNATIVES]
                    found.append(
                        Synonym(words=typed, alternatives=tuple(_with_plurals([typed, *chosen])))
                    )
                    start += length
                    break
            else:
                start += 1
        if not found:
            return terms
        return Terms(required=terms.required, prefix=terms.prefix, synonyms=tuple(found))


def _with_plurals(expressions: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The expressions but the first (the words typed), plus the plural of one-word
    expressions whose stem differs from their singular's: Snowball leaves the "s" of words
    ending in a vowel ("velos" is not "velo")."""
    found = []
    for position, expression in enumerate(expressions):
        if position:
            found.append(expression)
        if len(expression) == 1 and plural(expression[0]):
            found.append((plural(expression[0]),))
    return found


@functools.cache
def table() -> SynonymTable:
    """The shipped table, read once per process."""
    return SynonymTable(TABLE.read_text(encoding="utf-8").splitlines())


def expand(terms: Terms) -> Terms:
    """`terms` with the synonyms of the shipped table."""
    return table().expand(terms)
