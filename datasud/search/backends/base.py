"""The one small interface every full-text backend implements.

A backend owns its index table (created by the search app's migrations) and knows two
things: how to write documents into it, and how to turn parsed `Terms` into SQL that
selects the matching dataset ids. Everything else (visibility, filters, facets, sorting,
pagination) is plain SQL over the catalogue tables, shared by all backends in
`datasud.search.services`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from ..documents import Document
from ..text import Terms

SQL = tuple[str, list]


class SearchBackend(ABC):
    #: Keyword that makes the database compute a common table expression once, for CTEs
    #: read by several parts of a query (empty where it is implicit or unsupported).
    materialized = "MATERIALIZED"

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

    def listing(self, sql: str) -> str:
        """`sql`, a query listing datasets by the visibility rules and filters, rewritten
        where the database needs a hint to read them from the visibility index alone."""
        return sql

    @abstractmethod
    def ranked_matches(self, terms: Terms, any_word: bool = False) -> SQL:
        """Like `matches`, plus a column `score`: the higher, the more relevant."""
