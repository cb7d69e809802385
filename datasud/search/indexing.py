"""Keeping the full-text index in step with the catalogue.

Services call `schedule_reindex` / `schedule_remove`; the work happens once the current
transaction commits, so a rolled-back change never reaches the index.
TEMPORARY: the search helper replaces this with the real FTS5 / PostgreSQL backends.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def schedule_reindex(dataset_ids: Iterable[int]) -> None:
    ids = list(dataset_ids)
    transaction.on_commit(lambda: reindex(ids))


def schedule_remove(dataset_ids: Iterable[int]) -> None:
    ids = list(dataset_ids)
    transaction.on_commit(lambda: remove(ids))


def reindex(dataset_ids: list[int]) -> None:
    """(Re)index these datasets now."""


def remove(dataset_ids: list[int]) -> None:
    """Drop these datasets from the index now."""


def rebuild(progress=None) -> int:
    """Rebuild the whole index; returns the number of datasets indexed."""
    return 0
