"""Restore an archive of `backup.py`: all or nothing.

Order, so that a failure at any step leaves the platform as it was:
1. read and check the manifest (format, same migrations as this code), refuse a non-empty
   platform unless `force`;
2. extract into a staging folder next to the live folders (same file system, so the final
   switch is a rename), refusing any member that would land outside it (absolute paths,
   `..`, links, devices), and check the database dump against its SHA-256;
3. in one transaction: empty the tables, load the dump, and switch the folders (the live
   ones set aside); if anything fails, the transaction rolls back and the folders are put
   back;
4. after the commit: drop the set-aside folders, rebuild the search index, empty the cache.

Stop the web server and the worker first: they keep open DuckDB files and caches.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import uuid
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from .backup import (
    DATABASE_MEMBER,
    END_MEMBER,
    FOLDERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_MEMBER,
    BackupError,
    applied_migrations,
    folder_path,
)

# The tables that tell whether a platform holds anything worth protecting.
CONTENT_MODELS = ["catalog.Dataset", "catalog.Organisation", "catalog.Reuse"]


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            member = archive.next()
            if member is None or member.name != MANIFEST_MEMBER:
                raise BackupError(f"{archive_path} n'est pas une sauvegarde DataSud "
                                  f"(pas de {MANIFEST_MEMBER} en tête).")
            manifest = json.load(archive.extractfile(member))
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"Archive illisible ou tronquée : {archive_path} ({exc}).") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"Manifeste illisible dans {archive_path} ({exc}).") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Format de sauvegarde inconnu : {manifest.get('format')!r} "
                          f"version {manifest.get('format_version')!r}.")
    return manifest


def check_compatible(manifest: dict) -> None:
    """The dump's rows fit this code's tables only if both ran the same migrations."""
    ours, theirs = set(applied_migrations()), set(manifest.get("migrations", []))
    if ours != theirs:
        missing = sorted(theirs - ours)[:5]
        extra = sorted(ours - theirs)[:5]
        raise BackupError(
            "La sauvegarde vient d'une autre version de DataSud : migrations absentes ici "
            f"{missing or '—'}, migrations absentes de la sauvegarde {extra or '—'}. "
            "Restaurez-la avec la version qui l'a créée (puis mettez à jour), ou lancez "
            "d'abord `datasud migrate`.")


def platform_is_empty() -> bool:
    if get_user_model().objects.exists():
        return False
    return not any(apps.get_model(label).objects.exists() for label in CONTENT_MODELS)


def _extract(archive_path: Path, staging: Path, manifest: dict) -> Path:
    """Extract into `staging`; returns the database dump's path. An archive whose manifest
    announces a last member (`ends_with`) must end with it, and hold the files it counts:
    a copy cut at a member boundary is refused instead of restored without its tail."""
    found = {label: 0 for label in FOLDERS}
    end = None
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            for member in archive:
                name = member.name
                top = name.split("/", 1)[0]
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"Élément refusé dans l'archive (lien ou fichier "
                                      f"spécial) : {name}")
                if name == END_MEMBER:
                    end = json.load(archive.extractfile(member))
                    continue
                if top in found:
                    found[top] += 1
                if name not in (MANIFEST_MEMBER, DATABASE_MEMBER) and top not in FOLDERS:
                    raise BackupError(f"Élément inattendu dans l'archive : {name}")
                # The "data" filter refuses absolute paths, `..` and anything that would
                # land outside the staging folder.
                archive.extract(member, staging, filter="data")
    except tarfile.FilterError as exc:
        raise BackupError(f"Élément dangereux refusé dans l'archive : {exc}") from exc
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"Archive illisible ou tronquée : {archive_path} ({exc}).") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"Fin de sauvegarde illisible dans {archive_path} ({exc}).") from exc
    if manifest.get("ends_with") == END_MEMBER and (
            not isinstance(end, dict) or end.get("files") != found):
        raise BackupError(f"Archive tronquée : {archive_path} ne contient pas tous les "
                          "fichiers de la sauvegarde ; rien n'a été modifié.")
    dump = staging / DATABASE_MEMBER
    if not dump.is_file():
        raise BackupError(f"L'archive ne contient pas {DATABASE_MEMBER}.")
    return dump


def _check_digest(dump: Path, expected: str) -> None:
    digest = hashlib.sha256()
    with dump.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise BackupError("La copie de la base dans l'archive est altérée (empreinte "
                          "SHA-256 différente du manifeste) : rien n'a été modifié.")


def _flush() -> None:
    """Empty every table. PostgreSQL refuses to TRUNCATE a table with foreign-key checks
    still pending in the transaction (rows written earlier in it, e.g. by a caller): run
    them first, then defer them again for loading the dump in any order."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class _FolderSwitch:
    """Puts the staged folders in place of the live ones, and back if asked."""

    def __init__(self, staging: Path):
        self.staging = staging
        self.set_aside: dict[str, Path] = {}
        self.switched: list[str] = []

    def switch(self) -> None:
        for label in FOLDERS:
            live = folder_path(label)
            staged = self.staging / label
            staged.mkdir(parents=True, exist_ok=True)
            live.parent.mkdir(parents=True, exist_ok=True)
            if live.exists():
                aside = live.with_name(f"{live.name}.before-restore-{uuid.uuid4().hex[:8]}")
                live.rename(aside)
                self.set_aside[label] = aside
            staged.rename(live)
            self.switched.append(label)

    def undo(self) -> None:
        for label in reversed(self.switched):
            live = folder_path(label)
            shutil.rmtree(live, ignore_errors=True)
        for label, aside in self.set_aside.items():
            aside.rename(folder_path(label))

    def drop_set_aside(self) -> None:
        for aside in self.set_aside.values():
            shutil.rmtree(aside, ignore_errors=True)


def restore_backup(archive_path: Path, force: bool = False,
                   progress: Callable[[str], object] = lambda _message: None) -> dict:
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"Fichier introuvable : {archive_path}")
    manifest = read_manifest(archive_path)
    check_compatible(manifest)
    if not force and not platform_is_empty():
        raise BackupError("La plateforme contient déjà des données : la restauration les "
                          "remplacerait toutes. Relancez avec --force pour confirmer.")
    # Staging next to the media folder, so that switching folders is a rename.
    base = folder_path("media").parent
    base.mkdir(parents=True, exist_ok=True)
    staging = base / f".restore-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    folders = _FolderSwitch(staging)
    try:
        progress("Extraction de l'archive…")
        dump = _extract(archive_path, staging, manifest)
        _check_digest(dump, manifest["database_sha256"])
        progress("Chargement de la base de données…")
        try:
            with transaction.atomic():
                # flush also recreates content types and permissions (post_migrate), which
                # the dump refers to by natural key.
                _flush()
                call_command("loaddata", str(dump), verbosity=0)
                folders.switch()
        except BackupError:
            folders.undo()
            raise
        except Exception as exc:
            folders.undo()
            raise BackupError(f"Restauration annulée, rien n'a été modifié : {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    folders.drop_set_aside()
    progress("Reconstruction de l'index de recherche…")
    call_command("rebuild_search_index", no_progress=True, verbosity=0)
    cache.clear()
    return manifest
