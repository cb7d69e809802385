"""Domain operations: permissions, history, slugs, uploads."""
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from datasud.catalog import services
from datasud.catalog.models import Activity, Dataset, Resource


def test_create_dataset_records_history_and_unique_slug(editor, organisation, theme):
    first = services.create_dataset(editor, organisation, title="Arrêts de bus",
                                    themes=[theme], tags=["Bus", " transport ", "bus"])
    second = services.create_dataset(editor, organisation, title="Arrêts de bus")
    assert first.slug == "arrets-de-bus"
    assert second.slug == "arrets-de-bus-2"
    assert sorted(first.tags.values_list("name", flat=True)) == ["bus", "transport"]
    assert first.status == Dataset.Status.DRAFT
    entry = first.activities.get()
    assert entry.action == Activity.Action.CREATED and entry.actor == editor


def test_outsider_cannot_create_or_edit(outsider, editor, organisation):
    with pytest.raises(PermissionDenied):
        services.create_dataset(outsider, organisation, title="Intrus")
    dataset = services.create_dataset(editor, organisation, title="Mine")
    with pytest.raises(PermissionDenied):
        services.update_dataset(outsider, dataset, title="Hacked")
    dataset.refresh_from_db()
    assert dataset.title == "Mine"


def test_update_writes_only_real_changes(editor, organisation):
    dataset = services.create_dataset(editor, organisation, title="Parkings")
    services.update_dataset(editor, dataset, title="Parkings")
    assert dataset.activities.count() == 1
    services.update_dataset(editor, dataset, title="Parkings relais", status="published")
    entry = dataset.activities.first()
    assert entry.action == Activity.Action.PUBLISHED
    assert entry.changes["title"] == ["Parkings", "Parkings relais"]
    assert dataset.published_at is not None


def test_invalid_input_is_refused_without_change(editor, organisation):
    import datetime as dt

    dataset = services.create_dataset(editor, organisation, title="Période")
    with pytest.raises(services.CatalogError) as error:
        services.update_dataset(editor, dataset, temporal_start=dt.date(2024, 1, 1),
                                temporal_end=dt.date(2020, 1, 1))
    assert error.value.field == "temporal_end"
    with pytest.raises(services.CatalogError):
        services.create_dataset(editor, organisation, title="   ")


def test_upload_stores_file_with_checksum_and_format(editor, organisation):
    dataset = services.create_dataset(editor, organisation, title="Comptages vélo")
    content = b"date;compteur;passages\n2024-01-01;A;12\n"
    upload = SimpleUploadedFile("comptages.csv", content, content_type="text/csv")
    resource = services.add_resource(editor, dataset, upload=upload)
    assert resource.kind == Resource.Kind.FILE
    assert resource.size == len(content)
    assert resource.checksum == hashlib.sha256(content).hexdigest()
    assert resource.format == "csv" and resource.media_type == "text/csv"
    assert resource.file.read() == content
    assert dataset.activities.first().action == Activity.Action.RESOURCE_ADDED


def test_remote_resource_format_from_url(editor, organisation):
    dataset = services.create_dataset(editor, organisation, title="Lien")
    resource = services.add_resource(editor, dataset, url="https://example.org/a/b.geojson?x=1")
    assert resource.format == "geojson" and resource.kind == Resource.Kind.URL
    with pytest.raises(services.CatalogError):
        services.add_resource(editor, dataset)


def test_delete_resource_removes_file(editor, organisation, django_capture_on_commit_callbacks):
    dataset = services.create_dataset(editor, organisation, title="Fichier")
    upload = SimpleUploadedFile("x.json", b'{"a": 1}')
    resource = services.add_resource(editor, dataset, upload=upload)
    storage, name = resource.file.storage, resource.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_resource(editor, resource)
    assert not storage.exists(name)
    assert dataset.activities.first().action == Activity.Action.RESOURCE_DELETED


def test_reuse_links_only_visible_datasets(outsider, make_dataset):
    public = make_dataset("Public")
    hidden = make_dataset("Caché", private=True)
    reuse = services.create_reuse(outsider, title="Carte", url="https://example.org",
                                  datasets=[public, hidden])
    assert list(reuse.datasets.all()) == [public]
