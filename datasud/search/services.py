"""Dataset search: full text, facets, sort and pagination, for pages and API alike.

    result = search_datasets(request.user, SearchQuery(q="vélo", themes=["mobilite"]))

Only datasets visible to the user (`Dataset.objects.visible_to`) are ever counted or
returned. The text match is the backend's (SQLite FTS5 or PostgreSQL, see `backends`);
everything else is SQL over the catalogue shared by both, and over the facet tables the
indexer keeps (see `facets`). A search costs one statement for the total and all facets
(cached for anonymous users, see `cache`), one for the page, and one per related table of
the page.
"""
from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from datasud.catalog.models import Dataset, Resource, Tag, Theme

from . import cache
from . import facets as facet_counts
from .backends import SearchBackend, get_backend
from .documents import PUBLIC, PUBLIC_ARCHIVED
from .filters import filter_datasets
from .query import DEFAULT_SORT, FACETS, SORTS, FacetValue, SearchQuery, SearchResult
from .text import Terms, parse_query

__all__ = ["FACETS", "SORTS", "FacetValue", "SearchQuery", "SearchResult", "search_datasets"]

# Related rows that pages and the API show with each dataset, joined in the page's query.
PAGE_SELECT_RELATED = ("organisation", "licence")
# Name of the common table expression holding the text matches.
MATCHES = "search_matches"
# Lists show the formats of the resources, nothing else of them: only these columns are
# loaded, which matters for datasets with hundreds of files.
RESOURCE_FIELDS = ("id", "dataset_id", "format", "position", "title")


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
    # Anonymous searches outside transactions share their counts: cached, and read from
    # the indexer's running totals where they cover the whole public catalogue.
    token = cache.shared_token(user)
    search = _Search(user, query, parse_query(query.q), get_backend(),
                     use_totals=token is not None)
    signature = repr((query.q, sorted(query.selected().items()), query.include_archived,
                      facet_limit))
    total, facets, relaxed = cache.cached(token, signature, lambda: search.count(facet_limit))
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

    def __init__(self, user, query: SearchQuery, terms: Terms, backend: SearchBackend,
                 use_totals: bool = False):
        self.user = user
        self.query = query
        self.terms = terms
        self.backend = backend
        # The user sees the public catalogue, and counts may come from `FacetCount`.
        self.use_totals = use_totals
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
        # selected values, so that its other values keep counts one may add (OR). A set
        # with neither text nor filter, seen anonymously, is the public catalogue: its
        # counts are the indexer's running totals, and it needs no CTE.
        materialized = self.backend.materialized
        selected = self.query.selected()
        bases: dict[str, str | None] = {"base": None}
        if facet_limit > 0:
            bases.update({f"base_{facet}": facet for facet in FACETS if selected[facet]})
        ctes, params = [], []
        sources: dict[str, facet_counts.Counted] = {}
        scopes = (PUBLIC, PUBLIC_ARCHIVED) if self.query.include_archived else (PUBLIC,)
        if self.terms:
            sql, match_params = self.backend.matches(self.terms, self.any_word)
            ctes.append(f"{MATCHES} AS {materialized} ({sql})")
            params += match_params
        for name, skip in bases.items():
            filtered = any(values for facet, values in selected.items() if facet != skip)
            if self.use_totals and not self.terms and not filtered:
                sources[name] = facet_counts.Counted(scopes=scopes)
                continue
            if self.terms:
                allowed, base_params = self._allowed(f"{MATCHES}.id", skip)
                sql = (f"SELECT d.id, d.organisation_id, d.licence_id FROM {MATCHES} "
                       f"JOIN {Dataset._meta.db_table} d ON d.id = {MATCHES}.id "
                       f"WHERE EXISTS ({allowed})")
            else:
                sql, base_params = _sql(self.datasets(skip).values_list(
                    "id", "organisation_id", "licence_id"))
                sql = self.backend.listing(sql)
            ctes.append(f"{name}(id, organisation_id, licence_id) AS {materialized} ({sql})")
            params += base_params
            sources[name] = facet_counts.Counted(cte=name)
        base_of = {skip: name for name, skip in bases.items() if skip}
        return facet_counts.count("WITH " + ", ".join(ctes) if ctes else "", params, sources,
                                  base_of, selected, facet_limit, materialized)

    def _allowed(self, id_column: str, skip_facet: str | None = None,
                 probe: bool = False) -> tuple[str, list]:
        """SQL selecting the dataset `id_column` names if visible and filtered in.

        Used as `EXISTS (...)` next to the text match: each match is then checked by
        primary key, instead of listing every visible dataset to intersect with. `probe`
        insists on that where the database would rather join (see `SearchBackend.probe`):
        for the page, whose ranking reads every match anyway; counts, over thousands of
        matches, are left to the planner.
        """
        datasets = self.datasets(skip_facet).filter(id=RawSQL(id_column, []))
        sql, params = _sql(datasets.values_list("id"))
        return (self.backend.probe(sql) if probe else sql), params

    def page(self, sort: str, offset: int, limit: int) -> list[Dataset]:
        """The datasets of one page, with their related rows loaded."""
        if sort != "relevance":
            datasets = self.datasets()
            if self.terms:
                sql, params = self.backend.matches(self.terms, self.any_word)
                datasets = datasets.filter(id__in=RawSQL(sql, params))
            datasets = datasets.select_related(*PAGE_SELECT_RELATED).order_by(*SORTS[sort])
            return _with_related(list(datasets[offset:offset + limit]))
        # Ranking happens in the database, which returns only the page's ids. The CTE
        # keeps SQLite from pushing `id IN (...)` into the FTS5 scan as a rowid
        # constraint, which would run the text match once per visible dataset.
        ranked, ranked_params = self.backend.ranked_matches(self.terms, self.any_word)
        allowed, allowed_params = self._allowed(f"{MATCHES}.id", probe=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH {MATCHES} AS {self.backend.materialized} ({ranked}) "
                f"SELECT {MATCHES}.id FROM {MATCHES} WHERE EXISTS ({allowed}) "
                f"ORDER BY {MATCHES}.score DESC, {MATCHES}.id DESC LIMIT %s OFFSET %s",
                ranked_params + allowed_params + [limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        by_id = Dataset.objects.select_related(*PAGE_SELECT_RELATED).in_bulk(ids)
        return _with_related([by_id[pk] for pk in ids if pk in by_id])


def _with_related(datasets: list[Dataset]) -> list[Dataset]:
    """`datasets` (loaded with their producer and licence) given what lists show of them:
    their themes, tags and resources (three queries).

    Like `prefetch_related`, this fills each dataset's `themes`, `tags` and `resources`
    (read them with `.all()`), but without building one queryset per dataset and relation
    nor compiling ORM queries, which cost more than the rest of a search: querysets chained
    on these (`.filter()`...) are not bound to the dataset, so query `Dataset` for those.
    Only the columns of `RESOURCE_FIELDS` of resources are loaded (the others are deferred).
    """
    if not datasets:
        return []
    ids = [dataset.pk for dataset in datasets]
    themes: dict[int, list[Theme]] = defaultdict(list)
    for dataset_id, theme in _related_rows(
            Theme, [f.attname for f in Theme._meta.concrete_fields], Dataset.themes.through,
            "theme_id", ids, ("position", "name", "id")):
        themes[dataset_id].append(theme)
    tags: dict[int, list[Tag]] = defaultdict(list)
    for dataset_id, tag in _related_rows(Tag, ["id", "name"], Dataset.tags.through, "tag_id",
                                         ids, ("name", "id")):
        tags[dataset_id].append(tag)
    resources: dict[int, list[Resource]] = defaultdict(list)
    for dataset_id, resource in _related_rows(Resource, list(RESOURCE_FIELDS), None, None, ids,
                                              ("position", "id")):
        resources[dataset_id].append(resource)
    for dataset in datasets:
        dataset._prefetched_objects_cache = {
            "themes": _loaded(Theme, themes[dataset.pk]),
            "tags": _loaded(Tag, tags[dataset.pk]),
            "resources": _loaded(Resource, resources[dataset.pk]),
        }
    return datasets


def _related_rows(model, fields: list[str], link, link_column: str | None, ids: list[int],
                  order: tuple[str, ...]) -> list[tuple[int, object]]:
    """(dataset id, instance of `model` with `fields`) for the datasets `ids`, in `order`:
    through the many-to-many table `link` (to `model` by `link_column`), or, without
    `link`, from `model`'s own `dataset_id`."""
    quote = connection.ops.quote_name
    # `from_db` takes the values of a partial row in the order of the model's fields.
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in fields]
    columns = ", ".join(f"r.{quote(model._meta.get_field(name).column)}" for name in fields)
    marks = ", ".join(["%s"] * len(ids))
    if link is None:
        source = f"{quote(model._meta.db_table)} r WHERE r.dataset_id IN ({marks})"
        owner = "r.dataset_id"
    else:
        source = (f"{quote(link._meta.db_table)} x JOIN {quote(model._meta.db_table)} r "
                  f"ON r.id = x.{quote(link_column)} WHERE x.dataset_id IN ({marks})")
        owner = "x.dataset_id"
    ordering = ", ".join(f"r.{quote(model._meta.get_field(name).column)}" for name in order)
    db = connection.alias
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {owner}, {columns} FROM {source} ORDER BY {ordering}", ids)
        return [(row[0], model.from_db(db, fields, row[1:])) for row in cursor.fetchall()]


def _loaded(model, rows: list) -> QuerySet:
    """A queryset already holding `rows`, as a prefetch leaves it in a dataset's cache."""
    queryset = QuerySet(model=model)
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def _sql(queryset: QuerySet) -> tuple[str, list]:
    """SQL and parameters of a queryset, to embed in a larger statement."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        # Django refuses to write SQL for a query it knows to be empty; say so in SQL.
        columns = len(queryset.query.values_select) or 1
        return f"SELECT {', '.join(['NULL'] * columns)} WHERE 1 = 0", []
    return sql, list(params)
