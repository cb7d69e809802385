"""Keep geo tables in step with the datastore.

- A geo resource (GeoJSON, zipped Shapefile, GeoPackage, KML) is loaded like a tabular
  one, by the datastore's own signal (its formats include the geo ones).
- When a version becomes current, its geo tables get their metadata (`Table.geo`, read
  from the GeoParquet files) in the same transaction, and once committed the dataset's
  territorial coverage is derived from the data when the producer gave none.
- The dataset's extent (`Dataset.spatial_bbox`, see `extent`) follows its current geo
  tables and its declared territories.
"""
from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from datasud.catalog.models import SPATIAL_FIELDS, Dataset, Resource
from datasud.datastore.models import Load, Table

from .extent import refresh_spatial_bbox

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
    # The dataset's extent follows the version served (geo or no longer geo).
    refresh_spatial_bbox([Resource.objects.filter(pk=instance.resource_id)
                          .values_list("dataset_id", flat=True).first()])
    if found:
        load_id = instance.pk
        transaction.on_commit(lambda: _update_coverage(load_id))


@receiver(m2m_changed, sender=Dataset.territories.through, dispatch_uid="geo_extent_territories")
def territories_changed(sender, instance, action: str, reverse: bool, pk_set=None,
                        **kwargs) -> None:
    """A dataset without geo tables takes its extent from its declared territories."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_spatial_bbox([instance.pk])
        # The instance in hand (e.g. in `update_dataset`) shows the new extent too.
        instance.refresh_from_db(fields=SPATIAL_FIELDS)
    elif pk_set:
        refresh_spatial_bbox(pk_set)


@receiver(post_delete, sender=Resource, dispatch_uid="geo_extent_resource_deleted")
def resource_deleted(sender, instance: Resource, **kwargs) -> None:
    dataset_id = instance.dataset_id
    # Once committed: the resource's tables go with it (cascade) in the same transaction.
    transaction.on_commit(lambda: refresh_spatial_bbox([dataset_id]))


def _update_coverage(load_id: int) -> None:
    from .coverage import cover_from_load

    try:
        cover_from_load(load_id)
    except Exception:  # the load succeeded; a coverage failure must not undo or hide it
        logger.exception("Spatial coverage of load %s failed", load_id)
