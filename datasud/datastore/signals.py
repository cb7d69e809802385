"""Keep the datastore in step with the catalogue: a new or changed tabular resource is
loaded, a deleted one loses its files.

Signals rather than calls from `catalog.services`, because the catalogue must not depend on
the datastore. Bulk imports (`bulk_create`) send no signal, on purpose: importing a whole
catalogue of remote links must not start thousands of downloads.
"""
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from datasud.catalog.models import Resource


@receiver(post_save, sender=Resource, dispatch_uid="datastore_resource_saved")
def load_changed_resource(sender, instance: Resource, raw: bool = False, **kwargs) -> None:
    from . import services  # here: the ingestion modules load DuckDB, only needed now

    if raw or not services.needs_load(instance):
        return
    services.request_load(instance)


@receiver(post_delete, sender=Resource, dispatch_uid="datastore_resource_deleted")
def remove_deleted_resource(sender, instance: Resource, **kwargs) -> None:
    from . import services

    resource_id = instance.pk
    transaction.on_commit(lambda: services.remove_resource_files(resource_id))
