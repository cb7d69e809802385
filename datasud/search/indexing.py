"""Keeping the full-text index in step with the catalogue.

Services call `schedule_reindex` / `schedule_remove`; the work happens once the current
transaction commits, so a rolled-back change never reaches the index. The index holds every
dataset, drafts and private ones included: who may see what is decided at query time.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

from . import cache
from .backends import get_backend
from .documents import BATCH_SIZE, Document, iter_all_ids, load_documents
from .models import DatasetFormat

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


def _add_formats(documents: list[Document]) -> None:
    # Plain ORM, the same for every backend. Conflicts are ignored for two concurrent
    # reindexes of one dataset, which both delete then insert the same rows.
    DatasetFormat.objects.bulk_create(
        (DatasetFormat(dataset_id=d.id, format=fmt) for d in documents for fmt in d.formats),
        ignore_conflicts=True,
    )


def reindex(dataset_ids: Iterable[int]) -> None:
    """(Re)index these datasets now; ids of datasets that no longer exist are removed."""
    backend = get_backend()
    for batch in _batches(sorted(set(dataset_ids))):
        with transaction.atomic():
            documents = load_documents(batch)
            found = {d.id for d in documents}
            backend.delete([pk for pk in batch if pk not in found])
            backend.index(documents)
            DatasetFormat.objects.filter(dataset_id__in=batch).delete()
            _add_formats(documents)
            cache.renew_token()


def remove(dataset_ids: Iterable[int]) -> None:
    """Drop these datasets from the index now."""
    backend = get_backend()
    for batch in _batches(sorted(set(dataset_ids))):
        with transaction.atomic():
            backend.delete(batch)
            DatasetFormat.objects.filter(dataset_id__in=batch).delete()
            cache.renew_token()


def rebuild(progress: Callable[[int], object] | None = None) -> int:
    """Rebuild the whole index in one transaction; returns the number of datasets indexed.

    `progress`, if given, is called with the number of datasets of each batch once it is
    indexed (a tqdm bar's `update` fits). Searches keep reading the old index until the end.
    """
    backend = get_backend()
    count = 0
    with transaction.atomic():
        backend.clear()
        DatasetFormat.objects.all().delete()
        for batch in iter_all_ids():
            documents = load_documents(batch)
            backend.index(documents)
            _add_formats(documents)
            count += len(documents)
            if progress is not None:
                progress(len(batch))
        cache.renew_token()
    backend.optimize()
    logger.debug("Search index rebuilt: %d datasets", count)
    return count
