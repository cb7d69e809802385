"""Guessing a dataset's DataSud themes from its tags and title, with the keyword table of
`catalog/data/theme_keywords.json` (its README explains the method and the coverage).

Keyword syntax, matched against each tag and the title after `text.fold` (lower case, no
accents, punctuation and hyphens as spaces):
- `velo`: a word, singular or plural (`velo`, `velos`);
- `transport*`: any word starting with `transport` (`transports`, `transporteur`);
- `=port`: exactly this word (no plural, no prefix);
- `piste cyclable`: these words in a row (each singular or plural).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .text import singular, words

KEYWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "theme_keywords.json"


class ThemeMatcher:
    """Which theme slugs a set of tags and a title point to."""

    def __init__(self, table: dict[str, list[str]]):
        self.words: dict[str, set[str]] = {}
        self.exact: dict[str, set[str]] = {}
        self.prefixes: list[tuple[str, str]] = []
        self.phrases: list[tuple[str, str]] = []
        for slug, keywords in table.items():
            if slug.startswith("_"):  # "_comment" and the like
                continue
            for keyword in keywords:
                if keyword.startswith("="):
                    self.exact.setdefault(" ".join(words(keyword[1:])), set()).add(slug)
                elif keyword.endswith("*"):
                    self.prefixes.append((" ".join(words(keyword[:-1])), slug))
                elif len(words(keyword)) > 1:
                    phrase = " ".join(singular(w) for w in words(keyword))
                    self.phrases.append((f" {phrase} ", slug))
                else:
                    self.words.setdefault(singular(" ".join(words(keyword))), set()).add(slug)
        self._word_cache: dict[str, frozenset[str]] = {}
        # The same tags come back on thousands of datasets: remember what each one gave.
        self._text_cache: dict[str, frozenset[str]] = {}

    @classmethod
    def from_file(cls, path: Path = KEYWORDS_FILE) -> ThemeMatcher:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _themes_of_word(self, word: str) -> frozenset[str]:
        found = self._word_cache.get(word)
        if found is None:
            themes = set(self.exact.get(word, ())) | self.words.get(singular(word), set())
            themes.update(slug for prefix, slug in self.prefixes if word.startswith(prefix))
            found = self._word_cache[word] = frozenset(themes)
        return found

    def _themes_of_text(self, text: str) -> frozenset[str]:
        themes: set[str] = set()
        tokens = words(text)
        for token in tokens:
            themes |= self._themes_of_word(token)
        if len(tokens) > 1:
            line = " " + " ".join(singular(t) for t in tokens) + " "
            themes.update(slug for phrase, slug in self.phrases if phrase in line)
        return frozenset(themes)

    def match(self, tags: Iterable[str], title: str = "") -> set[str]:
        """The theme slugs matched by any tag or by the title."""
        themes: set[str] = set()
        for tag in tags:
            found = self._text_cache.get(tag)
            if found is None:
                if len(self._text_cache) > 200_000:
                    self._text_cache.clear()
                found = self._text_cache[tag] = self._themes_of_text(tag)
            themes |= found
        if title:
            themes |= self._themes_of_text(title)
        return themes


@lru_cache(maxsize=1)
def default_matcher() -> ThemeMatcher:
    return ThemeMatcher.from_file()
