"""Typo tolerance: the vocabulary of the indexed datasets, and corrections chosen from it.

    suggest("pistes cyclabels", parse_query("pistes cyclabels"))
    -> Suggestion(q="pistes cyclables", unknown=True)

The vocabulary is the `Term` table (every word of the titles, tags, descriptions and
producers of the public datasets, with their number), written by the indexer (`record`, `rebuild`)
and read once per process, again after the index changed (at most once a minute for a big
catalogue). A word of a query is left alone if the catalogue or the synonym table has it,
or a word of the same stem ("cyclables" when only "cyclable" is indexed), or, for the last
word, typed left to right, a word starting with it; and if it is short (acronyms), or has
digits (codes, years). An unknown word is replaced by the closest known word: at most one
edit (letter added, removed, changed, two letters swapped) for words up to 5 letters, two
beyond, the most frequent word among the closest. Candidates come from an index of the
words' trigrams, built on the first correction, and are then checked by edit distance.
A suggestion is only shown if the corrected query finds datasets the user may see (see
`services.search_datasets`): words of datasets since made private stay in the table until
the next rebuild, and must not show through.
"""

from __future__ import annotations

import re
import threading
import time
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from . import cache
from .documents import PUBLIC, PUBLIC_ARCHIVED, Document
from .models import IndexState, Term, new_token
from .stopwords import STOPWORDS
from .synonyms import table as synonym_table
from .text import Terms, stem, unaccent

# Shorter words are never corrected: acronyms (PLU, EPCI, IRVE) and codes are legion.
MIN_LENGTH = 4
MAX_WORD_LENGTH = 40
# A vocabulary of more words than this is reloaded at most every RELOAD_SECONDS.
LARGE_VOCABULARY = 20_000
RELOAD_SECONDS = 60
# Words of a single dataset are candidates only in small catalogues: in big ones they are
# mostly typos and codes of descriptions, and would make the trigram index large.
RARE = 1
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Suggestion:
    """`q` with its misspelt words replaced; `unknown`: some word is in no dataset (else
    the replaced words are only rare next to a frequent neighbour)."""

    q: str
    unknown: bool


def document_words(document: Document) -> dict[str, str]:
    """The vocabulary words of a dataset: unaccented word -> the word as written (the
    first spelling with accents, else the word itself). None for drafts and private
    datasets: a suggestion must never reveal a word that only they contain."""
    found: dict[str, str] = {}
    if document.scope not in (PUBLIC, PUBLIC_ARCHIVED):
        return found
    text = " ".join(
        (document.title, document.tags, document.description, document.organisation)
    ).casefold()
    for token in _TOKEN.findall(text):
        word = unaccent(token)
        if (
            len(word) < 2
            or len(word) > MAX_WORD_LENGTH
            or word in STOPWORDS
            or any(c.isdigit() for c in word)
        ):
            continue
        if word not in found or (found[word] == word and token != word):
            found[word] = token[:MAX_WORD_LENGTH]
    return found


def _rows(counts: dict[str, int], labels: dict[str, str]) -> list[tuple]:
    return [(word, labels[word] if labels[word] != word else "", n) for word, n in counts.items()]


def record(documents: list[Document]) -> None:
    """Add the words of newly indexed documents to the vocabulary (counts of known words
    are left as they are: see `Term`). Only if some word is new is the vocabulary's token
    replaced, which makes web processes read it again (most edits bring no new word)."""
    labels: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for document in documents:
        for word, label in document_words(document).items():
            labels.setdefault(word, label)
            counts[word] += 1
    if not counts:
        return
    table = connection.ops.quote_name(Term._meta.db_table)
    words = list(counts)
    with connection.cursor() as cursor:
        for start in range(0, len(words), 500):
            chunk = words[start : start + 500]
            cursor.execute(
                f"SELECT word FROM {table} WHERE word IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            for (word,) in cursor.fetchall():
                del counts[word]
        if not counts:
            return
        cursor.executemany(
            f"INSERT INTO {table} (word, label, documents) "
            f"VALUES (%s, %s, %s) ON CONFLICT (word) DO NOTHING",
            _rows(counts, labels),
        )
    _renew_vocabulary_token()


def _renew_vocabulary_token() -> None:
    # Without the index's state row, the indexer creates it next, with a fresh token.
    IndexState.objects.filter(pk=1).update(vocabulary=new_token())


class Rebuild:
    """The vocabulary counted from every document of a rebuild, written at its end."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.labels: dict[str, str] = {}

    def add(self, documents: Iterable[Document]) -> None:
        for document in documents:
            for word, label in document_words(document).items():
                self.counts[word] += 1
                if self.labels.get(word, word) == word:
                    self.labels[word] = label

    def write(self) -> None:
        Term.objects.all().delete()
        table = connection.ops.quote_name(Term._meta.db_table)
        rows = _rows(self.counts, self.labels)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 5000):
                cursor.executemany(
                    f"INSERT INTO {table} (word, label, documents) VALUES (%s, %s, %s)",
                    rows[start : start + 5000],
                )
        _renew_vocabulary_token()


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance of `a` and `b` (insertions, deletions, substitutions, transpositions
    of neighbours), or `limit + 1` as soon as it is sure to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


class Vocabulary:
    """The indexed words and their number of datasets, with the look-ups of `suggest`."""

    def __init__(self, rows: Iterable[tuple[str, str, int]]):
        self.counts: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        for word, label, documents in rows:
            self.counts[word] = documents
            if label:
                self.labels[word] = label
        self._lock = threading.Lock()
        self._sorted: list[str] | None = None
        self._candidates: list[str] | None = None
        self._grams: dict[str, array] | None = None

    def __len__(self) -> int:
        return len(self.counts)

    def sorted_words(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.counts)
        return self._sorted

    def _starting_with(self, start: str, limit: int) -> list[str]:
        words = self.sorted_words()
        found = []
        for word in words[bisect_left(words, start) :]:
            if not word.startswith(start) or len(found) >= limit:
                break
            found.append(word)
        return found

    def known(self, word: str, prefix: bool = False) -> bool:
        """True if datasets have `word`, a word of the same stem, or (`prefix`) a word
        starting with it."""
        if word in self.counts:
            return True
        if prefix and self._starting_with(word, 1):
            return True
        # French stems are, nearly always, the start of their words.
        root = stem(word)
        return any(stem(other) == root for other in self._starting_with(root, 200))

    def _candidate(self, word: str, small: bool) -> bool:
        return len(word) >= 3 and (small or self.counts[word] > RARE)

    def _index(self) -> tuple[list[str], dict[str, array]]:
        with self._lock:
            if self._grams is None:
                small = len(self.counts) <= LARGE_VOCABULARY
                candidates = [word for word in self.counts if self._candidate(word, small)]
                candidates += sorted(
                    w for w in synonym_table().words if len(w) >= 3 and w not in self.counts
                )
                grams: dict[str, array] = {}
                for position, word in enumerate(candidates):
                    for gram in _trigrams(word):
                        grams.setdefault(gram, array("I")).append(position)
                self._candidates, self._grams = candidates, grams
            return self._candidates, self._grams

    def extending(self, former: Vocabulary) -> None:
        """Take over the look-up index of `former` (built on a first correction: 75-150 ms
        for the demo catalogue) if this vocabulary only adds words to it, as the indexer
        does between rebuilds, adding the new words to it; else it is built again when
        needed."""
        with former._lock:
            candidates, grams = former._candidates, former._grams
        if grams is None or candidates is None:
            return
        small = len(self.counts) <= LARGE_VOCABULARY
        if small != (len(former.counts) <= LARGE_VOCABULARY) or any(
            self.counts.get(word) != n for word, n in former.counts.items()
        ):
            return
        known = set(candidates)
        added = [
            word
            for word in self.counts
            if word not in former.counts and word not in known and self._candidate(word, small)
        ]
        # The former vocabulary's arrays may be read meanwhile: those that change are copied.
        grams = dict(grams)
        candidates = list(candidates)
        copied: set[str] = set()
        for word in added:
            position = len(candidates)
            candidates.append(word)
            for gram in _trigrams(word):
                if gram not in copied:
                    grams[gram] = array("I", grams.get(gram, ()))
                    copied.add(gram)
                grams[gram].append(position)
        with self._lock:
            self._candidates, self._grams = candidates, grams

    def closest(self, word: str, rare_only: bool = False) -> str | None:
        """The known word closest to `word` (fewest edits, then most datasets), or None.
        `rare_only`: `word` is known but rare, only a much more frequent word one edit
        away will do."""
        limit = 1 if rare_only or len(word) <= 5 else 2
        candidates, grams = self._index()
        wanted = _trigrams(word)
        shared: Counter[int] = Counter()
        for gram in wanted:
            shared.update(grams.get(gram, ()))
        needed = max(1, len(wanted) - 3 * limit)
        best: tuple[int, int, str] | None = None
        for position, count in shared.items():
            if count < needed:
                continue
            other = candidates[position]
            if other == word:
                continue
            edits = distance(word, other, limit)
            if edits > limit:
                continue
            key = (edits, -self.counts.get(other, 0), other)
            if best is None or key < best:
                best = key
        if best is None:
            return None
        if rare_only and -best[1] < 20 * max(1, self.counts.get(word, 0)):
            return None
        return best[2]


_state: dict[str, object] = {"token": None, "words": None, "loaded": 0.0, "vocabulary": None}
_state_lock = threading.Lock()


def _vocabulary_token() -> str | None:
    table = connection.ops.quote_name(IndexState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT vocabulary FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def vocabulary(token: str | None = None) -> Vocabulary:
    """The vocabulary of the index, as loaded by this process until the index has changed
    (`token`: the index's token if the caller has read it, see `cache`); then its own
    token (`IndexState.vocabulary`) is read, and the words only if they changed (at most
    once a minute for a big vocabulary). The look-ups built from the former words are
    kept when words were only added (see `Vocabulary.extending`)."""
    token = token or cache.current_token()
    with _state_lock:
        current = _state["vocabulary"]
        if current is not None and _state["token"] == token:
            return current
        words = _vocabulary_token()
        if current is not None and (
            _state["words"] == words
            or (
                len(current) > LARGE_VOCABULARY
                and time.monotonic() - _state["loaded"] < RELOAD_SECONDS
            )
        ):
            if _state["words"] == words:
                _state["token"] = token
            return current
        loaded = Vocabulary(
            Term.objects.values_list("word", "label", "documents").iterator(chunk_size=10_000)
        )
        if current is not None:
            loaded.extending(current)
        _state.update(token=token, words=words, loaded=time.monotonic(), vocabulary=loaded)
        return loaded


def suggest(q: str, terms: Terms, token: str | None = None) -> Suggestion | None:
    """A correction of the query `q` (parsed as `terms`), or None if it needs none
    (`token`: the index's, if the caller has read it)."""
    if not terms:
        return None
    known_elsewhere = synonym_table().words
    last = terms.prefix
    checked = [
        word
        for word in dict.fromkeys((*terms.required, *([last] if last else [])))
        if len(word) >= MIN_LENGTH
        and word not in STOPWORDS
        and word not in known_elsewhere
        and not any(c.isdigit() for c in word)
    ]
    if not checked:
        return None
    found = vocabulary(token)
    replacements: dict[str, str] = {}
    unknown = False
    for word in checked:
        if found.known(word, prefix=word == last):
            # A word of a single dataset next to a frequent one: a typo in that dataset,
            # likely, offered as "did you mean" (not when known by its stem or start).
            if len(word) > 5 and 0 < found.counts.get(word, 0) <= RARE:
                better = found.closest(word, rare_only=True)
                if better:
                    replacements[word] = better
            continue
        better = found.closest(word)
        if better:
            replacements[word] = better
            unknown = True
    if not replacements:
        return None

    def replace(match: re.Match) -> str:
        word = unaccent(match.group())
        if word not in replacements:
            return match.group()
        return found.labels.get(replacements[word], replacements[word])

    return Suggestion(q=_TOKEN.sub(replace, q), unknown=unknown)
