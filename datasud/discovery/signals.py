"""Keep the column index in step with the datastore: when a version becomes current, its
columns are indexed once the switch is committed (reading a sample of the new Parquet
files), in the same background work as the load. A deleted resource or an older version
takes its rows with it (foreign keys)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from datasud.datastore.models import Load

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Load, dispatch_uid="discovery_index_columns")
def index_current_version(sender, instance: Load, raw: bool = False, **kwargs) -> None:
    if raw or not instance.is_current or instance.status != Load.Status.SUCCEEDED:
        return
    load_id = instance.pk
    transaction.on_commit(lambda: _index(load_id))


def _index(load_id: int) -> None:
    from .columns import index_load

    try:
        index_load(load_id)
    except Exception:  # the load succeeded; a failing index must not undo or hide it
        logger.exception("Column index of load %s failed", load_id)
