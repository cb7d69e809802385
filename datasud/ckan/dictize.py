"""Catalogue rows as CKAN dictionaries (package, resource, organization, group, tag,
licence), with CKAN's field names and shapes.

DataSud fields without a CKAN equivalent are package `extras` (as ckanext-dcat names them
where it does): `frequency`, `temporal_start`, `temporal_end`, `territories` (keys such as
`commune:13055`), `spatial_text`, `issued`, `archived`, `datasud_page`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Tag, Theme
from datasud.datastore.models import Load

from . import ids
from .context import Context

#: Extras a client may write (package_create/update); the others are computed.
WRITABLE_EXTRAS = ("frequency", "temporal_start", "temporal_end", "territories")
READ_ONLY_EXTRAS = ("spatial_text", "issued", "archived", "datasud_page")


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """CKAN's timestamps: ISO 8601 in UTC without an offset ("2024-05-02T09:15:00.123456")."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    return value.isoformat()


def ckan_format(value: str) -> str:
    # CKAN stores formats as labels ("CSV", "GeoJSON"); ours are lower-case short names.
    return (value or "").upper()


def organization_dict(ctx: Context, organisation: Organisation,
                      package_count: int | None = None) -> dict:
    logo = organisation.logo.url if organisation.logo else ""
    result = {
        "id": ids.make(ids.ORGANISATION, organisation.pk),
        "name": organisation.slug,
        "title": organisation.name,
        "display_name": organisation.name,
        "description": organisation.description,
        "image_url": ctx.absolute(logo) or "",
        "image_display_url": ctx.absolute(logo) or "",
        "created": iso(organisation.created_at),
        "type": "organization",
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(ctx: Context, theme: Theme, package_count: int | None = None) -> dict:
    result = {
        "id": ids.make(ids.GROUP, theme.pk),
        "name": theme.slug,
        "title": theme.name,
        "display_name": theme.name,
        "description": theme.description,
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def tag_dict(tag: Tag) -> dict:
    return {"id": ids.make(ids.TAG, tag.pk), "name": tag.name, "display_name": tag.name,
            "state": "active", "vocabulary_id": None}


def license_dict(licence: Licence) -> dict:
    return {
        "id": licence.slug,
        "title": licence.title,
        "url": licence.url,
        "is_okd_compliant": licence.is_open,
        "is_osi_compliant": False,
        "od_conformance": "approved" if licence.is_open else "not reviewed",
        "osd_conformance": "not reviewed",
        "domain_content": True,
        "domain_data": True,
        "domain_software": False,
        "family": "",
        "maintainer": "",
        "status": "active",
    }


def resource_dict(ctx: Context, resource: Resource, datastore_active: bool) -> dict:
    is_file = resource.kind == Resource.Kind.FILE
    return {
        "id": ids.make(ids.RESOURCE, resource.pk),
        "package_id": ids.make(ids.DATASET, resource.dataset_id),
        "name": resource.title,
        "description": resource.description,
        "format": ckan_format(resource.format),
        "url": ctx.absolute(resource.download_url) or "",
        "url_type": "upload" if is_file else None,
        "mimetype": resource.media_type or None,
        "mimetype_inner": None,
        "size": resource.size,
        "hash": resource.checksum,
        "position": resource.position,
        "created": iso(resource.created_at),
        "last_modified": iso(resource.modified_at),
        "metadata_modified": iso(resource.modified_at),
        "state": "active",
        "resource_type": None,
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": datastore_active,
    }


def loaded_resource_ids(resource_ids: list[int]) -> set[int]:
    """Resources with a version served by the datastore (CKAN's `datastore_active`)."""
    if not resource_ids:
        return set()
    return set(Load.objects.filter(resource_id__in=resource_ids, is_current=True)
               .values_list("resource_id", flat=True))


def extras(ctx: Context, dataset: Dataset, territories: list) -> list[dict]:
    values = {
        "frequency": dataset.frequency,
        "temporal_start": iso(dataset.temporal_start),
        "temporal_end": iso(dataset.temporal_end),
        "territories": ",".join(t.key for t in territories) or None,
        "spatial_text": ", ".join(t.name for t in territories) or None,
        "issued": iso(dataset.published_at),
        "archived": iso(dataset.archived_at),
        "datasud_page": ctx.absolute(dataset.get_absolute_url()),
        # ckanext-spatial's extra: the extent as a GeoJSON polygon (WGS84).
        "spatial": spatial_geojson(dataset.spatial_bbox),
    }
    return [{"key": key, "value": value} for key, value in sorted(values.items())
            if value is not None]


def spatial_geojson(bbox: list[float] | None) -> str | None:
    """A dataset's extent as the GeoJSON Polygon text ckanext-spatial stores in `spatial`."""
    if bbox is None:
        return None
    west, south, east, north = bbox
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@dataclass
class Related:
    """What a package dictionary shows of a dataset's relations, read in bulk."""

    themes: list = field(default_factory=list)       # Theme-like: pk, slug, name, description
    tags: list = field(default_factory=list)         # Tag-like: pk, name
    territories: list = field(default_factory=list)  # Territory-like: key, name
    resources: list[Resource] = field(default_factory=list)


def with_related(datasets) -> list[Dataset]:
    """`datasets` (a queryset) loaded with everything a package dictionary shows.

    Relations are read as plain rows, one query each, rather than with
    `prefetch_related`, whose per-object machinery costs more than the queries for a page
    of results (measured: about 4 times as long for 100 datasets).
    """
    found = list(datasets.select_related("organisation", "licence"))
    ids = [d.pk for d in found]
    related = {pk: Related() for pk in ids}
    for dataset_id, *row in (Dataset.themes.through.objects.filter(dataset_id__in=ids)
                             .order_by("theme__position", "theme__name")
                             .values_list("dataset_id", "theme_id", "theme__slug",
                                          "theme__name", "theme__description")):
        pk, slug, name, description = row
        related[dataset_id].themes.append(SimpleNamespace(pk=pk, slug=slug, name=name,
                                                          description=description))
    for dataset_id, pk, name in (Dataset.tags.through.objects.filter(dataset_id__in=ids)
                                 .order_by("tag__name")
                                 .values_list("dataset_id", "tag_id", "tag__name")):
        related[dataset_id].tags.append(SimpleNamespace(pk=pk, name=name))
    # Territories carry their geometry (large JSON): only what the extras show is read.
    for dataset_id, level, code, name in (
            Dataset.territories.through.objects.filter(dataset_id__in=ids)
            .order_by("territory__level", "territory__code")
            .values_list("dataset_id", "territory__level", "territory__code",
                         "territory__name")):
        related[dataset_id].territories.append(SimpleNamespace(key=f"{level}:{code}",
                                                               name=name))
    for resource in Resource.objects.filter(dataset_id__in=ids).order_by("position", "id"):
        related[resource.dataset_id].resources.append(resource)
    for dataset in found:
        dataset.ckan_related = related[dataset.pk]
    return found


def package_dicts(ctx: Context, datasets: list[Dataset]) -> list[dict]:
    """Package dictionaries of datasets loaded by `with_related`, in their order."""
    resource_ids = [r.pk for d in datasets for r in d.ckan_related.resources]
    loaded = loaded_resource_ids(resource_ids)
    return [_package(ctx, dataset, loaded) for dataset in datasets]


def package_dict(ctx: Context, dataset: Dataset) -> dict:
    fresh = with_related(Dataset.objects.filter(pk=dataset.pk))
    return package_dicts(ctx, fresh)[0]


def _package(ctx: Context, dataset: Dataset, loaded: set[int]) -> dict:
    licence = dataset.licence
    related = dataset.ckan_related
    tags, resources = related.tags, related.resources
    return {
        "id": ids.make(ids.DATASET, dataset.pk),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "url": dataset.source_url,
        "author": None,
        "author_email": None,
        "maintainer": dataset.contact_name or None,
        "maintainer_email": dataset.contact_email or None,
        "license_id": licence.slug if licence else None,
        "license_title": licence.title if licence else None,
        "license_url": licence.url if licence else None,
        "isopen": bool(licence and licence.is_open),
        "owner_org": ids.make(ids.ORGANISATION, dataset.organisation_id),
        "organization": organization_dict(ctx, dataset.organisation),
        "private": dataset.private,
        "state": "active" if dataset.status == Dataset.Status.PUBLISHED else "draft",
        "type": "dataset",
        "version": None,
        "metadata_created": iso(dataset.created_at),
        "metadata_modified": iso(dataset.modified_at),
        "creator_user_id": None,
        "groups": [group_dict(ctx, theme) for theme in related.themes],
        "tags": [tag_dict(tag) for tag in tags],
        "num_tags": len(tags),
        "resources": [resource_dict(ctx, r, r.pk in loaded) for r in resources],
        "num_resources": len(resources),
        "extras": extras(ctx, dataset, related.territories),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
