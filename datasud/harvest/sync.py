"""Writing one harvested dataset into the catalogue, and withdrawing the ones the source
dropped. Every write goes through `catalog.services` (as the harvesting account), so the
datasets' history and the search index follow.

Incremental: a dataset is rewritten only when what the source says changed (the
fingerprint of its `RemoteDataset`), when it was edited here since the last harvest (the
source's version wins, and the report says so), or when it comes back after a withdrawal.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from datasud.catalog import services as catalog
from datasud.catalog.importers.export_format import FORMAT_ALIASES
from datasud.catalog.models import Dataset, Resource

from .backends import RecordError, RemoteDataset, RemoteResource
from .matching import CatalogueMatcher
from .models import HarvestJob, HarvestRecord

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"


def harvest_one(job: HarvestJob, remote: RemoteDataset, record: HarvestRecord | None,
                matcher: CatalogueMatcher, actor) -> tuple[str, list[str]]:
    """Create, update or leave alone the dataset of `remote`. Returns (outcome, notes);
    raises `RecordError` or `CatalogError` when it cannot be harvested (nothing written)."""
    now = timezone.now()
    fingerprint = remote.fingerprint()
    if record is not None and record.dataset_id is None and record.harvested_at:
        HarvestRecord.objects.filter(pk=record.pk).update(last_seen_at=now, last_job=job)
        return SKIPPED, ["supprimé de DataSud : ignoré (supprimez sa fiche de moissonnage pour "
                         "le moissonner de nouveau)"]
    dataset = record.dataset if record is not None else None
    edited_here = (dataset is not None and record.local_modified_at is not None
                   and dataset.modified_at != record.local_modified_at)
    if (dataset is not None and record.content_hash == fingerprint
            and record.withdrawn_at is None and not edited_here):
        HarvestRecord.objects.filter(pk=record.pk).update(last_seen_at=now, last_job=job)
        return UNCHANGED, []

    notes: list[str] = []
    if dataset is None:
        _check_unclaimed(job, remote)
    organisation = matcher.organisation(remote)
    fields = {
        "title": " ".join(remote.title.split())[:300],
        "description": remote.description,
        "organisation": organisation,
        "licence": matcher.licence(remote, notes),
        "frequency": matcher.frequency(remote, notes),
        "temporal_start": remote.temporal_start,
        "temporal_end": remote.temporal_end,
        "contact_name": " ".join(remote.contact_name.split())[:200],
        "contact_email": _email(remote.contact_email, notes),
    }
    if fields["title"] == "":
        raise RecordError("titre vide")
    if remote.temporal_start and remote.temporal_end and remote.temporal_start > \
            remote.temporal_end:
        notes.append("fin de la période couverte avant son début : période ignorée")
        fields["temporal_start"] = fields["temporal_end"] = None
    relations = {"themes": matcher.themes(remote), "tags": remote.tags,
                 "territories": matcher.territories(remote, organisation)}
    source_url = remote.remote_url if len(remote.remote_url) <= 500 else ""

    with transaction.atomic():
        if dataset is None:
            organisation = fields.pop("organisation")
            dataset = catalog.create_dataset(
                actor, organisation, **fields, **relations, status=Dataset.Status.PUBLISHED,
                source_id=remote.remote_id[:100], source_url=source_url)
            record = record or HarvestRecord(source=job.source, remote_id=remote.remote_id)
            outcome = CREATED
        else:
            if edited_here:
                notes.append("modifié sur DataSud depuis le dernier moissonnage : la version de "
                             "la source est rétablie (voir l'historique du jeu de données)")
            # The source's version wins over local edits (see docs/harvesting.md).
            catalog.update_dataset(actor, dataset, **fields, **relations, force=True)
            if record.withdrawn_at is not None and catalog.unarchive_dataset(actor, dataset):
                notes.append("de nouveau publié par la source : désarchivé")
            if dataset.source_url != source_url:
                Dataset.objects.filter(pk=dataset.pk).update(source_url=source_url)
            outcome = UPDATED
        record.resource_ids = _sync_resources(actor, dataset, remote.resources,
                                              record.resource_ids or {})
        dataset.refresh_from_db(fields=["modified_at"])
        record.dataset = dataset
        record.remote_url = remote.remote_url[:1000]
        record.remote_modified = remote.modified
        record.content_hash = fingerprint
        record.local_modified_at = dataset.modified_at
        record.harvested_at = record.last_seen_at = now
        record.withdrawn_at = None
        record.last_job = job
        record.save()
    return outcome, notes


def _check_unclaimed(job: HarvestJob, remote: RemoteDataset) -> None:
    """Two sources never share a dataset: the same remote page harvested by another source
    (a portal listed twice, as CKAN and as DCAT...) is left to the first one."""
    if not remote.remote_url:
        return
    other = (HarvestRecord.objects.filter(remote_url=remote.remote_url[:1000],
                                          dataset__isnull=False)
             .exclude(source=job.source).select_related("source").first())
    if other is not None:
        raise RecordError(f"déjà moissonné par la source « {other.source} »")


def _email(value: str, notes: list[str]) -> str:
    value = value.strip().removeprefix("mailto:")
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        notes.append(f"courriel de contact invalide ignoré : « {value[:100]} »")
        return ""
    return value[:254]


def _format(resource: RemoteResource) -> str:
    name = " ".join(resource.format.strip().lower().split())
    if "/" in name and not name.startswith("http"):
        name = name.rsplit("/", 1)[-1]  # a media type: text/csv → csv
    elif name.startswith("http"):
        name = name.rstrip("/").rsplit("/", 1)[-1]  # an EU file-type URI: .../CSV → csv
    return FORMAT_ALIASES.get(name, name)[:40]


def _sync_resources(actor, dataset: Dataset, remotes: list[RemoteResource],
                    previous: dict) -> dict:
    """Make the dataset's harvested resources those of the source, updated in place (the
    datastore keeps its loads of an unchanged URL). Resources added here are left alone."""
    existing = {r.pk: r for r in dataset.resources.all()}
    mapping: dict[str, int] = {}
    for remote in remotes:
        if remote.key in mapping:
            continue
        resource = existing.get(previous.get(remote.key))
        values = {"title": " ".join(remote.title.split())[:300] or remote.url[:300],
                  "description": remote.description, "format": _format(remote)}
        if resource is None or resource.kind != Resource.Kind.URL:
            resource = catalog.add_resource(actor, dataset, url=remote.url, **values)
        else:
            catalog.update_resource(actor, resource, url=remote.url, **values)
        mapping[remote.key] = resource.pk
    kept = set(mapping.values())
    for pk in previous.values():
        if pk not in kept and pk in existing:
            catalog.delete_resource(actor, existing[pk])
    return mapping


def withdraw(job: HarvestJob, record: HarvestRecord, actor) -> bool:
    """The source no longer lists `record`: archive its dataset (the page and permalink
    stay). Returns True when a dataset was archived."""
    with transaction.atomic():
        archived = False
        dataset = record.dataset
        if dataset is not None:
            archived = catalog.archive_dataset(actor, dataset,
                                               reason=f"retiré de la source « {job.source} »")
        record.withdrawn_at = timezone.now()
        record.last_job = job
        record.save(update_fields=["withdrawn_at", "last_job"])
    return archived
