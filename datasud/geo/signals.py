"""Keep geo tables in step with the datastore.

- A geo resource (GeoJSON, zipped Shapefile, GeoPackage, KML) is loaded like a tabular
  one, by the datastore's own signal (its formats include the geo ones).
- When a version becomes current, its geo tables get their metadata (`Table.geo`, read
  from the GeoParquet files) in the same transaction, and once committed the dataset's
  territorial coverage is derived from the data when the producer gave none.
"""
from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from datasud.datastore.models import Load, Table

logger = logging.getLogger(__name__)

@receiver(post_save, sender=Load, dispatch_uid="geo_load_current")
def record_geo_tables(sender, instance: Load, raw: bool = False, **kwargs) -> None:
    if raw or not instance.is_current or instance.status != Load.Status.SUCCEEDED:
        return
    from .geoparquet import read_geo_info

    found = False
    for table in Table.objects.filter(load=instance, geo__isnull=True).only("pk", "file"):
        info = read_geo_info(table.path)
        if info is not None:
            Table.objects.filter(pk=table.pk).update(geo=info.as_dict())
            found = True
    if found:
        load_id = instance.pk
        transaction.on_commit(lambda: _update_coverage(load_id))


def _update_coverage(load_id: int) -> None:
    from .coverage import cover_from_load

    try:
        cover_from_load(load_id)
    except Exception:  # the load succeeded; a coverage failure must not undo or hide it
        logger.exception("Spatial coverage of load %s failed", load_id)
