"""Keep `Dataset.quality_score` in step with what its criteria read: the dataset (fields,
tags, territories), its resources, their datastore loads and declared schemas. The link
checker recomputes the datasets it changed itself (`linkcheck.check_links`).

Signals rather than calls from the catalogue and the datastore, which must not depend on
this app. Bulk imports send no signal: the importer recomputes its datasets at the end.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from datasud.catalog.models import Dataset, Resource
from datasud.datastore.models import DeclaredSchema, Load

from .services import schedule_recompute


@receiver(post_save, sender=Dataset, dispatch_uid="quality_dataset_saved")
def dataset_saved(
    sender, instance: Dataset, raw: bool = False, update_fields=None, **kwargs
) -> None:
    if raw:
        return
    schedule_recompute([instance.pk])


def _relation_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        schedule_recompute([instance.pk])
    elif pk_set:  # tag.datasets.add(...): the datasets are the pk_set
        schedule_recompute(pk_set)


for _through, _name in (
    (Dataset.tags.through, "tags"),
    (Dataset.territories.through, "territories"),
):
    m2m_changed.connect(
        _relation_changed, sender=_through, dispatch_uid=f"quality_dataset_{_name}_changed"
    )


@receiver(post_save, sender=Resource, dispatch_uid="quality_resource_saved")
@receiver(post_delete, sender=Resource, dispatch_uid="quality_resource_deleted")
def resource_changed(sender, instance: Resource, raw: bool = False, **kwargs) -> None:
    if not raw:
        schedule_recompute([instance.dataset_id])


@receiver(post_save, sender=Load, dispatch_uid="quality_load_saved")
def load_saved(sender, instance: Load, raw: bool = False, **kwargs) -> None:
    # A load is saved at each stage; only its outcome matters here.
    if raw or instance.status not in (Load.Status.SUCCEEDED, Load.Status.FAILED):
        return
    schedule_recompute([_dataset_of(instance.resource_id)])


@receiver(post_save, sender=DeclaredSchema, dispatch_uid="quality_schema_saved")
@receiver(post_delete, sender=DeclaredSchema, dispatch_uid="quality_schema_deleted")
def schema_changed(sender, instance: DeclaredSchema, raw: bool = False, **kwargs) -> None:
    if not raw:
        schedule_recompute([_dataset_of(instance.resource_id)])


def _dataset_of(resource_id: int) -> int | None:
    """The dataset of a resource (None if the resource is gone: nothing to recompute)."""
    return Resource.objects.filter(pk=resource_id).values_list("dataset_id", flat=True).first()
