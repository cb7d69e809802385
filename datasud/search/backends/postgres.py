"""PostgreSQL full-text backend, for production.

The table `search_dataset_document` (see the search app's migrations) holds one weighted
tsvector per dataset, under a GIN index: title A, tags B, description C, producer D, built
with the `french` configuration from text unaccented in Python (so no `unaccent` extension
is needed), plus the unstemmed words of the title, tags and producer with the `simple`
configuration, weight D, for prefix matching when the typed start of a word is longer than
its stem.
"""
from __future__ import annotations

from collections.abc import Callable

import psycopg

from ..documents import Document
from ..stopwords import STOPWORDS
from ..text import Terms, unaccent
from .base import SQL, SearchBackend

TABLE = "search_dataset_document"
DOCUMENT = (
    "setweight(to_tsvector('french', %s), 'A') || setweight(to_tsvector('french', %s), 'B')"
    " || setweight(to_tsvector('french', %s), 'C') || setweight(to_tsvector('french', %s), 'D')"
    " || setweight(to_tsvector('simple', %s), 'D')"
)
# ts_rank normalisation 1: divide by 1 + log(length), so that a long description repeating
# a word does not outrank a short dataset whose title is that word.
RANK_NORMALISATION = 1
# Added to the score of the datasets that have the words as typed: they come before those
# found through synonyms only (as on SQLite); ts_rank stays below 1.
EXACT_FIRST = 1_000_000.0


def _row(document: Document) -> tuple:
    fields = [document.title, document.tags, document.description, document.organisation]
    return (document.id, *(unaccent(f) for f in fields), document.prefix_words())


def tsquery(terms: Terms, any_word: bool = False) -> SQL:
    """A tsquery expression for `terms` and its parameters.

    The words are alphanumeric (see text.words), so they cannot carry to_tsquery operators;
    they are passed as parameters all the same.
    """
    if terms.synonyms:
        return _expanded(terms, any_word)
    parts: list[str] = []
    params: list[str] = []
    if terms.required:
        parts.append("to_tsquery('french', %s)")
        params.append((" | " if any_word else " & ").join(terms.required))
    if terms.prefix:
        part, prefix_params = _prefix(terms.prefix)
        parts.append(part)
        params.extend(prefix_params)
    return "(" + (" || " if any_word else " && ").join(parts) + ")", params


def _prefix(word: str) -> SQL:
    options = ["to_tsquery('simple', %s)"]
    params = [f"{word}:*"]
    if word not in STOPWORDS:
        options.insert(0, "to_tsquery('french', %s)")
        params.insert(0, f"{word}:*")
    return "(" + " || ".join(options) + ")", params


def _expanded(terms: Terms, any_word: bool) -> SQL:
    """`tsquery` of a query with synonyms: per slot, its words as typed, or one of its
    alternatives as a phrase (phraseto_tsquery keeps the gaps of stop words, as the
    documents' positions do)."""
    parts: list[str] = []
    params: list[str] = []
    for slot in terms.slots():
        *head, last = slot.words
        typed, typed_params = [], []
        if head or not slot.prefix:
            typed.append("to_tsquery('french', %s)")
            typed_params.append(" & ".join(slot.words if not slot.prefix else head))
        if slot.prefix:
            part, prefix_params = _prefix(last)
            typed.append(part)
            typed_params.extend(prefix_params)
        options = ["(" + " && ".join(typed) + ")"]
        for alternative in slot.alternatives:
            if any(word not in STOPWORDS for word in alternative):
                options.append("phraseto_tsquery('french', %s)")
                typed_params.append(" ".join(alternative))
        parts.append("(" + " || ".join(options) + ")")
        params.extend(typed_params)
    return "(" + (" || " if any_word else " && ").join(parts) + ")", params


class PostgresBackend(SearchBackend):
    def index(self, documents: list[Document]) -> None:
        if not documents:
            return
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (dataset_id, document) VALUES (%s, {DOCUMENT}) "
                "ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document",
                [_row(d) for d in documents],
            )

    def delete(self, dataset_ids: list[int]) -> None:
        if dataset_ids:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE dataset_id = ANY(%s)",
                               [list(dataset_ids)])

    def clear(self) -> None:
        # DELETE rather than TRUNCATE: TRUNCATE would lock searches out until the rebuild's
        # transaction commits, DELETE lets them read the old index meanwhile.
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def optimize(self) -> None:
        # Fresh statistics after a rebuild, so the planner knows when the GIN index pays
        # and how big the facet tables have become; and, outside a transaction, a fresh
        # visibility map, without which PostgreSQL reads the tables behind the facet and
        # visibility indexes instead of the indexes alone (autovacuum catches up later).
        from datasud.catalog.models import Dataset

        from ..models import DatasetFacet, FacetCount

        tables = ", ".join([TABLE] + [m._meta.db_table
                                      for m in (DatasetFacet, FacetCount, Dataset)])
        command = "ANALYZE" if self.connection.in_atomic_block else "VACUUM (ANALYZE)"
        with self.connection.cursor() as cursor:
            cursor.execute(f"{command} {tables}")

    def probe(self, sql: str) -> str:
        # PostgreSQL turns EXISTS into a semi-join and, unsure how many words match, hashes
        # every visible dataset for it (20 ms at 60,000) where a few dozen matches need one
        # primary-key probe each. OFFSET 0 keeps the subquery a per-match probe.
        return f"{sql} OFFSET 0"

    def scored_matches(self, terms: Terms, any_word: bool = False) -> SQL:
        # Scored after the visibility rules (`match_score`): ranking reads each match's
        # whole tsvector, and a broad word's matches are often half archived or private.
        return self.matches(terms, any_word)

    def match_score(self, matches: str, terms: Terms, any_word: bool = False) -> SQL:
        score, params = self._score(terms, any_word)
        return f"(SELECT {score} FROM {TABLE} WHERE dataset_id = {matches}.id)", params

    def json_rows(self, names: tuple[str, ...]) -> str:
        columns = [f"r ->> {i} AS {name}" for i, name in enumerate(names[:-1])]
        columns.append(f"CAST(r ->> {len(names) - 1} AS BIGINT) AS {names[-1]}")
        return (f"SELECT {', '.join(columns)} FROM json_array_elements(CAST(%s AS json)) "
                f"AS r")

    def visible_matches(self, matches: str, rows: str, score: str = "") -> str:
        # One primary-key probe per match, where the planner, unsure how many words match,
        # would hash the whole visibility index twice (62,000 and 36,000 rows at 60,000
        # datasets) to join a few thousand matches: 25 % of an uncached text search.
        # OFFSET 0 keeps the subquery from being pulled up into such a join.
        score = f", {score}" if score else ""
        return (f"SELECT d.id, d.organisation_id, d.licence_id{score} FROM {matches} "
                f"CROSS JOIN LATERAL ({rows} OFFSET 0) AS d(id, organisation_id, licence_id)")

    def query(self, sql: str, params: list) -> list[tuple]:
        # No JIT compilation: on a large catalogue, the planner's estimates for a broad
        # word cross `jit_above_cost`, and compiling then takes 25 ms of a 75 ms query
        # that runs for milliseconds once compiled. Turned off for this statement only
        # (SET LOCAL lasts until the end of the transaction, implicit here, or is undone).
        # A statement matching text reads the GIN index, never every document: the planner
        # prices `@@` as a cheap operator and, for a query expanded with synonyms (an OR of
        # a dozen terms and phrases), would rather test each tsvector (read, some large,
        # from TOAST): 11 to 17 ms on the demo catalogue instead of 1 to 3.
        settings = ["jit"] + (["enable_seqscan"] if f" {TABLE} " in sql else [])
        with self.connection.cursor() as cursor:
            if not isinstance(cursor.cursor, psycopg.ClientCursor):
                return super().query(sql, params)
            cursor.execute(
                "".join(f"SET LOCAL {name} = off; " for name in settings)
                + f"{sql}; "
                + "; ".join(f"SET LOCAL {name} TO DEFAULT" for name in settings),
                params,
            )
            for _ in settings:
                cursor.nextset()
            return cursor.fetchall()

    def fetch_all(self, statements: list[SQL]) -> list[list[tuple]]:
        # A page's related rows in one round trip, which costs more than reading them:
        # with client-side parameter binding (Django's default), psycopg sends several
        # statements at once and returns one result set each.
        with self.connection.cursor() as cursor:
            if len(statements) < 2 or not isinstance(cursor.cursor, psycopg.ClientCursor):
                return super().fetch_all(statements)
            cursor.execute("; ".join(sql for sql, _ in statements),
                           [param for _, params in statements for param in params])
            results = [cursor.fetchall()]
            while cursor.nextset():
                results.append(cursor.fetchall())
        return results

    def matches(self, terms: Terms, any_word: bool = False) -> SQL:
        query, params = tsquery(terms, any_word)
        return f"SELECT dataset_id AS id FROM {TABLE} WHERE document @@ {query}", params

    def ranked_visible(self, terms: Terms, any_word: bool,
                       allowed: Callable[[str], SQL]) -> SQL:
        # Ranking reads each match's whole tsvector: only the matches one may see are
        # ranked (often a fraction of them, archived datasets being left out).
        query, params = tsquery(terms, any_word)
        check, check_params = allowed(f"{TABLE}.dataset_id")
        score, score_params = self._score(terms, any_word)
        return (f"SELECT dataset_id AS id, {score} "
                f"AS score FROM {TABLE} WHERE document @@ {query} AND EXISTS ({check})",
                score_params + params + check_params)

    def _score(self, terms: Terms, any_word: bool) -> SQL:
        query, params = tsquery(terms, any_word)
        score = f"ts_rank(document, {query}, {RANK_NORMALISATION})"
        if not terms.synonyms:
            return score, params
        # Datasets with the words as typed, whole (see `Terms.whole`), first; each group
        # ranked by the score of the expanded query (see `synonyms`).
        typed, typed_params = tsquery(terms.whole(), any_word)
        return (f"{score} + (CASE WHEN document @@ {typed} THEN {EXACT_FIRST} ELSE 0.0 END)",
                params + typed_params)

    def ranked_matches(self, terms: Terms, any_word: bool = False) -> SQL:
        query, params = tsquery(terms, any_word)
        score, score_params = self._score(terms, any_word)
        return (f"SELECT dataset_id AS id, {score} AS score FROM {TABLE} "
                f"WHERE document @@ {query}", score_params + params)
