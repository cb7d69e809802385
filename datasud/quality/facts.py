"""Reading what the quality criteria need of many datasets at once.

    facts = load_facts([12, 7, 30])   # {12: Facts(...), 7: ..., 30: ...}

Seven queries per batch, whatever the number of datasets and resources: recomputing the
whole catalogue (`datasud recompute_quality`) reads it in a few seconds.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from datasud.catalog.models import Dataset, Resource
from datasud.datastore.models import DeclaredSchema, Load

from .criteria import Facts, ResourceFacts
from .models import LinkCheck

# Addresses looked up per query (datasets with hundreds of links exist).
URL_CHUNK = 500
FINISHED = (Load.Status.SUCCEEDED, Load.Status.FAILED)


def load_facts(dataset_ids: list[int]) -> dict[int, Facts]:
    """Facts of the given datasets that exist, by id."""
    frequency_labels = dict(Dataset.Frequency.choices)
    rows = (
        Dataset.objects.filter(id__in=dataset_ids)
        .order_by()
        .values_list(
            "id",
            "title",
            "description",
            "licence__title",
            "licence__is_open",
            "frequency",
            "temporal_start",
            "temporal_end",
            "spatial_west",
            "modified_at",
            "archived_at",
        )
    )
    facts = {
        pk: Facts(
            id=pk,
            title=title,
            description=description or "",
            licence_title=licence_title,
            licence_is_open=bool(licence_is_open),
            frequency=frequency,
            frequency_label=str(frequency_labels.get(frequency, frequency)),
            temporal_start=start,
            temporal_end=end,
            has_extent=west is not None,
            modified_at=modified_at,
            archived=archived_at is not None,
        )
        for (
            pk,
            title,
            description,
            licence_title,
            licence_is_open,
            frequency,
            start,
            end,
            west,
            modified_at,
            archived_at,
        ) in rows
    }
    if not facts:
        return facts
    ids = list(facts)
    for through, attribute in (
        (Dataset.tags.through, "tag_count"),
        (Dataset.territories.through, "territory_count"),
    ):
        for dataset_id, n in (
            through.objects.filter(dataset_id__in=ids)
            .order_by()
            .values_list("dataset_id")
            .annotate(n=Count("*"))
        ):
            setattr(facts[dataset_id], attribute, n)
    resources = {}
    for pk, dataset_id, title, kind, url, fmt, modified_at in (
        Resource.objects.filter(dataset_id__in=ids)
        .order_by("dataset_id", "position", "id")
        .values_list("id", "dataset_id", "title", "kind", "url", "format", "modified_at")
    ):
        resources[pk] = ResourceFacts(pk, title, kind, url, fmt, modified_at)
        facts[dataset_id].resources.append(resources[pk])
    if not resources:
        return facts
    # The latest finished load of each resource says whether its data loads.
    latest: dict[int, int] = {}
    for resource_id, number, status in (
        Load.objects.filter(resource__dataset_id__in=ids, status__in=FINISHED)
        .order_by()
        .values_list("resource_id", "number", "status")
    ):
        if number > latest.get(resource_id, -1):
            latest[resource_id] = number
            resources[resource_id].load_status = status
    for resource_id in DeclaredSchema.objects.filter(resource__dataset_id__in=ids).values_list(
        "resource_id", flat=True
    ):
        resources[resource_id].has_schema = True
    urls = defaultdict(list)
    for resource in resources.values():
        if resource.kind == Resource.Kind.URL and resource.url:
            urls[resource.url].append(resource)
    listed = list(urls)
    for start in range(0, len(listed), URL_CHUNK):
        for url, broken in LinkCheck.objects.filter(
            url__in=listed[start : start + URL_CHUNK], checked_at__isnull=False
        ).values_list("url", "broken"):
            for resource in urls[url]:
                resource.broken = broken
    return facts
