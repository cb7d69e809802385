"""Keeping the full-text index in step with the catalogue.

Services call `schedule_reindex` / `schedule_remove`; the work happens once the current
transaction commits, so a rolled-back change never reaches the index. The index holds every
dataset, drafts and private ones included: who may see what is decided at query time.

Each write also replaces the datasets' facet values (`DatasetFacet`) and applies the
difference to the running totals of the public catalogue (`FacetCount`), in the same
transaction as the new index token, so that totals and cached counts change together.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, models, transaction

from . import cache, spelling
from .backends import get_backend
from .documents import BATCH_SIZE, PUBLIC, PUBLIC_ARCHIVED, Document, iter_all_ids, load_documents
from .models import DatasetFacet, FacetCount, FacetPairCount, IndexState

logger = logging.getLogger(__name__)


def schedule_reindex(dataset_ids: Iterable[int]) -> None:
    """Reindex these datasets when the current transaction commits (now, if there is none)."""
    ids = list(dataset_ids)
    # robust: the change itself is committed by then; a failing index update is logged
    # (and mended by `datasud rebuild_search_index`) rather than turned into an error page.
    transaction.on_commit(lambda: reindex(ids), robust=True)


def schedule_remove(dataset_ids: Iterable[int]) -> None:
    """Drop these datasets from the index when the current transaction commits."""
    ids = list(dataset_ids)
    transaction.on_commit(lambda: remove(ids), robust=True)


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start:start + BATCH_SIZE]


SUMMED_SCOPES = (PUBLIC, PUBLIC_ARCHIVED)


def _lock() -> None:
    """Serialise index writers: `FacetCount` is updated by differences, which two writers
    reading the same old rows at once would apply twice. The lock is the row of the index
    state, which each write renews at its end anyway (SQLite has one writer at a time)."""
    list(IndexState.objects.select_for_update().filter(pk=1).values_list("pk"))


def _replace_facets(dataset_ids: list[int], documents: list[Document]) -> None:
    """Write the `DatasetFacet` rows of these datasets and bring `FacetCount` and
    `FacetPairCount` in step."""
    before: dict[int, set[tuple]] = {}
    for dataset_id, scope, facet, value in (
            DatasetFacet.objects.filter(dataset_id__in=dataset_ids, scope__in=SUMMED_SCOPES)
            .values_list("dataset_id", "scope", "facet", "value")):
        before.setdefault(dataset_id, set()).add((scope, facet, value))
    old = Counter(row for rows in before.values() for row in rows)
    after: dict[int, set[tuple]] = {}
    for d in documents:
        if d.scope in SUMMED_SCOPES:
            after[d.id] = {(d.scope, facet, value) for facet, value in d.facet_values()}
    # Pairs change only for the datasets whose public rows do (a reindex after an edit
    # that touched no facet, a quality score, changes none).
    changed = [pk for pk in dataset_ids if before.get(pk) != after.get(pk)]
    gone = [pk for pk in changed if pk in before]
    if gone:
        _add_pairs(gone, sign=-1)
    DatasetFacet.objects.filter(dataset_id__in=dataset_ids).delete()
    rows = _insert_facets(documents)
    added = [pk for pk in changed if pk in after]
    if added:
        _add_pairs(added, sign=1)
    if gone:
        _delete_empty_pairs()
    new = Counter((scope, facet, value) for _, scope, facet, value in rows
                  if scope in SUMMED_SCOPES)
    changes = [(*key, new[key] - old[key]) for key in old.keys() | new.keys()
               if new[key] != old[key]]
    if not changes:
        return
    table = connection.ops.quote_name(FacetCount._meta.db_table)
    with connection.cursor() as cursor:
        # The same upsert syntax in SQLite (3.24+) and PostgreSQL.
        cursor.executemany(
            f"INSERT INTO {table} (scope, facet, value, n) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (scope, facet, value) DO UPDATE SET n = {table}.n + excluded.n",
            changes,
        )
        gone = [key for *key, change in changes if change < 0]
        if gone:
            cursor.executemany(f"DELETE FROM {table} WHERE scope = %s AND facet = %s "
                               f"AND value = %s AND n <= 0", gone)


def _pairs_select(dataset_ids: list[int] | None = None, sign: int = 1) -> tuple[str, list]:
    """SQL of the `FacetPairCount` rows (scope, within_facet, within_value, facet, value, n)
    of the `DatasetFacet` rows of `dataset_ids` (all datasets: None), `sign` times."""
    facets = connection.ops.quote_name(DatasetFacet._meta.db_table)
    within = FacetPairCount.WITHIN_FACETS
    where = (f"a.scope IN ({', '.join(['%s'] * len(SUMMED_SCOPES))}) "
             f"AND a.facet IN ({', '.join(['%s'] * len(within))})")
    params = [*SUMMED_SCOPES, *within]
    if dataset_ids is not None:
        where += f" AND a.dataset_id IN ({', '.join(['%s'] * len(dataset_ids))})"
        params += list(dataset_ids)
    count = "COUNT(*)" if sign > 0 else "-COUNT(*)"
    return (f"SELECT a.scope AS scope, a.facet AS within_facet, a.value AS within_value, "
            f"b.facet AS facet, b.value AS value, {count} AS n FROM {facets} a "
            f"JOIN {facets} b ON b.dataset_id = a.dataset_id WHERE {where} "
            f"GROUP BY a.scope, a.facet, a.value, b.facet, b.value", params)


def _add_pairs(dataset_ids: list[int], sign: int) -> None:
    """Add (`sign` 1) or take away (-1) the pairs of these datasets' current `DatasetFacet`
    rows to or from `FacetPairCount`, in SQL: a dataset has some sixty pairs, an import
    batch tens of thousands."""
    table = connection.ops.quote_name(FacetPairCount._meta.db_table)
    select, params = _pairs_select(dataset_ids, sign)
    with connection.cursor() as cursor:
        # "WHERE true": SQLite could read the ON of the upsert as a join's otherwise.
        cursor.execute(
            f"INSERT INTO {table} (scope, within_facet, within_value, facet, value, n) "
            f"SELECT * FROM ({select}) AS pairs WHERE true "
            f"ON CONFLICT (scope, within_facet, within_value, facet, value) "
            f"DO UPDATE SET n = {table}.n + excluded.n", params)


def _delete_empty_pairs() -> None:
    """Pairs no public dataset has any more (read through a partial index of those)."""
    table = connection.ops.quote_name(FacetPairCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE n <= 0")


def _insert_facets(documents: list[Document]) -> list[tuple]:
    """Insert the `DatasetFacet` rows of `documents` (plain SQL: a rebuild writes about a
    dozen per dataset, which model instances would slow down); returns them."""
    rows = [(d.id, d.scope, facet, value) for d in documents for facet, value in d.facet_values()]
    if rows:
        table = connection.ops.quote_name(DatasetFacet._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} (dataset_id, scope, facet, value) "
                               f"VALUES (%s, %s, %s, %s)", rows)
    return rows


def _sum_facets() -> None:
    """`FacetCount` and `FacetPairCount` recomputed from all of `DatasetFacet` (after a
    rebuild)."""
    FacetPairCount.objects.all().delete()
    select, params = _pairs_select()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(FacetPairCount._meta.db_table)} "
            f"(scope, within_facet, within_value, facet, value, n) {select}", params)
    FacetCount.objects.all().delete()
    counts = (DatasetFacet.objects.filter(scope__in=SUMMED_SCOPES).order_by()
              .values_list("scope", "facet", "value").annotate(n=models.Count("*")))
    sql, params = counts.query.sql_with_params()
    table = connection.ops.quote_name(FacetCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (scope, facet, value, n) {sql}", params)


def reindex(dataset_ids: Iterable[int]) -> None:
    """(Re)index these datasets now; ids of datasets that no longer exist are removed."""
    backend = get_backend()
    for batch in _batches(sorted(set(dataset_ids))):
        with transaction.atomic():
            _lock()
            documents = load_documents(batch)
            found = {d.id for d in documents}
            backend.delete([pk for pk in batch if pk not in found])
            backend.index(documents)
            _replace_facets(batch, documents)
            spelling.record(documents)
            cache.renew_token()


def remove(dataset_ids: Iterable[int]) -> None:
    """Drop these datasets from the index now."""
    backend = get_backend()
    for batch in _batches(sorted(set(dataset_ids))):
        with transaction.atomic():
            _lock()
            backend.delete(batch)
            _replace_facets(batch, [])
            cache.renew_token()


def rebuild(progress: Callable[[int], object] | None = None) -> int:
    """Rebuild the whole index in one transaction; returns the number of datasets indexed.

    `progress`, if given, is called with the number of datasets of each batch once it is
    indexed (a tqdm bar's `update` fits). Searches keep reading the old index until the end.
    """
    backend = get_backend()
    count = 0
    vocabulary = spelling.Rebuild()
    with transaction.atomic():
        _lock()
        backend.clear()
        DatasetFacet.objects.all().delete()
        for batch in iter_all_ids():
            documents = load_documents(batch)
            backend.index(documents)
            _insert_facets(documents)
            vocabulary.add(documents)
            count += len(documents)
            if progress is not None:
                progress(len(batch))
        _sum_facets()
        vocabulary.write()
        cache.renew_token()
    backend.optimize()
    logger.debug("Search index rebuilt: %d datasets", count)
    return count
