"""Dataset search: full text, facets, sort and pagination, for pages and API alike.

    result = search_datasets(request.user, SearchQuery(q="vélo", themes=["mobilite"]))

Only datasets visible to the user (`Dataset.objects.visible_to`) are ever counted or
returned. The text match is the backend's (SQLite FTS5 or PostgreSQL, see `backends`);
everything else is SQL over the catalogue shared by both. A search costs one statement for
the total and all facets (cached for anonymous users, see `cache`), one for the page, and
one per prefetched relation of the page.
"""
from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from datasud.catalog.models import Dataset, Resource

from . import cache
from . import facets as facet_counts
from .backends import SearchBackend, get_backend
from .filters import filter_datasets
from .query import DEFAULT_SORT, FACETS, SORTS, FacetValue, SearchQuery, SearchResult
from .text import Terms, parse_query

__all__ = ["FACETS", "SORTS", "FacetValue", "SearchQuery", "SearchResult", "search_datasets"]

# Related rows that pages and the API show with each dataset, one query per relation.
PAGE_SELECT_RELATED = ("organisation", "licence")
# Name of the common table expression holding the text matches.
MATCHES = "search_matches"


def _page_prefetches() -> tuple:
    # Lists show the formats of the resources, nothing else of them: loading only those
    # columns (and not ordering by dataset, which would join the datasets again) matters
    # for datasets with hundreds of files.
    resources = Resource.objects.only("id", "dataset_id", "format", "position", "title")
    return ("themes", "tags", Prefetch("resources", queryset=resources.order_by("position", "id")))


def search_datasets(user, query: SearchQuery, facet_limit: int = 10) -> SearchResult:
    """Search the datasets `user` may see.

    `query.q` is matched word by word: all the words, the last one as a prefix; if no
    visible dataset has them all, any of them, and the result says `relaxed`. Archived
    datasets are left out unless `query.include_archived`. Filters combine with AND between
    facets and OR within one. Facets count, over the matching datasets, the `facet_limit`
    most frequent values of each facet, plus the selected ones; a facet's counts ignore
    its own selection, so that its other values show what ticking them too would add.
    `facet_limit=0` skips facets. A page past the end is empty, not an error.
    """
    query = query.normalised()
    search = _Search(user, query, parse_query(query.q), get_backend())
    signature = repr((query.q, sorted(query.selected().items()), query.include_archived,
                      facet_limit))
    total, facets, relaxed = cache.cached(user, signature, lambda: search.count(facet_limit))
    search.any_word = relaxed
    sort = query.sort
    if sort == "relevance" and not search.terms:
        sort = DEFAULT_SORT
    offset = (query.page - 1) * query.page_size
    datasets = search.page(sort, offset, query.page_size) if offset < total else []
    return SearchResult(datasets=datasets, total=total, page=query.page,
                        page_size=query.page_size, facets=facets, sort=sort, relaxed=relaxed)


class _Search:
    """One search's SQL: the text match, the visible and filtered datasets, their page."""

    def __init__(self, user, query: SearchQuery, terms: Terms, backend: SearchBackend):
        self.user = user
        self.query = query
        self.terms = terms
        self.backend = backend
        self.any_word = False
        self._datasets: dict[str | None, QuerySet] = {}

    def datasets(self, skip_facet: str | None = None) -> QuerySet:
        """Visible datasets matching the filters (not the text), but `skip_facet`'s."""
        if skip_facet not in self._datasets:
            visible = Dataset.objects.visible_to(self.user)
            if not self.query.include_archived:
                visible = visible.active()
            self._datasets[skip_facet] = filter_datasets(visible, self.query,
                                                         skip=skip_facet).order_by()
        return self._datasets[skip_facet]

    def count(self, facet_limit: int) -> tuple[int, dict[str, list[FacetValue]], bool]:
        """Total, facets and whether any word had to do instead of all of them."""
        total, facets = self._count(facet_limit)
        if total == 0 and self.terms.word_count > 1:
            self.any_word = True
            total, facets = self._count(facet_limit)
        return total, facets, self.any_word

    def _count(self, facet_limit: int) -> tuple[int, dict[str, list[FacetValue]]]:
        # The matching datasets go into CTEs that the facets read, so the text match and
        # the visibility rules run once: `base`, with every filter, for the total and most
        # facets; `base_<facet>`, without that facet's own filter, for a facet with
        # selected values, so that its other values keep counts one may add (OR).
        materialized = self.backend.materialized
        selected = self.query.selected()
        bases: dict[str, str | None] = {"base": None}
        if facet_limit > 0:
            bases.update({f"base_{facet}": facet for facet in FACETS if selected[facet]})
        ctes, params = [], []
        if self.terms:
            sql, match_params = self.backend.matches(self.terms, self.any_word)
            ctes.append(f"{MATCHES} AS {materialized} ({sql})")
            params += match_params
        for name, skip in bases.items():
            if self.terms:
                allowed, base_params = self._allowed(f"{MATCHES}.id", skip)
                sql = (f"SELECT d.id, d.organisation_id, d.licence_id FROM {MATCHES} "
                       f"JOIN {Dataset._meta.db_table} d ON d.id = {MATCHES}.id "
                       f"WHERE EXISTS ({allowed})")
            else:
                sql, base_params = _sql(self.datasets(skip).values_list(
                    "id", "organisation_id", "licence_id"))
            ctes.append(f"{name}(id, organisation_id, licence_id) AS {materialized} ({sql})")
            params += base_params
        base_of = {skip: name for name, skip in bases.items() if skip}
        return facet_counts.count("WITH " + ", ".join(ctes), params, base_of, selected,
                                  facet_limit)

    def _allowed(self, id_column: str, skip_facet: str | None = None) -> tuple[str, list]:
        """SQL selecting the dataset `id_column` names if visible and filtered in.

        Used as `EXISTS (...)` next to the text match: each match is then checked by
        primary key, instead of listing every visible dataset to intersect with.
        """
        datasets = self.datasets(skip_facet).filter(id=RawSQL(id_column, []))
        return _sql(datasets.values_list("id"))

    def page(self, sort: str, offset: int, limit: int) -> list[Dataset]:
        """The datasets of one page, with their related rows prefetched."""
        datasets = self.datasets()
        if sort != "relevance":
            if self.terms:
                sql, params = self.backend.matches(self.terms, self.any_word)
                datasets = datasets.filter(id__in=RawSQL(sql, params))
            return list(_with_related(datasets.order_by(*SORTS[sort]))[offset:offset + limit])
        # Ranking happens in the database, which returns only the page's ids. The CTE
        # keeps SQLite from pushing `id IN (...)` into the FTS5 scan as a rowid
        # constraint, which would run the text match once per visible dataset.
        ranked, ranked_params = self.backend.ranked_matches(self.terms, self.any_word)
        allowed, allowed_params = self._allowed(f"{MATCHES}.id")
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH {MATCHES} AS {self.backend.materialized} ({ranked}) "
                f"SELECT {MATCHES}.id FROM {MATCHES} WHERE EXISTS ({allowed}) "
                f"ORDER BY {MATCHES}.score DESC, {MATCHES}.id DESC LIMIT %s OFFSET %s",
                ranked_params + allowed_params + [limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        by_id = _with_related(Dataset.objects.filter(id__in=ids)).in_bulk()
        return [by_id[pk] for pk in ids if pk in by_id]


def _with_related(datasets: QuerySet) -> QuerySet:
    return datasets.select_related(*PAGE_SELECT_RELATED).prefetch_related(*_page_prefetches())


def _sql(queryset: QuerySet) -> tuple[str, list]:
    """SQL and parameters of a queryset, to embed in a larger statement."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        # Django refuses to write SQL for a query it knows to be empty; say so in SQL.
        columns = len(queryset.query.values_select) or 1
        return f"SELECT {', '.join(['NULL'] * columns)} WHERE 1 = 0", []
    return sql, list(params)
