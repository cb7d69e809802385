"""The one small interface every full-text backend implements.

A backend owns its index table (created by the search app's migrations) and knows two
things: how to write documents into it, and how to turn parsed `Terms` into SQL that
selects the matching dataset ids. Everything else (visibility, filters, facets, sorting,
pagination) is plain SQL over the catalogue tables, shared by all backends in
`datasud.search.services`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from ..documents import Document
from ..text import Terms

SQL = tuple[str, list]


class SearchBackend(ABC):
    #: Keyword that makes the database compute a common table expression once, for CTEs
    #: read by several parts of a query (empty where it is implicit or unsupported).
    materialized = "MATERIALIZED"
    #: Whether a sorted page of sparsely filtered datasets (no text) reads its filters as
    #: the ids of the index's ranges (`filters.indexed_ids_sql`) rather than from the
    #: catalogue's links: faster on SQLite (no list of a theme's 13,000 ids to build),
    #: slower on PostgreSQL, which cannot tell how many datasets one facet value has there
    #: (its statistics mix the values of all facets) and sorts them all. Dense filters are
    #: probed per dataset on both (see `_Search._indexed_filters`).
    index_filters_pages = False

    def __init__(self, connection):
        self.connection = connection

    @abstractmethod
    def index(self, documents: list[Document]) -> None:
        """Insert the documents, replacing any earlier version of the same datasets."""

    @abstractmethod
    def delete(self, dataset_ids: list[int]) -> None:
        """Remove these datasets from the index (unknown ids are ignored)."""

    @abstractmethod
    def clear(self) -> None:
        """Empty the index, without blocking readers until the transaction commits."""

    def optimize(self) -> None:
        """Compact the index after a rebuild, where the backend benefits from it."""
        return None

    @abstractmethod
    def matches(self, terms: Terms, any_word: bool = False) -> SQL:
        """SQL and parameters selecting the column `id` of the datasets matching `terms`.

        All words must match unless `any_word`; the SQL must stay valid whatever the terms
        (they are plain alphanumeric words, see `datasud.search.text`).
        """

    def probe(self, sql: str) -> str:
        """`sql`, a subquery checking one match against the visibility rules and filters
        (`EXISTS (...)`), rewritten where the database must be kept from turning it into a
        join over every visible dataset."""
        return sql

    def scored_matches(self, terms: Terms, any_word: bool = False) -> SQL:
        """The matches of a search whose datasets are listed with their scores (see
        `match_score`): here `ranked_matches`, all scored in the text index's pass."""
        return self.ranked_matches(terms, any_word)

    def match_score(self, matches: str, terms: Terms, any_word: bool = False) -> SQL:
        """SQL of the score of the match `{matches}.id`, `matches` being the CTE of
        `scored_matches`."""
        return f"{matches}.score", []

    def visible_matches(self, matches: str, rows: str, score: str = "") -> str:
        """SQL listing (id, organisation_id, licence_id) of the datasets of the CTE
        `matches` (column id) that `rows` lets through: a query of those columns of the
        catalogue, with the visibility rules and filters, for the dataset whose id is in
        `{matches}.id`. Given `score` (see `match_score`, its parameters come before
        those of `rows`), a fourth column."""
        from datasud.catalog.models import Dataset

        score = f", {score}" if score else ""
        return (f"SELECT d.id, d.organisation_id, d.licence_id{score} FROM {matches} "
                f"JOIN {Dataset._meta.db_table} d ON d.id = {matches}.id "
                f"WHERE EXISTS ({rows})")

    def listing(self, sql: str) -> str:
        """`sql`, a query listing datasets by the visibility rules and filters, rewritten
        where the database needs a hint to read them from the visibility index alone."""
        return sql

    @abstractmethod
    def ranked_matches(self, terms: Terms, any_word: bool = False) -> SQL:
        """Like `matches`, plus a column `score`: the higher, the more relevant."""

    def ranked_visible(self, terms: Terms, any_word: bool,
                       allowed: Callable[[str], SQL]) -> SQL:
        """Like `ranked_matches`, of the matches `allowed(id_column)` (SQL for
        `EXISTS (...)`, checking the dataset whose id is in `id_column`) lets through."""
        ranked, params = self.ranked_matches(terms, any_word)
        check, check_params = allowed("search_ranked.id")
        # The CTE keeps SQLite from pushing the check into the FTS5 scan as a rowid
        # constraint, which would run the text match once per visible dataset.
        return (f"WITH search_ranked AS {self.materialized} ({ranked}) SELECT id, score "
                f"FROM search_ranked WHERE EXISTS ({check})", params + check_params)

    def json_rows(self, names: tuple[str, ...]) -> str:
        """SQL of the rows of a JSON array of arrays given as one parameter, in columns
        `names`, the last one an integer (SQLite's JSON1 here)."""
        columns = [f"json_extract(value, '$[{i}]') AS {name}" for i, name in enumerate(names)]
        return f"SELECT {', '.join(columns)} FROM json_each(%s)"

    def query(self, sql: str, params: list) -> list[tuple]:
        """The rows of the search statement `sql` (a SELECT)."""
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def fetch_all(self, statements: list[SQL]) -> list[list[tuple]]:
        """The rows of each SELECT of `statements`, in order: one by one here, in fewer
        round trips where the database allows it."""
        results = []
        with self.connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
        return results
