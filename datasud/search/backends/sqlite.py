"""SQLite FTS5 backend, for the embedded database.

FTS5 has no French stemmer, so the text is stemmed in Python (`datasud.search.text`, the
Snowball algorithm PostgreSQL uses) before it is stored, and so is every query. The table
`search_dataset_fts` (see the search app's migrations) has one column per weighted field,
holding stems, plus `words`: the unstemmed, unaccented words of the short fields, so that
a prefix still matches when the typed start of a word is longer than the word's stem.
"""
from __future__ import annotations

import sqlite3

from ..documents import Document
from ..stopwords import STOPWORDS
from ..text import Slot, Terms, stem, words
from .base import SQL, SearchBackend

TABLE = "search_dataset_fts"
COLUMNS = ("title", "tags", "description", "organisation", "words")
# bm25() weights, in the order of COLUMNS: title above tags above description above the
# producer's name; the unstemmed words only break ties between prefix matches.
WEIGHTS = (10.0, 5.0, 2.0, 1.0, 0.2)
STEMMED = "{title tags description organisation}"
# Added to the score of the datasets that have the words as typed: they come before those
# found through synonyms only (see `synonyms`); bm25 scores are far below it.
EXACT_FIRST = 1_000_000.0


def _stemmed(field_words: list[str]) -> str:
    return " ".join(stem(w) for w in field_words if w not in STOPWORDS)


def _row(document: Document) -> tuple:
    fields = [words(document.title), words(document.tags), words(document.description),
              words(document.organisation)]
    return (document.id, *(_stemmed(f) for f in fields), document.prefix_words())


def _phrase(token: str, prefix: bool = False) -> str:
    # Tokens are alphanumeric (see text.words) so they cannot close the quotes; quoting
    # still matters, for words such as AND, OR, NOT or NEAR would otherwise be operators.
    return f'"{token}"' + (" *" if prefix else "")


def match_expression(terms: Terms, any_word: bool = False) -> str:
    """The FTS5 MATCH string for `terms`, e.g. `{title ...} : "transport" AND (...)`."""
    if terms.synonyms:
        return (" OR " if any_word else " AND ").join(_slot(slot) for slot in terms.slots())
    parts = [f"{STEMMED} : {_phrase(stem(w))}" for w in terms.required]
    if terms.prefix:
        parts.append(_prefix(terms.prefix))
    return (" OR " if any_word else " AND ").join(parts)


def _prefix(word: str) -> str:
    options = [f"{{words}} : {_phrase(word, prefix=True)}"]
    if word not in STOPWORDS:
        options.insert(0, f"{STEMMED} : {_phrase(stem(word), prefix=True)}")
    return "(" + " OR ".join(options) + ")"


def _slot(slot: Slot) -> str:
    """A slot of an expanded query: its words as typed, or one of its alternatives (each a
    phrase of stems, stop words left out as in the index)."""
    *head, last = slot.words
    typed = [f"{STEMMED} : {_phrase(stem(w))}" for w in head]
    typed.append(_prefix(last) if slot.prefix else f"{STEMMED} : {_phrase(stem(last))}")
    options = ["(" + " AND ".join(typed) + ")"]
    for alternative in slot.alternatives:
        stems = [stem(w) for w in alternative if w not in STOPWORDS]
        if stems:
            options.append(f"{STEMMED} : {_phrase(' '.join(stems))}")
    return "(" + " OR ".join(options) + ")" if len(options) > 1 else options[0]


# The index on the catalogue's visibility columns (see the search app's migration 0003).
VISIBILITY_INDEX = "search_dataset_visibility"
DATASETS = '"catalog_dataset"'


class SQLiteBackend(SearchBackend):
    # MATERIALIZED hints exist since SQLite 3.35; older versions plan CTEs themselves.
    materialized = "MATERIALIZED" if sqlite3.sqlite_version_info >= (3, 35, 0) else ""
    index_filters_pages = True
    _has_visibility_index: bool | None = None

    def listing(self, sql: str) -> str:
        # The rules of a signed-in member ("published and not private, or of my
        # organisations") are an OR, which SQLite answers by collecting row ids from two
        # indexes, then reading each dataset's row, wide with its description, to check it
        # again: a scan of the visibility index, which holds every column the rules and
        # facets read, costs a fraction of that.
        if SQLiteBackend._has_visibility_index is None:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' "
                               "AND name = %s", [VISIBILITY_INDEX])
                SQLiteBackend._has_visibility_index = cursor.fetchone() is not None
        if not SQLiteBackend._has_visibility_index:
            return sql
        return sql.replace(f"FROM {DATASETS} WHERE",
                           f"FROM {DATASETS} INDEXED BY {VISIBILITY_INDEX} WHERE", 1)

    def index(self, documents: list[Document]) -> None:
        if not documents:
            return
        rows = [_row(d) for d in documents]
        with self.connection.cursor() as cursor:
            self._delete(cursor, [d.id for d in documents])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})",
                rows,
            )

    def delete(self, dataset_ids: list[int]) -> None:
        with self.connection.cursor() as cursor:
            self._delete(cursor, dataset_ids)

    def _delete(self, cursor, dataset_ids: list[int]) -> None:
        if dataset_ids:
            placeholders = ", ".join(["%s"] * len(dataset_ids))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({placeholders})",
                           list(dataset_ids))

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def optimize(self) -> None:
        # Merges the index's b-trees into one: fewer pages to read per query.
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")

    def matches(self, terms: Terms, any_word: bool = False) -> SQL:
        return (f"SELECT rowid AS id FROM {TABLE} WHERE {TABLE} MATCH %s",
                [match_expression(terms, any_word)])

    def ranked_matches(self, terms: Terms, any_word: bool = False) -> SQL:
        weights = ", ".join(str(w) for w in WEIGHTS)
        if not terms.synonyms:
            return (f"SELECT rowid AS id, -bm25({TABLE}, {weights}) AS score "
                    f"FROM {TABLE} WHERE {TABLE} MATCH %s",
                    [match_expression(terms, any_word)])
        # Datasets with the words as typed, whole (see `Terms.whole`), first; each group
        # ranked by the score of the expanded query (the set of the former is listed once
        # by FTS5, then probed per match).
        return (f"SELECT rowid AS id, -bm25({TABLE}, {weights}) + (CASE WHEN rowid IN "
                f"(SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s) THEN {EXACT_FIRST} "
                f"ELSE 0.0 END) AS score FROM {TABLE} WHERE {TABLE} MATCH %s",
                [match_expression(terms.whole(), any_word), match_expression(terms, any_word)])
