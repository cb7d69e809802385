"""One archive holds the whole platform: the database (as Django's portable JSON Lines, so a
SQLite backup restores into PostgreSQL and back), the uploaded files and the datastore's
Parquet versions.

Archive layout (a gzip tar, members in this order):
- `manifest.json`: format version, date, database vendor, applied migrations, rows per
  model, files per folder, the SHA-256 of `database.jsonl`;
- `database.jsonl`: every model's rows, natural keys for users, content types and
  permissions (recreated by `migrate` on the target, so ids may differ);
- `media/...`: uploaded files (`MEDIA_ROOT`);
- `datastore/...`: Parquet versions (`DATASTORE_DIR`);
- `fin.json`, last: the files actually written per folder. A copy cut short at a member
  boundary is still a readable tar; without this last member, the restore would take it
  for a whole one and silently lose the files after the cut.

Left out, on purpose: sessions (everyone signs in again), the task queue's rows (a job of
the old platform means nothing on the new one), content types and permissions (recreated),
and the search index (rebuilt by the restore from the restored catalogue).

Consistency: the database is read in one transaction (a snapshot: REPEATABLE READ on
PostgreSQL, a read transaction on SQLite), then the files are copied. Every file the dump
refers to existed when it was read; a file written afterwards by a load still running is
copied too but referenced by nothing (restore's cleanup ignores it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "datasud-backup"
FORMAT_VERSION = 1
DATABASE_MEMBER = "database.jsonl"
MANIFEST_MEMBER = "manifest.json"
END_MEMBER = "fin.json"
# Label of each folder in the archive -> the setting that locates it.
FOLDERS = {"media": "MEDIA_ROOT", "datastore": "DATASTORE_DIR"}
EXCLUDED_MODELS = [
    "contenttypes", "auth.permission", "sessions", "django_tasks_database", "search",
]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in French."""


def folder_path(label: str) -> Path:
    return Path(getattr(settings, FOLDERS[label]))


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _dump_database(target: Path) -> None:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # The first statement of the transaction: every table is read at one instant.
            # (Inside a caller's transaction, its isolation level stands.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command("dumpdata", format="jsonl", natural_foreign=True,
                     exclude=EXCLUDED_MODELS, output=str(target), verbosity=0)


def _rows_and_digest(path: Path) -> tuple[dict[str, int], str]:
    rows: Counter[str] = Counter()
    digest = hashlib.sha256()
    with path.open("rb") as lines:
        for line in lines:
            digest.update(line)
            if line.strip():
                rows[json.loads(line)["model"]] += 1
    return dict(sorted(rows.items())), digest.hexdigest()


def _files(label: str) -> list[Path]:
    root = folder_path(label)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def create_backup(output: Path, progress: Callable[[str], object] = lambda _message: None
                  ) -> dict:
    """Write the archive to `output` (through a temporary file renamed at the end: a failed
    backup never leaves a truncated archive that looks complete). Returns the manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="datasud-backup-") as work:
        dump = Path(work) / DATABASE_MEMBER
        progress("Lecture de la base de données…")
        _dump_database(dump)
        rows, digest = _rows_and_digest(dump)
        files = {label: _files(label) for label in FOLDERS}
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database_vendor": connection.vendor,
            "migrations": applied_migrations(),
            "rows": rows, "database_sha256": digest,
            "files": {label: len(paths) for label, paths in files.items()},
            "ends_with": END_MEMBER,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST_MEMBER)
            info.size = len(data)
            info.mtime = int(dt.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DATABASE_MEMBER)
            written = {label: 0 for label in files}
            for label, paths in files.items():
                progress(f"Copie des fichiers ({label}, {len(paths)})…")
                root = folder_path(label)
                for path in paths:
                    try:
                        archive.add(path, arcname=f"{label}/{path.relative_to(root).as_posix()}")
                    except FileNotFoundError:
                        # Deleted since it was listed (an old datastore version dropped):
                        # the snapshot of the database no longer needs it either.
                        continue
                    written[label] += 1
            end = json.dumps({"files": written}).encode()
            info = tarfile.TarInfo(END_MEMBER)
            info.size = len(end)
            info.mtime = int(dt.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(end))
        partial.replace(output)
    return manifest
