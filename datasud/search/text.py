"""Turning French text into search terms, the same way at index time and at query time.

Words are lower-cased, stripped of their accents (so "vélo" and "velo" meet) and cut on
anything that is not a letter or a digit; nothing typed by a user ever reaches a backend
except as these plain alphanumeric words, which is what makes hostile queries harmless.
Stems come from the Snowball French algorithm, the one PostgreSQL's `french` configuration
uses, so both backends agree on what "transports" and "transport" have in common.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

import snowballstemmer

from .stopwords import STOPWORDS

# The "Combining Diacritical Marks" blocks: what NFKD splits off accented letters.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Ligatures that NFKD leaves whole but people type as two letters.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_WORD = re.compile(r"[^\W_]+")
# Longest query we take apart: enough for any real search, short enough to stay cheap.
MAX_QUERY_WORDS = 16
MAX_QUERY_LENGTH = 300

# A Snowball stemmer keeps the word it works on in itself: one per thread.
_local = threading.local()
# The vocabulary of a catalogue is small next to its text: caching stems makes indexing
# 60,000 datasets a matter of dictionary look-ups rather than millions of stemmer calls.
_stems: dict[str, str] = {}


def unaccent(text: str) -> str:
    """`text` lower-cased (case-folded) and without accents: "Élévation" -> "elevation"."""
    text = text.casefold()
    if not text.isascii():
        # NFKD spells some symbols with capitals ("№" -> "No", "Ǽ" -> "Æ" + accent): fold
        # once more, or the words of such text would change when normalised again.
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()
    return text.translate(_LIGATURES)


def words(text: str) -> list[str]:
    """The unaccented, lower-case words of `text`, in order, stop words included."""
    return _WORD.findall(unaccent(text or ""))


def stem(word: str) -> str:
    """The French stem of an unaccented, lower-case word ("cyclables" -> "cyclabl")."""
    found = _stems.get(word)
    if found is None:
        if len(_stems) > 500_000:  # a bound, in case something feeds us random strings
            _stems.clear()
        stemmer = getattr(_local, "stemmer", None)
        if stemmer is None:
            stemmer = _local.stemmer = snowballstemmer.stemmer("french")
        found = _stems[word] = stemmer.stemWord(word)
    return found


def plural(word: str) -> str | None:
    """`word` + "s" if its stem differs from the word's (Snowball keeps the "s" of words
    ending in a vowel: "velos" is not "velo"), else None."""
    if word and word[-1] in "aeiouy" and stem(word + "s") != stem(word):
        return word + "s"
    return None


@dataclass(frozen=True)
class Synonym:
    """Words of a query (`words`, in the query's order, the prefix included if it is one of
    them) that a dataset may contain, or instead any of `alternatives` (each a run of words,
    matched as a phrase), from the synonym table (see `synonyms`)."""

    words: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Slot:
    """One condition of a query: its `words` all (the last as a prefix if `prefix`), or one
    of the `alternatives` phrases."""

    words: tuple[str, ...]
    prefix: bool = False
    alternatives: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Terms:
    """A parsed full-text query.

    `required` are whole words (not stop words) the datasets must contain, in stemmed form
    through the backend; `prefix` is the last word, matched as the start of a word because
    people type their query from left to right ("transp" must find "transports"), or "".
    `synonyms` (empty unless the query was expanded, see `synonyms.expand`) let some of
    these words be replaced by other words meaning the same.
    """

    required: tuple[str, ...] = ()
    prefix: str = ""
    synonyms: tuple[Synonym, ...] = ()

    def plain(self) -> Terms:
        """The same words, without synonyms (what the user typed)."""
        return Terms(required=self.required, prefix=self.prefix)

    def whole(self) -> Terms:
        """The words typed, all whole: the last one is no longer a prefix ("plu" is not
        "pluvial"), each also in the plural (see `plural`). What "the words as typed"
        means when ranking them first."""
        last = [self.prefix] if self.prefix and self.prefix not in STOPWORDS else []
        required = tuple(dict.fromkeys((*self.required, *last)))
        plurals = tuple(Synonym((word,), ((plural(word),),)) for word in required
                        if plural(word))
        return Terms(required=required, synonyms=plurals)

    def slots(self) -> list[Slot]:
        """The conditions a dataset must meet, in the query's order: one per word, or per
        run of words having synonyms."""
        grouped = {word: synonym for synonym in self.synonyms for word in synonym.words}
        slots, seen = [], set()
        for word in (*self.required, *([self.prefix] if self.prefix else [])):
            synonym = grouped.get(word)
            if synonym is None:
                slots.append(Slot((word,), prefix=bool(self.prefix) and word == self.prefix
                                  and word not in self.required))
            elif id(synonym) not in seen:
                seen.add(id(synonym))
                slots.append(Slot(synonym.words, prefix=synonym.words[-1] == self.prefix
                                  and self.prefix not in self.required,
                                  alternatives=synonym.alternatives))
        return slots

    def __bool__(self) -> bool:
        return bool(self.required or self.prefix)

    @property
    def prefix_is_stopword(self) -> bool:
        # Only the unstemmed form of such a word can match: PostgreSQL drops stop words
        # from stemmed text, and the SQLite index does the same to stay in step.
        return self.prefix in STOPWORDS

    @property
    def word_count(self) -> int:
        return len(self.required) + (1 if self.prefix else 0)


def parse_query(q: str) -> Terms:
    """Split a query typed by a user into `Terms`; punctuation and operators are dropped."""
    found = words((q or "")[:MAX_QUERY_LENGTH])[:MAX_QUERY_WORDS]
    if not found:
        return Terms()
    *head, last = found
    required = []
    for word in head:
        if word not in STOPWORDS and word not in required:
            required.append(word)
    return Terms(required=tuple(required), prefix=last)
