"""Storage housekeeping after crashes: what a killed process leaves behind.

A process killed in the middle of its work (`kill -9`, power cut, out of memory) cannot tidy
up. What it may leave, and what `datasud cleanup_storage` does about it:
- an upload half written to `MEDIA_ROOT`, referenced by no row (the row is written after the
  file): deleted;
- a datastore version folder referenced by no load, or the folder of a resource that no
  longer exists: deleted;
- temporary files (`DATASTORE_DIR/tmp`, partial exports `.export-*.part`): deleted;
- a load still "running" long after it started: marked failed with the reason, its folder
  deleted; the version served before it is untouched (it stays current). Queued loads are
  left alone: they wait in the task queue for a worker.

Only what is older than the grace period is touched, so that work in progress (an upload
being received, a load running) is never mistaken for debris. Files referenced by the
database are never deleted.
"""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

DEFAULT_GRACE = dt.timedelta(hours=2)


@dataclass
class CleanupReport:
    orphan_uploads: list[str] = field(default_factory=list)
    orphan_versions: list[str] = field(default_factory=list)
    temporary_files: list[str] = field(default_factory=list)
    interrupted_loads: list[str] = field(default_factory=list)
    freed_bytes: int = 0

    @property
    def total(self) -> int:
        return (len(self.orphan_uploads) + len(self.orphan_versions)
                + len(self.temporary_files) + len(self.interrupted_loads))


def _older_than(path: Path, limit: float) -> bool:
    try:
        return path.lstat().st_mtime < limit
    except FileNotFoundError:
        return False


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _remove(path: Path, report: CleanupReport, dry_run: bool) -> None:
    report.freed_bytes += _size(path)
    if dry_run:
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def referenced_media() -> set[str]:
    """Every file name stored in a FileField/ImageField of any model."""
    names: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.FileField):
                names.update(model.objects.exclude(**{model_field.name: ""})
                             .values_list(model_field.name, flat=True).iterator())
    return names


def _orphan_uploads(limit: float, report: CleanupReport, dry_run: bool) -> None:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    keep = referenced_media()
    for path in sorted(root.rglob("*")):
        if path.is_file() and _older_than(path, limit):
            if path.relative_to(root).as_posix() not in keep:
                report.orphan_uploads.append(path.relative_to(root).as_posix())
                _remove(path, report, dry_run)


def _interrupted_loads(cutoff: dt.datetime, report: CleanupReport, dry_run: bool) -> None:
    Load = apps.get_model("datastore", "Load")
    # Only loads a worker started: a queued one still waits in the task queue, and runs
    # when a worker comes back.
    pending = [Load.Status.RUNNING]
    stale = Load.objects.filter(status__in=pending, started_at__lt=cutoff)
    for load in stale:
        report.interrupted_loads.append(str(load))
        if dry_run:
            continue
        with transaction.atomic():
            # Only if still pending: a worker may have finished it meanwhile.
            updated = Load.objects.filter(pk=load.pk, status__in=pending).update(
                status=Load.Status.FAILED, is_current=False, finished_at=timezone.now(),
                stage="", error={"message": "Chargement interrompu (arrêt du serveur ou du "
                                            "worker) : relancez-le depuis la page de la "
                                            "ressource.", "code": "interrupted"})
        if updated and load.directory:
            _remove(settings.DATASTORE_DIR / load.directory, report, dry_run=False)


def _orphan_versions(limit: float, report: CleanupReport, dry_run: bool) -> None:
    root = Path(settings.DATASTORE_DIR) / "resources"
    if not root.is_dir():
        return
    Load = apps.get_model("datastore", "Load")
    Resource = apps.get_model("catalog", "Resource")
    kept = {Path(d).as_posix() for d in
            Load.objects.exclude(directory="").values_list("directory", flat=True)}
    kept_parents = {Path(d).parent.as_posix() for d in kept}
    existing = {str(pk) for pk in Resource.objects.values_list("pk", flat=True)}
    base = Path(settings.DATASTORE_DIR)
    for resource_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if resource_dir.name not in existing:
            if _older_than(resource_dir, limit):
                report.orphan_versions.append(resource_dir.relative_to(base).as_posix())
                _remove(resource_dir, report, dry_run)
            continue
        for entry in sorted(resource_dir.iterdir()):
            relative = entry.relative_to(base).as_posix()
            if relative in kept or relative in kept_parents or not _older_than(entry, limit):
                continue
            if entry.is_dir() and not any(k.startswith(relative + "/") for k in kept):
                report.orphan_versions.append(relative)
                _remove(entry, report, dry_run)
            elif entry.is_file() and entry.name.startswith(".export-"):
                report.temporary_files.append(relative)
                _remove(entry, report, dry_run)


def _temporary_files(limit: float, report: CleanupReport, dry_run: bool) -> None:
    base = Path(settings.DATASTORE_DIR)
    tmp = base / "tmp"
    candidates: Iterable[Path] = tmp.iterdir() if tmp.is_dir() else []
    for entry in sorted(candidates):
        if _older_than(entry, limit):
            report.temporary_files.append(entry.relative_to(base).as_posix())
            _remove(entry, report, dry_run)
    for partial in sorted(base.rglob(".export-*.part")):
        if _older_than(partial, limit) and tmp not in partial.parents:
            relative = partial.relative_to(base).as_posix()
            if relative not in report.temporary_files:
                report.temporary_files.append(relative)
                _remove(partial, report, dry_run)


def cleanup_storage(grace: dt.timedelta = DEFAULT_GRACE, dry_run: bool = False
                    ) -> CleanupReport:
    report = CleanupReport()
    now = timezone.now()
    limit = (now - grace).timestamp()
    # Interrupted loads first: their folders are then unreferenced debris like any other.
    _interrupted_loads(now - grace, report, dry_run)
    _orphan_uploads(limit, report, dry_run)
    _orphan_versions(limit, report, dry_run)
    _temporary_files(limit, report, dry_run)
    return report
