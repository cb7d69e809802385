"""`datasud cleanup_storage` removes what a killed process left, and nothing else."""
import datetime as dt
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from datasud.datastore.models import Load
from datasud.operations.cleanup import cleanup_storage
from tests.datastore.conftest import COMMUNES_CSV, upload  # noqa: F401 - fixture

THREE_HOURS_AGO = time.time() - 3 * 3600


def age(path: Path, when: float = THREE_HOURS_AGO) -> Path:
    os.utime(path, (when, when))
    return path


def debris(relative: str, root: Path) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half a file")
    return age(path)


@pytest.fixture
def loaded(upload, make_dataset):  # noqa: F811
    resource = upload(make_dataset("Communes"), "communes.csv", COMMUNES_CSV)
    current = Load.objects.get(resource=resource, is_current=True)
    # Everything real is old too: the grace period must not be what protects it.
    for path in [Path(resource.file.path), *current.path.rglob("*"), current.path]:
        age(path)
    return resource, current


def test_debris_goes_and_everything_referenced_stays(client, loaded):
    resource, current = loaded
    media, store = Path(settings.MEDIA_ROOT), Path(settings.DATASTORE_DIR)
    half_upload = debris("resources/99/interrupted.csv", media)
    young_upload = media / "resources/98/arriving.csv"  # being received right now
    young_upload.parent.mkdir(parents=True)
    young_upload.write_bytes(b"in progress")
    orphan_version = debris(f"resources/{resource.pk}/v9-deadbeef/part-0.parquet", store)
    age(orphan_version.parent)
    gone_resource = debris("resources/12345/v1-cafe/part-0.parquet", store)
    age(gone_resource.parent)
    age(gone_resource.parent.parent)
    temporary = debris("tmp/download-1234.part", store)
    partial_export = debris(f"{current.directory}/.export-4321.csv.part", store)

    report = cleanup_storage()

    assert not half_upload.exists()
    assert young_upload.exists()
    assert not orphan_version.parent.exists()
    assert not gone_resource.parent.parent.exists()
    assert not temporary.exists() and not partial_export.exists()
    assert report.total == 5
    assert report.freed_bytes == 5 * len(b"half a file")
    # What the database refers to is intact and still served.
    assert Path(resource.file.path).exists()
    assert current.path.is_dir()
    response = client.get(f"/api/1/datastore/{resource.pk}/records/")
    assert response.status_code == 200 and response.json()["total"] == 8


def test_an_interrupted_load_is_marked_failed_and_the_served_version_stays(client, loaded):
    resource, current = loaded
    killed = Load.objects.create(resource=resource, number=current.number + 1,
                                 status=Load.Status.RUNNING,
                                 started_at=timezone.now() - dt.timedelta(hours=3),
                                 directory=f"resources/{resource.pk}/v{current.number + 1}-x")
    half = debris(f"{killed.directory}/part-0.parquet", Path(settings.DATASTORE_DIR))
    waiting = Load.objects.create(resource=resource, number=current.number + 2,
                                  created_at=timezone.now() - dt.timedelta(hours=5))
    running_now = Load.objects.create(resource=resource, number=current.number + 3,
                                      status=Load.Status.RUNNING, started_at=timezone.now())

    cleanup_storage()

    killed.refresh_from_db()
    assert killed.status == Load.Status.FAILED
    assert killed.error["code"] == "interrupted"
    assert not half.exists()
    waiting.refresh_from_db()
    running_now.refresh_from_db()
    assert waiting.status == Load.Status.QUEUED
    assert running_now.status == Load.Status.RUNNING
    current.refresh_from_db()
    assert current.is_current
    assert client.get(f"/api/1/datastore/{resource.pk}/records/").status_code == 200


def test_dry_run_deletes_nothing(loaded, capsys):
    half_upload = debris("resources/99/interrupted.csv", Path(settings.MEDIA_ROOT))
    call_command("cleanup_storage", "--dry-run")
    assert half_upload.exists()
    out = capsys.readouterr().out
    assert "resources/99/interrupted.csv" in out and "1 éléments à supprimer" in out


def test_grace_period_is_an_option(loaded):
    recent = debris("resources/99/x.csv", Path(settings.MEDIA_ROOT))
    age(recent, time.time() - 600)
    call_command("cleanup_storage", "--grace-minutes", "30", verbosity=0)
    assert recent.exists()
    call_command("cleanup_storage", "--grace-minutes", "5", verbosity=0)
    assert not recent.exists()
    with pytest.raises(CommandError):
        call_command("cleanup_storage", "--grace-minutes", "-1")
