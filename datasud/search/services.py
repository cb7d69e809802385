"""Dataset search: full text, facets, sort and pagination, for pages and API alike.

    result = search_datasets(request.user, SearchQuery(q="vélo", themes=["mobilite"]))

Only datasets visible to the user (`Dataset.objects.visible_to`) are ever counted or
returned. The text match is the backend's (SQLite FTS5 or PostgreSQL, see `backends`);
everything else is SQL over the catalogue shared by both, and over the facet tables the
indexer keeps (see `facets`). A search costs one statement for the total and all facets
(cached for anonymous users, see `cache`), one for the page's ids, and one batch for the
page's rows (see `pages`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from datasud.catalog.models import Dataset

from . import cache, spelling, synonyms
from . import facets as facet_counts
from .backends import SearchBackend, get_backend
from .columns import facet_columns
from .documents import PUBLIC, PUBLIC_ARCHIVED
from .filters import filter_datasets, indexed_checks_sql, indexed_ids_sql, indexed_set_sql
from .models import FacetCount, FacetPairCount
from .pages import load_page
from .query import (
    DEFAULT_SORT,
    FACETS,
    RANKINGS,
    SORTS,
    FacetValue,
    SearchQuery,
    SearchResult,
)
from .text import Terms, parse_query

__all__ = ["FACETS", "RANKINGS", "SORTS", "FacetValue", "SearchQuery", "SearchResult",
           "count_datasets", "search_datasets"]

# Names of common table expressions: the text matches; the drafts and private datasets a
# signed-in user may see (outside the public catalogue's running totals).
MATCHES = "search_matches"
UNLISTED = "search_unlisted"
# The SQL of the visible and filtered datasets, by viewer and filter set: built once, where
# building and compiling the querysets cost 0.4 ms per text search (1.2 ms with two
# filters, 2 ms for a signed-in user's statements). Filters are subqueries over their
# values (nothing is looked up when the SQL is written), and visibility depends on the
# viewer's identity alone (`_viewer`: memberships are a subquery too): the same viewer and
# filters always give the same SQL; SQL holding values looked up for one search carries
# them in its key. Emptied when full.
_BUILT_SQL: dict[tuple, tuple[str, list]] = {}
BUILT_SQL_ENTRIES = 512
# The public catalogue's size under an index token (see `_Search._catalogue_size`).
_CATALOGUE_SIZES: dict[tuple, int] = {}
# A sorted page of filtered datasets is read down the sort's index, each dataset checked
# against the filters, when the page's end should come within this many datasets of the
# index (see `_Search._indexed_filters`).
MAX_WALK = 2000


def search_datasets(user, query: SearchQuery, facet_limit: int = 10) -> SearchResult:
    """Search the datasets `user` may see.

    `query.q` is matched word by word: all the words, the last one as a prefix; if no
    visible dataset has them all, any of them, and the result says `relaxed`. Archived
    datasets are left out unless `query.include_archived`. Filters combine with AND between
    facets and OR within one. Facets count, over the matching datasets, the `facet_limit`
    most frequent values of each facet, plus the selected ones; a facet's counts ignore
    its own selection, so that its other values show what ticking them too would add.
    `facet_limit=0` skips facets. A page past the end is empty, not an error.

    With the default ranking ("hybride"), words also match their synonyms (`synonyms`),
    and a query with a misspelt word that finds nothing (or not all its words) is run
    corrected if that finds more: the result says `corrected` and gives the corrected
    query as `suggestion`, which is otherwise a mere "did you mean" (`spelling`).
    """
    query = query.normalised()
    typed = parse_query(query.q)
    hybrid = query.ranking != "texte"
    # Outside transactions, counts over the whole public catalogue are read from the
    # indexer's running totals; anonymous searches also share their counts (cached).
    token = cache.committed_token()
    suggestion = spelling.suggest(query.q, typed, token) if typed else None
    search = _Search(user, query, synonyms.expand(typed) if hybrid else typed, get_backend(),
                     token=token)
    total, facets, relaxed = search.counted(token, facet_limit)
    corrected = False
    if (suggestion is not None and suggestion.unknown and hybrid and query.correct
            and (total == 0 or relaxed)):
        fixed = replace(query, q=suggestion.q)
        other = _Search(user, fixed, synonyms.expand(parse_query(fixed.q)), search.backend,
                        token=token)
        found = other.counted(token, facet_limit)
        if found[0] and (total == 0 or not found[2]):
            search, query, corrected = other, fixed, True
            total, facets, relaxed = found
    if suggestion is not None and not corrected:
        # Offered only if it finds datasets the user may see (see `spelling`).
        fixed = replace(query, q=suggestion.q)
        other = _Search(user, fixed, synonyms.expand(parse_query(fixed.q)) if hybrid
                        else parse_query(fixed.q), search.backend,
                        token=token)
        if not other.finds_any():
            suggestion = None
    sort = query.sort
    if sort == "relevance" and not search.terms:
        sort = DEFAULT_SORT
    offset = (query.page - 1) * query.page_size
    datasets = search.page(sort, offset, query.page_size, total) if offset < total else []
    return SearchResult(datasets=datasets, total=total, page=query.page,
                        page_size=query.page_size, facets=facets, sort=sort, relaxed=relaxed,
                        suggestion=suggestion.q if suggestion else "", corrected=corrected)


def count_datasets(user, query: SearchQuery,
                   facet_limit: int = 10) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total and facets that `search_datasets` would give, without its page of datasets
    nor its spelling checks: for figures (the home page's themes), from the same running
    totals and cache as the search page, so that both always show the same numbers."""
    query = query.normalised()
    typed = parse_query(query.q)
    terms = synonyms.expand(typed) if query.ranking != "texte" else typed
    token = cache.committed_token()
    search = _Search(user, query, terms, get_backend(), token=token)
    total, facets, _ = search.counted(token, facet_limit)
    return total, facets


class _Search:
    """One search's SQL: the text match, the visible and filtered datasets, their page."""

    def __init__(self, user, query: SearchQuery, terms: Terms, backend: SearchBackend,
                 token: str | None = None):
        self.user = user
        self.query = query
        self.terms = terms
        self.backend = backend
        # The index's committed token (`cache.committed_token`): with one, counts of the
        # public catalogue may come from `FacetCount`, and of listed sets from the index's
        # facet rows held in memory (`columns`).
        self.token = token
        self.use_totals = token is not None
        self.any_word = False
        self._datasets: dict[str | None, QuerySet] = {}
        # The matching datasets' (id, score), when counting listed them with their scores:
        # the page by relevance is then sorted from them (see `_count`).
        self._scored: list[tuple[int, float]] | None = None
        # The ids of the filters' values, looked up once for its counts and its page.
        self._values_memo: dict = {}

    def datasets_visible(self) -> QuerySet:
        """The datasets the user may see, archived ones left out unless asked for."""
        visible = Dataset.objects.visible_to(self.user)
        return visible if self.query.include_archived else visible.active()

    def _scopes(self) -> tuple[int, ...]:
        """The index scopes (`DatasetFacet.Scope`) of the public datasets searched."""
        return (PUBLIC, PUBLIC_ARCHIVED) if self.query.include_archived else (PUBLIC,)

    def datasets(self, skip_facet: str | None = None) -> QuerySet:
        """Visible datasets matching the filters (not the text), but `skip_facet`'s."""
        if skip_facet not in self._datasets:
            self._datasets[skip_facet] = filter_datasets(self.datasets_visible(), self.query,
                                                         skip=skip_facet).order_by()
        return self._datasets[skip_facet]

    def counted(self, token: str | None,
                facet_limit: int) -> tuple[int, dict[str, list[FacetValue]], bool]:
        """`count`, from the cache shared by anonymous users when `token` allows (see
        `cache`); sets `any_word` as counting found it."""
        query = self.query
        signature = repr((query.q, sorted(query.selected().items()), query.include_archived,
                          facet_limit, query.bbox, bool(self.terms.synonyms)))
        total, facets, relaxed = cache.cached(cache.shared_token(self.user, token), signature,
                                              lambda: self.count(facet_limit))
        self.any_word = relaxed
        return total, facets, relaxed

    def count(self, facet_limit: int) -> tuple[int, dict[str, list[FacetValue]], bool]:
        """Total, facets and whether any word had to do instead of all of them."""
        total, facets = self._count(facet_limit)
        if total == 0 and self.terms.word_count > 1:
            self.any_word = True
            total, facets = self._count(facet_limit)
        return total, facets, self.any_word

    def finds_any(self) -> bool:
        """Whether `count` would find a dataset (all the words, else any of them): one
        visible match is enough, where counting would read them all (the check of a "did
        you mean")."""
        if not self.terms:
            return bool(self.count(0)[0])
        for any_word in (False, True) if self.terms.word_count > 1 else (False,):
            sql, params = self.backend.matches(self.terms, any_word)
            allowed, allowed_params = self._allowed(f"{MATCHES}.id")
            if self.backend.query(
                    f"WITH {MATCHES} AS {self.backend.materialized} ({sql}) SELECT 1 FROM "
                    f"{MATCHES} WHERE EXISTS ({allowed}) LIMIT 1", params + allowed_params):
                return True
        return False

    def _sql(self, kind: tuple, build: Callable[[], tuple[str, list]]) -> tuple[str, list]:
        """`build()`, the SQL of `kind` (over `datasets`), kept for the same viewer's later
        searches with the same filters (see `_BUILT_SQL`). `kind` names what else the SQL
        depends on."""
        query = self.query
        key = (connection.alias, connection.vendor, _viewer(self.user), kind,
               query.include_archived, query.bbox,
               tuple((facet, tuple(values)) for facet, values in query.selected().items()))
        found = _BUILT_SQL.get(key)
        if found is None:
            found = build()
            if len(_BUILT_SQL) >= BUILT_SQL_ENTRIES:
                _BUILT_SQL.clear()
            _BUILT_SQL[key] = found
        return found[0], list(found[1])

    def _count(self, facet_limit: int) -> tuple[int, dict[str, list[FacetValue]]]:
        # The matching datasets go into CTEs that the facets read, so the text match and
        # the visibility rules run once: `base`, with every filter, for the total and most
        # facets; `base_<facet>`, without that facet's own filter, for a facet with
        # selected values, so that its other values keep counts one may add (OR). A set
        # with neither text nor filter is the public catalogue, whose counts are the
        # indexer's running totals, plus, for signed-in users, the drafts and private
        # datasets they may see, listed and counted (with their total, counted live).
        materialized = self.backend.materialized
        selected = self.query.selected()
        bases: dict[str, str | None] = {"base": None}
        if facet_limit > 0:
            bases.update({f"base_{facet}": facet for facet in FACETS if selected[facet]})
        ctes, params = [], []
        sources: dict[str, facet_counts.Counted] = {}
        unlisted = False
        scopes = self._scopes()
        columns = facet_columns.current(self.token) if facet_limit > 0 else None
        # Counted in memory, the matches are listed anyway: with their scores, they give
        # the page by relevance too, where ranking them again would run the text match
        # and the visibility rules a second time (half of an uncached search at 60,000).
        scored = bool(self.terms) and columns is not None and self.query.sort == "relevance"
        self._scored = [] if scored else None
        # A text search filtered on producers or licences alone: its set is the set without
        # that filter (listed anyway, for the filter's other values) narrowed in memory by
        # the listing's own column, where listing it too would run the text match and the
        # visibility rules a second time.
        chosen = [facet for facet, values in selected.items() if values]
        narrowed = (chosen[0] if self.terms and columns is not None and len(chosen) == 1
                    and chosen[0] in ("organisation", "licence")
                    and self.query.bbox is None else None)
        scored_set = f"base_{narrowed}" if narrowed else "base"
        if self.terms:
            sql, match_params = (self.backend.scored_matches if scored
                                 else self.backend.matches)(self.terms, self.any_word)
            ctes.append(f"{MATCHES} AS {materialized} ({sql})")
            params += match_params
        for name, skip in bases.items():
            score, indexed_producers = "", False
            if name == "base" and narrowed:
                sources[name] = facet_counts.Counted(narrowed=(f"base_{narrowed}", narrowed))
                continue
            filtered = (any(values for facet, values in selected.items() if facet != skip)
                        or self.query.bbox is not None)
            if self.use_totals and not self.terms and not filtered:
                if not getattr(self.user, "is_authenticated", False):
                    sources[name] = facet_counts.Counted(scopes=scopes)
                    continue
                # Two halves, each a short range of the visibility index, where the OR of
                # the user's rules would read it all: the public datasets, only counted,
                # and the others, listed once whichever base reads them (all unfiltered).
                if not unlisted:
                    self._unlisted_cte(UNLISTED, skip, ctes, params)
                    unlisted = True
                sql, public_params = self._sql(("public", skip), lambda skip=skip: _sql(
                    self.datasets(skip).public().values_list("id")))
                sources[name] = facet_counts.Counted(
                    scopes=scopes, extra=UNLISTED,
                    public=(self.backend.listing(sql), public_params))
                continue
            signed_in = getattr(self.user, "is_authenticated", False)
            within = self._within(skip) if self.use_totals and not self.terms else None
            if within is not None:
                # The public datasets from the totals within that value; a signed-in
                # user's drafts and private datasets with it, listed and added.
                extra = (self._unlisted_cte(f"{UNLISTED}_{name}", skip, ctes, params)
                         if signed_in else None)
                sources[name] = facet_counts.Counted(scopes=scopes, within=within, extra=extra)
                continue
            if self.terms:
                rows, base_params = self._sql(("rows", skip), lambda skip=skip: _sql(
                    self.datasets(skip).filter(id=RawSQL(f"{MATCHES}.id", []))
                    .values_list("id", "organisation_id", "licence_id")))
                # The set the page's datasets come from lists the matches' scores, for the
                # page by relevance (see `facets._counted_in_memory`).
                score_sql, score_params = (
                    self.backend.match_score(MATCHES, self.terms, self.any_word)
                    if scored and name == scored_set else ("", []))
                score = ", score" if score_sql else ""
                sql = self.backend.visible_matches(MATCHES, rows, score_sql)
                base_params = score_params + base_params
            elif (self.use_totals
                  and (indexed := indexed_set_sql(self.query, scopes, skip,
                                                  producers=columns is None,
                                                  memo=self._values_memo)) is not None):
                # The public datasets from the index's ranges (counts trust the index's
                # scopes, as the running totals do); a signed-in user's drafts and private
                # datasets, from the catalogue: the two never overlap.
                sql, base_params = indexed
                indexed_producers = columns is not None
                if signed_in:
                    others, others_params = self._unlisted_listing(skip)
                    sql = (f"SELECT * FROM ({sql}) AS public_part UNION ALL SELECT * FROM "
                           f"({others}) AS other_part")
                    base_params = base_params + others_params
            else:
                sql, base_params = self._sql(("listing", skip), lambda skip=skip: _sql(
                    self.datasets(skip).values_list("id", "organisation_id", "licence_id")))
                sql = self.backend.listing(sql)
            ctes.append(f"{name}(id, organisation_id, licence_id{score}) AS "
                        f"{materialized} ({sql})")
            params += base_params
            sources[name] = facet_counts.Counted(cte=name, producers_indexed=indexed_producers)
        base_of = {skip: name for name, skip in bases.items() if skip}
        return facet_counts.count("WITH " + ", ".join(ctes) if ctes else "", params, sources,
                                  base_of, selected, facet_limit, self.backend, columns,
                                  scores=scored_set if scored else None, scored=self._scored)

    def _unlisted_listing(self, skip: str | None) -> tuple[str, list]:
        """SQL listing (id, organisation_id, licence_id) of the user's visible datasets
        outside the public catalogue (drafts, private ones) that match the filters but
        `skip`'s, read from the visibility index."""
        sql, params = self._sql(("unlisted", skip), lambda: _sql(
            _unlisted(self.datasets(skip)).values_list("id", "organisation_id", "licence_id")))
        return self.backend.listing(sql), params

    def _unlisted_cte(self, cte: str, skip: str | None, ctes: list[str],
                      params: list) -> str:
        """Add to `ctes` (and `params`) the CTE `cte` of `_unlisted_listing(skip)`;
        returns its name."""
        sql, cte_params = self._unlisted_listing(skip)
        ctes.append(f"{cte}(id, organisation_id, licence_id) AS "
                    f"{self.backend.materialized} ({sql})")
        params += cte_params
        return cte

    def _within(self, skip_facet: str | None) -> tuple[str, str] | None:
        """The one filter value (facet, value) of the search, but `skip_facet`'s, if that
        is all it filters on and the indexer keeps counts within it (`FacetPairCount`)."""
        if self.query.bbox is not None:
            return None
        chosen = [(facet, values) for facet, values in self.query.selected().items()
                  if values and facet != skip_facet]
        if len(chosen) != 1 or len(chosen[0][1]) != 1:
            return None
        facet, values = chosen[0]
        return (facet, values[0]) if facet in FacetPairCount.WITHIN_FACETS else None

    def _allowed(self, id_column: str, skip_facet: str | None = None,
                 probe: bool = False) -> tuple[str, list]:
        """SQL selecting the dataset `id_column` names if visible and filtered in.

        Used as `EXISTS (...)` next to the text match: each match is then checked by
        primary key, instead of listing every visible dataset to intersect with. `probe`
        insists on that where the database would rather join (see `SearchBackend.probe`):
        for the page, whose ranking reads every match anyway; counts, over thousands of
        matches, are left to the planner.
        """
        sql, params = self._sql(("allowed", id_column, skip_facet), lambda: _sql(
            self.datasets(skip_facet).filter(id=RawSQL(id_column, [])).values_list("id")))
        return (self.backend.probe(sql) if probe else sql), params

    def _indexed_filters(self, end: int,
                         total: int | None) -> tuple[tuple, Callable[[], QuerySet]] | None:
        """The visible and filtered datasets, with the filters read from the index's facet
        rows where the catalogue's links would cost more to read in sort order: when the
        page's `end` should come within `MAX_WALK` datasets of the sort's index (`total` of
        the catalogue's datasets pass the filters), each one checked by a probe per filter;
        else as the ids of their ranges intersected (a theme's 13,000 ids listed, where the
        catalogue's links would have them all looked up). None: read the catalogue's links
        (`datasets`). Else what the SQL depends on (the values looked up for this search),
        for `_sql`'s key, and the queryset's builder."""
        table_id = f"{connection.ops.quote_name(Dataset._meta.db_table)}.id"
        if total and end * self._catalogue_size() <= MAX_WALK * total:
            found = indexed_checks_sql(self.query, table_id, self.backend.probe,
                                       self._values_memo)
            if found is not None:
                sql, params = found
                return (("checked", sql, tuple(params)),
                        lambda: self.datasets_visible().extra(where=[sql], params=params))
        if not self.backend.index_filters_pages:
            return None
        found = indexed_ids_sql(self.query, self._scopes(), memo=self._values_memo)
        if found is None:
            return None
        return (("ranges", found[0], tuple(found[1])),
                lambda: self.datasets_visible().filter(id__in=RawSQL(*found)))

    def _catalogue_size(self) -> int:
        """How many public datasets are searched (from the running totals, read once per
        index token: every filtered page asks)."""
        key = (connection.alias, self.token, self._scopes())
        if key not in _CATALOGUE_SIZES:
            if len(_CATALOGUE_SIZES) >= 64:
                _CATALOGUE_SIZES.clear()
            _CATALOGUE_SIZES[key] = sum(row.n for row in FacetCount.objects.filter(
                scope__in=self._scopes(), facet="", value=""))
        return _CATALOGUE_SIZES[key]

    def page(self, sort: str, offset: int, limit: int,
             total: int | None = None) -> list[Dataset]:
        """The datasets of one page, with their related rows loaded (`total`, if known, the
        number of matching datasets: it helps choose how to read the filters)."""
        if sort != "relevance":
            if getattr(self.user, "is_authenticated", False) and not self.terms:
                return self._merged_page(sort, offset, limit)
            kind, datasets = ("sorted",), self.datasets
            if self.terms:
                matches, match_params = self.backend.matches(self.terms, self.any_word)
                # Not kept: one entry per query's words would soon flush the others.
                kind = None

                def datasets() -> QuerySet:
                    return self.datasets().filter(id__in=RawSQL(matches, match_params))
            elif self.use_totals:
                kind, datasets = (self._indexed_filters(offset + limit, total)
                                  or (kind, datasets))

            # The ids alone, then the page's rows: sorting thousands of matches reads
            # only the catalogue's table, not their producers and licences too.
            def build() -> tuple[str, list]:
                return _sql(datasets().order_by(*SORTS[sort])
                            .values_list("id")[offset:offset + limit])

            sql, params = (build() if kind is None
                           else self._sql((*kind, sort, offset, limit), build))
            return load_page([row[0] for row in self.backend.query(sql, params)],
                             self.backend)
        if self._scored is not None and len(self._scored) == total:
            # Listed with their scores by the count (see `_count`): the same order as
            # the database's below, score first, then the most recent id.
            found = np.array(self._scored, dtype=np.float64).reshape(-1, 2)
            order = np.lexsort((-found[:, 0], -found[:, 1]))[offset:offset + limit]
            return load_page([int(pk) for pk in found[order, 0]], self.backend)
        # Ranking happens in the database, which returns only the page's ids.
        ranked, ranked_params = self.backend.ranked_visible(
            self.terms, self.any_word,
            lambda id_column: self._allowed(id_column, probe=True))
        rows = self.backend.query(f"SELECT id FROM ({ranked}) AS ranked "
                                  f"ORDER BY score DESC, id DESC LIMIT %s OFFSET %s",
                                  ranked_params + [limit, offset])
        return load_page([row[0] for row in rows], self.backend)

    def _merged_page(self, sort: str, offset: int, limit: int) -> list[Dataset]:
        """A page of a signed-in user's datasets in `sort` order, merged from the public
        ones and the others they may see.

        Their rules are an OR ("public, or of my organisations"), which no index follows in
        sort order: the database would sort every visible dataset for one page. Each half
        alone is read in order from an index, as far as the page's end, and the two merged.
        """
        columns = list(dict.fromkeys(["id", *(field.lstrip("-") for field in SORTS[sort])]))
        # By position: the halves' columns have no names to order by if one is empty SQL.
        order = ", ".join(f"{columns.index(field.lstrip('-')) + 1} "
                          f"{'DESC' if field[0] == '-' else 'ASC'}" for field in SORTS[sort])
        parts, params = [], []
        indexed = (indexed_ids_sql(self.query, self._scopes(), memo=self._values_memo)
                   if self.use_totals and self.backend.index_filters_pages else None)

        def public() -> QuerySet:
            if indexed is None:
                return self.datasets().public()
            # The filters of the public half as ranges of the index (see `page`).
            return self.datasets_visible().public().filter(id__in=RawSQL(*indexed))

        halves = ((("public half", indexed and (indexed[0], tuple(indexed[1]))), public),
                  (("other half",), lambda: _unlisted(self.datasets())))
        for kind, half in halves:
            sql, half_params = self._sql((*kind, sort, offset + limit), lambda half=half: _sql(
                half().order_by(*SORTS[sort]).values_list(*columns)[:offset + limit]))
            if len(parts):
                # The other datasets are few: found from the visibility index, then sorted.
                sql = self.backend.listing(sql)
            parts.append(f"SELECT * FROM ({sql}) AS half{len(parts)}")
            params += half_params
        rows = self.backend.query(
            " UNION ALL ".join(parts) + f" ORDER BY {order} LIMIT %s OFFSET %s",
            params + [limit, offset])
        return load_page([row[0] for row in rows], self.backend)


def _viewer(user) -> tuple | None:
    """What the datasets `user` may see depend on, in SQL (`Dataset.objects.visible_to`):
    nothing for anonymous visitors; else the account, its staff flag and the organisation
    its token is restricted to (`accounts.scopes`)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (user.pk, bool(user.is_staff), getattr(user, "token_organisation_id", None))


def _unlisted(datasets: QuerySet) -> QuerySet:
    """Those of `datasets` that are not public (drafts, private datasets): outside the
    running totals and the public catalogue's indexes.

    The same as `.exclude(status="published", private=False)`, but spelled as ranges of
    the visibility index, which SQLite then reads three short stretches of, where the
    negation would have it read every public dataset.
    """
    published = Dataset.Status.PUBLISHED
    return datasets.filter(Q(status__lt=published) | Q(status__gt=published)
                           | Q(status=published, private__in=[True]))


def _sql(queryset: QuerySet) -> tuple[str, list]:
    """SQL and parameters of a queryset, to embed in a larger statement."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        # Django refuses to write SQL for a query it knows to be empty; say so in SQL.
        columns = len(queryset.query.values_select) or 1
        return f"SELECT {', '.join(['NULL'] * columns)} WHERE 1 = 0", []
    return sql, list(params)
