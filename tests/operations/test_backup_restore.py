"""`datasud backup` / `datasud restore` round-trip the whole platform, and a bad archive
never touches what is there."""
import gzip
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from datasud.accounts.models import ApiToken
from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset, Organisation, Resource, Reuse
from datasud.datastore.models import Load
from datasud.operations.backup import create_backup
from datasud.search import services as search
from datasud.search.query import SearchQuery
from tests.datastore.conftest import COMMUNES_CSV, upload  # noqa: F401 - fixture


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def platform(upload, make_dataset, editor, theme):  # noqa: F811
    dataset = make_dataset("Communes de la région", description="Population **légale**.")
    dataset.themes.add(theme)
    resource = upload(dataset, "communes.csv", COMMUNES_CSV)
    _token, raw = ApiToken.issue(editor, "publication")
    reuse = catalog.create_reuse(editor, title="Carte des communes",
                                 url="https://example.org/carte", datasets=[dataset])
    return {"dataset": dataset, "resource": resource, "token": raw, "reuse": reuse}


def records(client, resource) -> dict:
    response = client.get(f"/api/1/datastore/{resource.pk}/records/",
                          {"order_by": "code_insee", "limit": 3})
    assert response.status_code == 200, response.content
    return response.json()


def test_round_trip_restores_database_files_and_datastore(client, platform, tmp_path):
    resource = platform["resource"]
    upload_path = Path(resource.file.path)
    upload_digest = sha256(upload_path)
    before_records = records(client, resource)
    assert len(before_records["records"]) == 3
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    # Life goes on after the backup: a dataset deleted, its files gone, an organisation added.
    platform["dataset"].delete()
    upload_path.unlink()
    shutil.rmtree(settings.DATASTORE_DIR)
    Organisation.objects.create(name="Arrivée après la sauvegarde", slug="apres")

    call_command("restore", str(archive), "--force", verbosity=0)

    dataset = Dataset.objects.get()
    assert dataset.title == "Communes de la région"
    assert dataset.description == "Population **légale**."
    assert list(dataset.themes.values_list("slug", flat=True)) == ["mobilite-et-transports"]
    assert not Organisation.objects.filter(slug="apres").exists()
    restored = Resource.objects.get()
    assert sha256(Path(restored.file.path)) == upload_digest
    assert Reuse.objects.get().datasets.get() == dataset
    # Passwords and API tokens are kept (hashed), so people and scripts carry on.
    assert authenticate(username="editor", password="pw-editor-123!") is not None
    assert ApiToken.authenticate(platform["token"]) is not None
    # The datastore serves the same version without reloading anything.
    assert Load.objects.filter(resource=restored, is_current=True).count() == 1
    assert records(client, restored)["records"] == before_records["records"]
    # The search index was rebuilt from the restored catalogue.
    assert [hit.pk for hit in search.search_datasets(None, SearchQuery(q="communes")).datasets] == [
        dataset.pk]


def test_restore_refuses_a_platform_with_data_unless_forced(platform, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), verbosity=0)
    assert Dataset.objects.count() == 1


def test_restore_into_an_empty_platform_needs_no_force(platform, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    for model in (Reuse, Dataset, Organisation, get_user_model()):
        model.objects.all().delete()
    call_command("restore", str(archive), verbosity=0)
    assert Dataset.objects.get().title == "Communes de la région"


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy `archive` to `target`, passing each member's (info, bytes) through `change`."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else b""
            for info, content in change(member, data):
                info.size = len(content)
                out.addfile(info, io.BytesIO(content))


def _assert_untouched(platform):
    assert Dataset.objects.get().title == "Communes de la région"
    assert Path(Resource.objects.get().file.path).exists()
    assert Load.objects.filter(is_current=True).count() == 1


@pytest.mark.parametrize("damage", ["truncated", "cut between files", "tampered dump",
                                    "not a backup", "path traversal", "symlink",
                                    "other version"])
def test_a_bad_archive_is_refused_and_nothing_changes(platform, tmp_path, damage):
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    bad = tmp_path / "bad.tar.gz"
    if damage in ("truncated", "cut between files"):
        raw = gzip.decompress(archive.read_bytes())
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
        if damage == "truncated":
            # Inside the members' data (half of the raw tar may be only end padding).
            cut = (members[-1].offset_data + members[-1].size) // 2
        else:
            # Right before the last file: what is left is a well-formed, shorter tar.
            cut = next(m for m in reversed(members) if m.name.startswith("media/")).offset
        bad.write_bytes(gzip.compress(raw[:cut]))
    elif damage == "tampered dump":
        def change(member, data):
            if member.name == "database.jsonl":
                data = data.replace(b"Communes de la r", b"Communes de la R")
            yield member, data
        _rewrite(archive, bad, change)
    elif damage == "not a backup":
        bad.write_bytes(b"PK\x03\x04 not a tar at all")
    elif damage == "path traversal":
        def change(member, data):
            yield member, data
            if member.name == "database.jsonl":
                yield tarfile.TarInfo("media/../../escaped.txt"), b"outside"
        _rewrite(archive, bad, change)
    elif damage == "symlink":
        def change(member, data):
            yield member, data
            if member.name == "database.jsonl":
                link = tarfile.TarInfo("media/link")
                link.type = tarfile.SYMTYPE
                link.linkname = "/etc/passwd"
                yield link, b""
        _rewrite(archive, bad, change)
    else:
        def change(member, data):
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"].append("catalog.9999_from_the_future")
                data = json.dumps(manifest).encode()
            yield member, data
        _rewrite(archive, bad, change)

    with pytest.raises(CommandError):
        call_command("restore", str(bad), "--force", verbosity=0)
    _assert_untouched(platform)
    assert not (Path(settings.MEDIA_ROOT).parent.parent / "escaped.txt").exists()
    assert not list(Path(settings.MEDIA_ROOT).parent.glob(".restore-*"))
    assert not list(Path(settings.MEDIA_ROOT).parent.glob("*.before-restore-*"))


def test_backup_refuses_to_overwrite_and_reports_missing_archive(platform, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_text("precious")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("backup", str(archive), verbosity=0)
    assert archive.read_text() == "precious"
    with pytest.raises(CommandError, match="introuvable"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), verbosity=0)


def test_manifest_describes_the_archive(platform, tmp_path):
    manifest = create_backup(tmp_path / "b.tar.gz")
    assert manifest["rows"]["catalog.dataset"] == 1
    assert manifest["files"]["media"] == 1
    assert manifest["files"]["datastore"] >= 1
    assert "sessions.session" not in manifest["rows"]
    assert "catalog.0001_initial" in manifest["migrations"]
