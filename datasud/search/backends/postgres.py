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


def _row(document: Document) -> tuple:
    fields = [document.title, document.tags, document.description, document.organisation]
    return (document.id, *(unaccent(f) for f in fields), document.prefix_words())


def tsquery(terms: Terms, any_word: bool = False) -> SQL:
    """A tsquery expression for `terms` and its parameters.

    The words are alphanumeric (see text.words), so they cannot carry to_tsquery operators;
    they are passed as parameters all the same.
    """
    parts: list[str] = []
    params: list[str] = []
    if terms.required:
        parts.append("to_tsquery('french', %s)")
        params.append((" | " if any_word else " & ").join(terms.required))
    if terms.prefix:
        options = ["to_tsquery('simple', %s)"]
        params_prefix = [f"{terms.prefix}:*"]
        if not terms.prefix_is_stopword:
            options.insert(0, "to_tsquery('french', %s)")
            params_prefix.insert(0, f"{terms.prefix}:*")
        parts.append("(" + " || ".join(options) + ")")
        params.extend(params_prefix)
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

    def query(self, sql: str, params: list) -> list[tuple]:
        # No JIT compilation: on a large catalogue, the planner's estimates for a broad
        # word cross `jit_above_cost`, and compiling then takes 25 ms of a 75 ms query
        # that runs for milliseconds once compiled. Turned off for this statement only
        # (SET LOCAL lasts until the end of the transaction, implicit here, or is undone).
        with self.connection.cursor() as cursor:
            if not isinstance(cursor.cursor, psycopg.ClientCursor):
                return super().query(sql, params)
            cursor.execute(f"SET LOCAL jit = off; {sql}; SET LOCAL jit TO DEFAULT", params)
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
        return (f"SELECT dataset_id AS id, ts_rank(document, {query}, {RANK_NORMALISATION}) "
                f"AS score FROM {TABLE} WHERE document @@ {query} AND EXISTS ({check})",
                params + params + check_params)

    def ranked_matches(self, terms: Terms, any_word: bool = False) -> SQL:
        query, params = tsquery(terms, any_word)
        return (f"SELECT dataset_id AS id, ts_rank(document, {query}, {RANK_NORMALISATION})"
                f" AS score FROM {TABLE} WHERE document @@ {query}", params + params)
