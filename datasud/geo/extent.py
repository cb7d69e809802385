"""A dataset's spatial extent (`Dataset.spatial_bbox`), what search by map area reads.

The extent is the union of the extents of the dataset's current geo tables (their
`Table.geo["bbox"]`, computed from the data at load time) when it has any: the data says
best where it lies. Otherwise it is the union of the outlines of its declared territories
(`Territory.bbox`). Neither: unknown (NULL), and a search by map area leaves it out.

Kept in step by `geo.signals` (territories changed, geo version made current, resource
deleted), by the catalogue importer after its bulk inserts, and rebuilt for the whole
catalogue by `datasud refresh_spatial_extents`.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

from django.db import transaction

from datasud.catalog.models import SPATIAL_FIELDS as FIELDS
from datasud.catalog.models import Dataset
from datasud.datastore.models import Table
from datasud.territories.models import Territory

BATCH = 500


def valid_bbox(box) -> list[float] | None:
    """`box` as `[west, south, east, north]` floats if it is a sound WGS84 extent."""
    try:
        west, south, east, north = (float(v) for v in box)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return [west, south, east, north]


def union_bbox(boxes: Iterable) -> list[float] | None:
    """The smallest extent holding every valid box of `boxes` (None if there is none)."""
    valid = [b for b in (valid_bbox(box) for box in boxes) if b is not None]
    if not valid:
        return None
    return [min(b[0] for b in valid), min(b[1] for b in valid),
            max(b[2] for b in valid), max(b[3] for b in valid)]


def compute_spatial_bboxes(dataset_ids: list[int]) -> dict[int, list[float] | None]:
    """The extent each of `dataset_ids` should have (see the module's docstring)."""
    from_data: dict[int, list] = {}
    for dataset_id, geo in (Table.objects
                            .filter(load__resource__dataset_id__in=dataset_ids,
                                    load__is_current=True, geo__isnull=False)
                            .values_list("load__resource__dataset_id", "geo")):
        from_data.setdefault(dataset_id, []).append((geo or {}).get("bbox"))
    links = list(Dataset.territories.through.objects.filter(dataset_id__in=dataset_ids)
                 .values_list("dataset_id", "territory_id"))
    # Outlines are large JSON: only the boxes of the territories named are read.
    boxes = dict(Territory.objects.filter(id__in={t for _, t in links})
                 .values_list("id", "bbox"))
    declared: dict[int, list] = {}
    for dataset_id, territory_id in links:
        declared.setdefault(dataset_id, []).append(boxes.get(territory_id))
    found = {}
    for dataset_id in dataset_ids:
        found[dataset_id] = (union_bbox(from_data.get(dataset_id, ()))
                             or union_bbox(declared.get(dataset_id, ())))
    return found


def refresh_spatial_bbox(dataset_ids: Iterable[int]) -> int:
    """Recompute and store the extent of `dataset_ids`; returns how many changed.

    Written with `update()`: the extent is derived data, not a change of the producer's
    (no history entry, no `modified_at`). Cached search counts are dropped once committed,
    as a search by area may now count differently.
    """
    ids = sorted({int(pk) for pk in dataset_ids if pk is not None})
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        wanted = compute_spatial_bboxes(batch)
        current = {pk: [w, s, e, n] for pk, w, s, e, n in
                   Dataset.objects.filter(pk__in=batch).values_list("pk", *FIELDS)}
        for pk, box in wanted.items():
            if pk not in current:
                continue  # deleted meanwhile
            values = box or [None] * 4
            if current[pk] != values:
                Dataset.objects.filter(pk=pk).update(**dict(zip(FIELDS, values, strict=True)))
                changed += 1
    if changed:
        transaction.on_commit(_forget_cached_counts)
    return changed


def refresh_all() -> int:
    """Recompute every dataset's extent (after a bulk import, or to repair)."""
    return refresh_spatial_bbox(Dataset.objects.values_list("pk", flat=True))


def _forget_cached_counts() -> None:
    from datasud.search.cache import renew_token

    renew_token()
