"""Datastore operations: ask for a load, run it, find the version being served.

A load runs in the background (`tasks.load_resource`). It reads the resource's file (or
downloads its remote address), writes typed Parquet files in a new version folder, profiles
each table, infers its Table Schema, validates it against the declared schema if any, and
only then makes the new version current, in one transaction. Whatever fails, the version
served before stays served and the reason is recorded on the load.
"""
from __future__ import annotations

import json
import logging
import secrets
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from datasud.catalog.models import Resource

from . import duck, sources
from .errors import IngestError, LoadFailed
from .ingest import StagedTable, read_source
from .models import DeclaredSchema, Load, Table
from .profile import profile_table
from .tableschema import SchemaError, infer_table_schema, parse_table_schema, validate_table

logger = logging.getLogger(__name__)

# Formats the datastore can load; others (PDF, shapefiles...) are just files.
TABULAR_FORMATS = {"csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "json", "jsonl",
                   "ndjson", "parquet",
                   # Geographic: tables with a geometry, read by datasud/geo's readers.
                   "geojson", "shp", "shapefile", "gpkg", "kml"}
# A load still "running" after this long belongs to a process that died.
STALE_AFTER = timedelta(hours=2)
# Versions kept on disk: the current one and the one before (queries that started on it
# a moment before the switch can finish).
KEEP_VERSIONS = 2


def is_tabular(resource: Resource) -> bool:
    return (resource.format or "").lower() in TABULAR_FORMATS


def current_load(resource: Resource) -> Load | None:
    return resource.datastore_loads.filter(is_current=True).first()


def latest_load(resource: Resource) -> Load | None:
    return resource.datastore_loads.order_by("-number").first()


def current_tables(resource: Resource) -> list[Table]:
    return list(Table.objects.filter(load__resource=resource, load__is_current=True)
                .select_related("load").order_by("position"))


def needs_load(resource: Resource) -> bool:
    """True when the resource is tabular and its source changed since the last load."""
    if not is_tabular(resource):
        return False
    last = latest_load(resource)
    if last is None:
        return True
    if resource.kind == Resource.Kind.FILE:
        return last.source_checksum != resource.checksum
    return last.source_url != resource.url


def request_load(resource: Resource, user=None) -> Load:
    """Queue a new load of `resource` (or return the one already waiting or running)."""
    _fail_stale_loads(resource)
    pending = resource.datastore_loads.filter(
        status__in=[Load.Status.QUEUED, Load.Status.RUNNING]).first()
    if pending is not None:
        return pending
    load = new_load(resource, user)
    transaction.on_commit(lambda: _enqueue(load))
    return load


def new_load(resource: Resource, user=None) -> Load:
    """Record a queued load of `resource` with the next version number (not enqueued)."""
    for _attempt in range(3):  # two requests at once may pick the same number
        last = latest_load(resource)
        try:
            with transaction.atomic():
                return Load.objects.create(
                    resource=resource, number=(last.number + 1) if last else 1,
                    requested_by=user if getattr(user, "is_authenticated", False) else None,
                    source_url=resource.url if resource.kind == Resource.Kind.URL else "",
                    source_checksum=resource.checksum or "")
        except IntegrityError:
            continue
    raise IngestError("Un autre chargement vient d'être demandé ; réessayez.", code="busy")


def _enqueue(load: Load) -> None:
    from .tasks import load_resource

    result = load_resource.enqueue(load.pk)
    Load.objects.filter(pk=load.pk, task_id="").update(task_id=str(result.id)[:64])


def _fail_stale_loads(resource: Resource) -> None:
    limit = timezone.now() - STALE_AFTER
    resource.datastore_loads.filter(status=Load.Status.RUNNING, started_at__lt=limit).update(
        status=Load.Status.FAILED, finished_at=timezone.now(),
        error={"message": "Le chargement a été interrompu (arrêt du serveur).",
               "code": "interrupted", "line": None, "column": None, "details": []})


def run_load(load_id: int) -> dict:
    """Run one queued load to its end. Returns a short summary (the task's result)."""
    claimed = Load.objects.filter(pk=load_id, status=Load.Status.QUEUED).update(
        status=Load.Status.RUNNING, started_at=timezone.now(), stage="Démarrage")
    if not claimed:  # already run, or being run by another worker
        return {"load": load_id, "status": "skipped"}
    load = Load.objects.select_related("resource").get(pk=load_id)
    resource = load.resource
    token = secrets.token_hex(4)
    load.directory = f"resources/{resource.pk}/v{load.number}-{token}"
    workdir = load.path
    try:
        staged, source = _read(load, resource, workdir)
        tables = _describe(load, resource, staged)
        _make_current(load, tables, source)
    except Exception as exc:  # noqa: BLE001 - every failure must be recorded on the load
        shutil.rmtree(workdir, ignore_errors=True)
        if isinstance(exc, IngestError):
            error = exc.as_dict()
        else:
            logger.exception("Datastore load %s of resource %s failed", load.pk, resource.pk)
            error = {"message": "Erreur interne pendant le chargement ; l'équipe DataSud "
                                "en est informée.", "code": "internal", "line": None,
                     "column": None, "details": []}
        Load.objects.filter(pk=load.pk).update(status=Load.Status.FAILED, error=error,
                                               finished_at=timezone.now(), stage="")
        return {"load": load.pk, "status": "failed", "error": error["message"]}
    _remove_old_versions(resource)
    return {"load": load.pk, "status": "succeeded",
            "rows": sum(t.row_count for t in tables)}


def load_now(resource: Resource, user=None, timeout: float = 600) -> list[Table]:
    """Load `resource` here if it has no served version, a newer file or a pending load, so
    that a command ends with its tables served; returns them. A worker may have claimed
    the queued load first: then wait for it, up to `timeout` seconds. LoadFailed if the load
    does not succeed."""
    latest = latest_load(resource)
    if (needs_load(resource) or current_load(resource) is None
            or (latest is not None and latest.is_pending)):
        load = request_load(resource, user)
        run_load(load.pk)
        deadline = time.monotonic() + timeout
        load.refresh_from_db()
        while load.is_pending and time.monotonic() < deadline:
            time.sleep(0.5)
            load.refresh_from_db()
        if load.status != load.Status.SUCCEEDED:
            message = (load.error or {}).get("message") or load.get_status_display()
            raise LoadFailed(f"Chargement de « {resource.title} » en échec : {message}")
    return current_tables(resource)


def _progress(load: Load, stage: str) -> None:
    Load.objects.filter(pk=load.pk).update(stage=stage[:200])


def _read(load: Load, resource: Resource, workdir: Path):
    _progress(load, "Récupération du fichier")
    with sources.open_source(resource) as source:
        workdir.mkdir(parents=True, exist_ok=True)
        con = duck.ingest_connection(spatial=False)
        try:
            staged = read_source(source.path, workdir, con, declared_format=resource.format,
                                 on_progress=lambda stage: _progress(load, stage))
        finally:
            con.close()
    return staged, source


def _describe(load: Load, resource: Resource, staged: list[StagedTable]) -> list[Table]:
    declared = DeclaredSchema.objects.filter(resource=resource).first()
    con = duck.ingest_connection(spatial=False)
    tables = []
    try:
        for position, part in enumerate(staged):
            label = part.name or f"table {position + 1}"
            _progress(load, f"Profil des colonnes ({label})")
            profile = profile_table(con, part.path, part.columns)
            validation = None
            if declared is not None:
                _progress(load, f"Validation du schéma ({label})")
                validation = validate_table(con, part.path, part.columns, declared.descriptor)
            tables.append(Table(
                load=load, position=position, name=part.name[:200],
                file=str(part.path.relative_to(settings.DATASTORE_DIR)),
                row_count=part.row_count, columns=[list(c) for c in part.columns],
                source_columns=part.source_columns, profile=profile,
                table_schema=infer_table_schema(profile), validation=validation,
                size=part.path.stat().st_size))
    finally:
        con.close()
    load.options = staged[0].options if len(staged) == 1 else {
        "format": staged[0].options.get("format", ""), "sheets": [s.name for s in staged]}
    load.warnings = [w for part in staged for w in part.warnings]
    return tables


@transaction.atomic
def _make_current(load: Load, tables: list[Table], source) -> None:
    Table.objects.bulk_create(tables)
    # The switch: the old version stops being current in the same transaction as the new
    # one starts, so readers see one or the other, never none.
    Load.objects.filter(resource_id=load.resource_id, is_current=True).update(is_current=False)
    load.status = Load.Status.SUCCEEDED
    load.is_current = True
    load.stage = ""
    load.error = None
    load.finished_at = timezone.now()
    load.source_size = source.size
    load.source_format = (load.options or {}).get("format", "")
    if source.checksum and not load.source_checksum:
        load.source_checksum = source.checksum
    load.save()


def _remove_old_versions(resource: Resource) -> None:
    """Delete the files of versions older than the KEEP_VERSIONS most recent good ones."""
    done = resource.datastore_loads.filter(status=Load.Status.SUCCEEDED).exclude(directory="")
    for old in done.order_by("-number")[KEEP_VERSIONS:]:
        shutil.rmtree(old.path, ignore_errors=True)
        Load.objects.filter(pk=old.pk).update(directory="")


def declare_schema(resource: Resource, descriptor: dict | None, url: str = "",
                   user=None) -> DeclaredSchema:
    """Declare the Table Schema of `resource` (given, or fetched from `url`), then reload
    the resource so that the served version comes with its validation report."""
    if descriptor is None and not url:
        raise SchemaError("Donnez le schéma (« schema ») ou son adresse (« url »).")
    if descriptor is None:
        descriptor = _fetch_schema(url)
    descriptor = parse_table_schema(descriptor)
    declared, _created = DeclaredSchema.objects.update_or_create(
        resource=resource, defaults={"descriptor": descriptor, "url": url})
    if is_tabular(resource):
        request_load(resource, user)
    return declared


MAX_SCHEMA_BYTES = 2 * 1024 * 1024


def _fetch_schema(url: str) -> dict:
    with tempfile.TemporaryDirectory(dir=sources._tmp_root()) as tmp:
        source = sources.download(url, Path(tmp))
        if source.size > MAX_SCHEMA_BYTES:
            raise SchemaError("Le schéma distant est trop volumineux (plus de 2 Mo).")
        try:
            return json.loads(source.path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SchemaError(f"Le schéma distant n'est pas un JSON valide : {exc}.") from exc


def remove_resource_files(resource_id: int) -> None:
    """Delete every version of a deleted resource."""
    shutil.rmtree(settings.DATASTORE_DIR / "resources" / str(resource_id), ignore_errors=True)
