"""Domain operations on the catalogue, shared by the pages, the API and the importers.

Every function takes the acting user, checks what that user may do through the querysets
of `querysets.py`, keeps the dataset's activity history and the search index up to date,
and raises `CatalogError` (bad input, HTTP 400) or `PermissionDenied` (HTTP 403).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from datasud.search import indexing

from .models import Activity, Dataset, Licence, Organisation, Resource, Reuse, Tag, Theme
from .uploads import inspect_file


class CatalogError(ValueError):
    """Input the catalogue cannot accept; `field` names the culprit when there is one."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class HarvestedDatasetError(CatalogError):
    """A change to the metadata of a dataset that a harvest source owns: the source would
    put its own version back at the next harvest (HTTP 409 on the API)."""

    def __init__(self, message: str, source: str):
        self.source = source
        super().__init__(message)


# Fields whose changes are written to the dataset's history.
TRACKED_FIELDS = ["title", "description", "licence", "frequency", "temporal_start",
                  "temporal_end", "contact_name", "contact_email", "status", "private",
                  "organisation"]
TRACKED_RELATIONS = ["themes", "tags", "territories"]


def unique_slug(model, text: str, exclude_pk=None, max_length: int = 250) -> str:
    """A slug of `text` not yet used by `model`: `name`, then `name-2`, `name-3`..."""
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk)
                .values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def normalise_tag(name: str) -> str:
    return " ".join(name.strip().lower().split())[:100]


def get_or_create_tags(names: Iterable[str]) -> list[Tag]:
    wanted = []
    for name in names:
        tag = normalise_tag(name)
        if tag and tag not in wanted:
            wanted.append(tag)
    existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    missing = [Tag(name=n) for n in wanted if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    return [existing[n] for n in wanted]


def _snapshot(dataset: Dataset) -> dict:
    values = {}
    for name in TRACKED_FIELDS:
        value = getattr(dataset, name)
        if isinstance(value, (Licence, Organisation)):
            value = str(value)
        elif isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        values[name] = value
    if dataset.pk:
        values["themes"] = sorted(dataset.themes.values_list("slug", flat=True))
        values["tags"] = sorted(dataset.tags.values_list("name", flat=True))
        values["territories"] = sorted(
            f"{level}:{code}" for level, code in dataset.territories.values_list("level", "code")
        )
    return values


def _diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _check_can_publish_for(user, organisation: Organisation) -> None:
    if not Organisation.objects.publishable_by(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied("Vous n'êtes pas membre de cette organisation.")


def _check_can_edit(user, dataset: Dataset) -> None:
    if not Dataset.objects.editable_by(user).filter(pk=dataset.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas modifier ce jeu de données.")


def harvest_source_name(dataset: Dataset) -> str | None:
    """The name of the source `dataset` is harvested from, None if it was made here."""
    if dataset.pk is None:
        return None
    # Read through the reverse relation the harvest app declares, so that the catalogue
    # does not import it (harvest builds on the catalogue, not the other way round).
    return (Dataset.objects.filter(pk=dataset.pk, harvest_record__isnull=False)
            .values_list("harvest_record__source__name", flat=True).first())


def check_not_harvested(user, dataset: Dataset, force: bool = False) -> None:
    """Harvested datasets are read-only for producers: their source's version wins at each
    harvest. The DataSud team may still change one (`force`), knowing it will not last."""
    source = harvest_source_name(dataset)
    if source is None:
        return
    if not user.is_staff:
        raise HarvestedDatasetError(
            f"Ce jeu de données est moissonné depuis « {source} » : modifiez-le à la source, "
            "DataSud reprendra vos modifications au prochain moissonnage.", source)
    if not force:
        raise HarvestedDatasetError(
            f"Ce jeu de données est moissonné depuis « {source} » : vos modifications seront "
            "remplacées au prochain moissonnage. Confirmez avec force=true.", source)


def _validate_dates(start, end) -> None:
    if start and end and start > end:
        raise CatalogError("La fin de la période couverte précède son début.", "temporal_end")


def _apply_relations(dataset: Dataset, themes, tags, territories) -> None:
    if themes is not None:
        dataset.themes.set(themes)
    if tags is not None:
        dataset.tags.set(get_or_create_tags(tags))
    if territories is not None:
        dataset.territories.set(territories)


@transaction.atomic
def create_dataset(user, organisation: Organisation, *, title: str, themes: Iterable[Theme] = (),
                   tags: Iterable[str] = (), territories=(), slug: str = "",
                   **fields) -> Dataset:
    """Create a dataset in the name of `organisation` (draft unless `status` says otherwise)."""
    _check_can_publish_for(user, organisation)
    title = (title or "").strip()
    if not title:
        raise CatalogError("Le titre est obligatoire.", "title")
    _validate_dates(fields.get("temporal_start"), fields.get("temporal_end"))
    now = timezone.now()
    dataset = Dataset(title=title, organisation=organisation, created_by=user,
                      created_at=now, modified_at=now, **fields)
    dataset.slug = unique_slug(Dataset, slug or title)
    if dataset.status == Dataset.Status.PUBLISHED:
        dataset.published_at = now
    dataset.save()
    _apply_relations(dataset, list(themes), list(tags), list(territories))
    Activity.objects.create(dataset=dataset, actor=user, action=Activity.Action.CREATED,
                            changes={k: [None, v] for k, v in _snapshot(dataset).items() if v})
    indexing.schedule_reindex([dataset.pk])
    return dataset


@transaction.atomic
def update_dataset(user, dataset: Dataset, *, themes=None, tags=None, territories=None,
                   force: bool = False, **fields) -> Dataset:
    """Change the given fields; only what really changed is written to the history.

    A harvested dataset is refused with `HarvestedDatasetError`, except to staff passing
    `force` (the harvester itself, or the DataSud team fixing something urgently)."""
    _check_can_edit(user, dataset)
    check_not_harvested(user, dataset, force)
    if "organisation" in fields:
        _check_can_publish_for(user, fields["organisation"])
    if "title" in fields and not (fields["title"] or "").strip():
        raise CatalogError("Le titre est obligatoire.", "title")
    before = _snapshot(dataset)
    for name, value in fields.items():
        if name not in TRACKED_FIELDS:
            raise CatalogError(f"Champ inconnu : {name}", name)
        setattr(dataset, name, value)
    _validate_dates(dataset.temporal_start, dataset.temporal_end)
    _apply_relations(dataset, themes, tags, territories)
    changes = _diff(before, _snapshot(dataset))
    if not changes:
        return dataset
    now = timezone.now()
    dataset.modified_at = now
    action = Activity.Action.UPDATED
    if "status" in changes:
        if dataset.status == Dataset.Status.PUBLISHED:
            dataset.published_at = dataset.published_at or now
            action = Activity.Action.PUBLISHED
        else:
            action = Activity.Action.UNPUBLISHED
    dataset.save()
    Activity.objects.create(dataset=dataset, actor=user, action=action, changes=changes)
    indexing.schedule_reindex([dataset.pk])
    return dataset


@transaction.atomic
def delete_dataset(user, dataset: Dataset) -> None:
    _check_can_edit(user, dataset)
    files = [r.file.name for r in dataset.resources.all() if r.file]
    pk = dataset.pk
    storage = Resource._meta.get_field("file").storage
    dataset.delete()
    indexing.schedule_remove([pk])
    # Files go only once the rows are gone for good.
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


def _set_archived(user, dataset: Dataset, archived: bool, reason: str) -> bool:
    _check_can_edit(user, dataset)
    current = Dataset.objects.filter(pk=dataset.pk).values_list("archived_at", flat=True).get()
    if (current is not None) == archived:
        dataset.archived_at = current
        return False
    # `modified_at` stays: archiving says nothing new about the data, and the harvester
    # reads a moved `modified_at` as a local edit of the metadata.
    dataset.archived_at = timezone.now() if archived else None
    Dataset.objects.filter(pk=dataset.pk).update(archived_at=dataset.archived_at)
    changes = {"archived_at": [current.isoformat() if current else None,
                               dataset.archived_at.isoformat() if dataset.archived_at
                               else None]}
    if reason:
        changes["reason"] = reason
    action = Activity.Action.ARCHIVED if archived else Activity.Action.UNARCHIVED
    Activity.objects.create(dataset=dataset, actor=user, action=action, changes=changes)
    indexing.schedule_reindex([dataset.pk])
    return True


@transaction.atomic
def archive_dataset(user, dataset: Dataset, reason: str = "") -> bool:
    """Archive `dataset`: no longer maintained, its page and API record stay but search
    leaves it out. `reason` goes to the history. False when it was already archived."""
    return _set_archived(user, dataset, True, (reason or "").strip()[:500])


@transaction.atomic
def unarchive_dataset(user, dataset: Dataset) -> bool:
    """Bring an archived dataset back; False when it was not archived."""
    return _set_archived(user, dataset, False, "")


def _touch(dataset: Dataset, user, action: str, changes: dict) -> None:
    dataset.modified_at = timezone.now()
    dataset.save(update_fields=["modified_at"])
    Activity.objects.create(dataset=dataset, actor=user, action=action, changes=changes)
    indexing.schedule_reindex([dataset.pk])


def add_resource(user, dataset: Dataset, *, title: str = "", description: str = "",
                 upload=None, url: str = "", format: str = "") -> Resource:
    """Attach an uploaded file (streamed to storage, with checksum and detected format) or a
    remote URL to `dataset`. Nothing is stored when any check fails."""
    _check_can_edit(user, dataset)
    if bool(upload) == bool(url):
        raise CatalogError("Donnez soit un fichier, soit une adresse (URL).", "file")
    resource = Resource(dataset=dataset, description=description,
                        position=dataset.resources.count())
    if upload is not None:
        name = upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or "fichier"
        facts = inspect_file(upload, name)
        if facts.size == 0:
            raise CatalogError("Le fichier est vide.", "file")
        resource.kind = Resource.Kind.FILE
        resource.size = facts.size
        resource.checksum = facts.checksum
        resource.format = (format or facts.format).lower()
        resource.media_type = facts.media_type
        resource.title = (title or name).strip()
        # Stored before the row is written; removed again if the transaction fails, so a
        # failure never leaves a half-registered file behind.
        resource.file.save(name, upload, save=False)
        try:
            with transaction.atomic():
                resource.save()
                _touch(dataset, user, Activity.Action.RESOURCE_ADDED,
                       {"resource": resource.title})
        except Exception:
            resource.file.storage.delete(resource.file.name)
            raise
        return resource
    resource.kind = Resource.Kind.URL
    resource.url = url
    resource.format = (format or _format_from_url(url)).lower()
    resource.title = (title or url).strip()[:300]
    with transaction.atomic():
        resource.save()
        _touch(dataset, user, Activity.Action.RESOURCE_ADDED, {"resource": resource.title})
    return resource


def replace_resource_file(user, resource: Resource, name: str, content: bytes) -> Resource:
    """New bytes for the same uploaded resource (same address, same id), as the platform's
    own publications (referentials, programme figures, the ARCEP example) refresh theirs:
    the datastore sees the new checksum and loads a new version, the one served staying
    until the new one is ready. The old file is deleted once the change is committed."""
    _check_can_edit(user, resource.dataset)
    old = resource.file.name
    with transaction.atomic():
        resource.file.save(name, ContentFile(content), save=False)
        resource.size = len(content)
        resource.checksum = hashlib.sha256(content).hexdigest()
        resource.modified_at = timezone.now()
        resource.save()
        _touch(resource.dataset, user, Activity.Action.RESOURCE_UPDATED,
               {"resource": resource.title, "checksum": resource.checksum})
    storage = resource.file.storage
    if old and old != resource.file.name:
        transaction.on_commit(lambda: storage.delete(old))
    return resource


def put_generated_file(user, dataset: Dataset, title: str, name: str, content: bytes, *,
                       description: str = "", format: str = "csv") -> tuple[Resource, str]:
    """The uploaded resource `title` of `dataset` holding `content`, for the files the
    platform generates and publishes itself (referentials, programme figures, the ARCEP
    example): added the first time, replaced when the bytes change, untouched otherwise.
    Returns the resource and what happened to it, as the commands report it ("ajoutée",
    "nouvelle version", "inchangée")."""
    resource = dataset.resources.filter(title=title).first()
    if resource is None:
        resource = add_resource(user, dataset, title=title, description=description,
                                upload=ContentFile(content, name=name), format=format)
        return resource, "ajoutée"
    if resource.checksum != hashlib.sha256(content).hexdigest():
        replace_resource_file(user, resource, name, content)
        return resource, "nouvelle version"
    return resource, "inchangée"


def _format_from_url(url: str) -> str:
    path = url.split("?", 1)[0].rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1][:40] if "." in last else ""


@transaction.atomic
def update_resource(user, resource: Resource, **fields) -> Resource:
    _check_can_edit(user, resource.dataset)
    changes = {}
    for name in ("title", "description", "format", "url"):
        if name in fields and fields[name] is not None and fields[name] != getattr(resource, name):
            if name == "url" and resource.kind == Resource.Kind.FILE:
                raise CatalogError("Une ressource déposée n'a pas d'adresse à modifier.", "url")
            changes[name] = [getattr(resource, name), fields[name]]
            setattr(resource, name, fields[name])
    if changes:
        resource.modified_at = timezone.now()
        resource.save()
        _touch(resource.dataset, user, Activity.Action.RESOURCE_UPDATED,
               {"resource": resource.title, **changes})
    return resource


@transaction.atomic
def delete_resource(user, resource: Resource) -> None:
    dataset = resource.dataset
    _check_can_edit(user, dataset)
    name = resource.file.name if resource.file else ""
    title = resource.title
    resource.delete()
    _touch(dataset, user, Activity.Action.RESOURCE_DELETED, {"resource": title})
    if name:
        storage = Resource._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def create_reuse(user, *, title: str, url: str, datasets=(), slug: str = "", **fields) -> Reuse:
    if not user or not user.is_authenticated:
        raise PermissionDenied("Connectez-vous pour déclarer une réutilisation.")
    title = (title or "").strip()
    if not title:
        raise CatalogError("Le titre est obligatoire.", "title")
    if fields.get("organisation") is not None:
        _check_can_publish_for(user, fields["organisation"])
    reuse = Reuse(title=title, url=url, owner=user, **fields)
    reuse.slug = unique_slug(Reuse, slug or title)
    reuse.save()
    reuse.datasets.set(Dataset.objects.visible_to(user).filter(pk__in=[d.pk for d in datasets]))
    return reuse


def _image_storage():
    return Reuse._meta.get_field("image").storage


def _delete_image_on_commit(name: str) -> None:
    # Only once the rows are committed: a rolled-back change keeps its image.
    if name:
        storage = _image_storage()
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def update_reuse(user, reuse: Reuse, *, datasets=None, **fields) -> Reuse:
    """Change the given fields of `reuse`.

    `datasets` (None: unchanged) is the new list as the editor sees it: datasets they may
    not see (made private since) stay linked, since they could neither keep nor remove
    them. A replaced or cleared image file is deleted once the change is committed."""
    if not Reuse.objects.editable_by(user).filter(pk=reuse.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas modifier cette réutilisation.")
    organisation = fields.get("organisation")
    # Checked only when it changes: an author who has left the organisation since may still
    # change the rest.
    if organisation is not None and organisation.pk != reuse.organisation_id:
        _check_can_publish_for(user, organisation)
    old_image = reuse.image.name if reuse.image else ""
    for name, value in fields.items():
        setattr(reuse, name, value)
    if not (reuse.title or "").strip():
        raise CatalogError("Le titre est obligatoire.", "title")
    reuse.save()
    if datasets is not None:
        visible = Dataset.objects.visible_to(user)
        hidden = list(reuse.datasets.exclude(pk__in=visible.values("pk")))
        reuse.datasets.set(list(visible.filter(pk__in=[d.pk for d in datasets])) + hidden)
    if old_image and old_image != (reuse.image.name if reuse.image else ""):
        _delete_image_on_commit(old_image)
    return reuse


@transaction.atomic
def delete_reuse(user, reuse: Reuse) -> None:
    """Delete `reuse`, and its image file once the deletion is committed."""
    if not Reuse.objects.editable_by(user).filter(pk=reuse.pk).exists():
        raise PermissionDenied("Vous ne pouvez pas supprimer cette réutilisation.")
    image = reuse.image.name if reuse.image else ""
    reuse.delete()
    _delete_image_on_commit(image)
