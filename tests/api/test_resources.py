"""Resources through the API: remote links (JSON), uploads (multipart), size limit."""
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from datasud.catalog.models import Activity, Resource

JSON = "application/json"
CSV = b"commune;population\nDigne-les-Bains;16000\nManosque;22000\n"


@pytest.fixture
def dataset(make_dataset):
    return make_dataset("Population", slug="population")


def _files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_sets_checksum_size_format_and_stores_the_file(as_editor, dataset, settings):
    upload = SimpleUploadedFile("population.csv", CSV, content_type="text/csv")
    response = as_editor.post("/api/1/datasets/population/resources/upload/",
                              {"file": upload, "description": "Recensement"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "file"
    assert body["title"] == "population.csv" and body["description"] == "Recensement"
    assert body["size"] == len(CSV)
    assert body["checksum"] == hashlib.sha256(CSV).hexdigest()
    assert body["format"] == "csv" and body["media_type"] == "text/csv"
    assert body["url"].startswith("http://testserver/fichiers/ressources/")
    resource = Resource.objects.get()
    with resource.file.open("rb") as stored:
        assert stored.read() == CSV
    assert _files(settings.MEDIA_ROOT) == [settings.MEDIA_ROOT / resource.file.name]
    assert dataset.activities.get().action == Activity.Action.RESOURCE_ADDED
    # The dataset shows it.
    detail = as_editor.get("/api/1/datasets/population/").json()
    assert [r["id"] for r in detail["resources"]] == [resource.pk]
    assert detail["formats"] == ["csv"]


def test_upload_with_declared_title_and_format(as_editor, dataset):
    upload = SimpleUploadedFile("export", b'{"type": "FeatureCollection", "features": []}')
    response = as_editor.post("/api/1/datasets/population/resources/upload/",
                              {"file": upload, "title": "Contours", "format": "GeoJSON"})
    assert response.status_code == 201
    assert response.json()["title"] == "Contours" and response.json()["format"] == "geojson"


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("size", [5_000, 200_000])
def test_oversized_upload_is_413_and_leaves_nothing(as_editor, dataset, settings, size, debug):
    # 5 kB is caught while streaming, 200 kB already from the declared Content-Length.
    settings.DATASUD_MAX_UPLOAD_SIZE = 1_000
    settings.DEBUG = debug  # in DEBUG, ninja would answer a 500 with the traceback
    upload = SimpleUploadedFile("big.csv", b"x" * size, content_type="text/csv")
    response = as_editor.post("/api/1/datasets/population/resources/upload/",
                              {"file": upload})
    assert response.status_code == 413
    body = response.json()
    assert body["limit"] == 1_000 and "taille maximale" in body["detail"]
    assert not Resource.objects.exists()
    assert not dataset.activities.exists()
    assert _files(settings.MEDIA_ROOT) == []


def test_oversized_upload_through_a_session_is_413(editor, dataset, settings):
    # With a session, the CSRF check reads the form first: the limit applies there too.
    settings.DATASUD_MAX_UPLOAD_SIZE = 1_000
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    upload = SimpleUploadedFile("big.csv", b"x" * 5_000)
    response = client.post("/api/1/datasets/population/resources/upload/",
                           {"file": upload, "csrfmiddlewaretoken": token})
    assert response.status_code == 413
    assert not Resource.objects.exists() and _files(settings.MEDIA_ROOT) == []
    small = SimpleUploadedFile("small.csv", CSV)
    response = client.post("/api/1/datasets/population/resources/upload/",
                           {"file": small, "csrfmiddlewaretoken": token})
    assert response.status_code == 201


def test_empty_upload_is_400(as_editor, dataset, settings):
    upload = SimpleUploadedFile("vide.csv", b"")
    response = as_editor.post("/api/1/datasets/population/resources/upload/",
                              {"file": upload})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert not Resource.objects.exists() and _files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize("content_type,body", [
    ("multipart/form-data", b"no boundary"),
    ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: garbage"),
    ("application/json", b'{"file": "population.csv"}'),
    ("text/plain", b"population.csv"),
])
def test_malformed_upload_is_4xx_not_500(as_editor, dataset, settings, content_type, body):
    response = as_editor.generic("POST", "/api/1/datasets/population/resources/upload/",
                                 body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
    assert not Resource.objects.exists() and _files(settings.MEDIA_ROOT) == []


def test_upload_without_file_is_422(as_editor, dataset):
    response = as_editor.post("/api/1/datasets/population/resources/upload/", {"title": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_upload_needs_rights(anon, as_outsider, dataset, settings):
    for client, status in ((anon, 401), (as_outsider, 403)):
        upload = SimpleUploadedFile("population.csv", CSV)
        response = client.post("/api/1/datasets/population/resources/upload/",
                               {"file": upload})
        assert response.status_code == status
    assert not Resource.objects.exists() and _files(settings.MEDIA_ROOT) == []


def test_add_remote_link(as_editor, dataset):
    response = as_editor.post("/api/1/datasets/population/resources/", {
        "url": "https://example.org/data/population.csv?v=2", "title": "Population (lien)",
    }, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "url" and body["format"] == "csv"
    assert body["url"] == "https://example.org/data/population.csv?v=2"
    assert body["size"] is None and body["checksum"] == ""


@pytest.mark.parametrize("url", ["pas une adresse", "javascript:alert(1)", ""])
def test_remote_link_needs_a_valid_url(as_editor, dataset, url):
    response = as_editor.post("/api/1/datasets/population/resources/", {"url": url},
                              content_type=JSON)
    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["field"] in ("url", "file")
    assert not Resource.objects.exists()


def test_get_update_delete_resource(as_editor, anon, dataset, settings,
                                    django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("population.csv", CSV)
    created = as_editor.post("/api/1/datasets/population/resources/upload/",
                             {"file": upload}).json()
    path = f"/api/1/datasets/population/resources/{created['id']}/"
    assert anon.get(path).json() == created
    updated = as_editor.patch(path, {"title": "Population 2024", "format": "CSV"},
                              content_type=JSON)
    assert updated.status_code == 200
    assert updated.json()["title"] == "Population 2024"
    refused = as_editor.patch(path, {"url": "https://example.org/x.csv"}, content_type=JSON)
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "url"
    stored = settings.MEDIA_ROOT / Resource.objects.get().file.name
    assert stored.exists()
    # The file goes when the deletion commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert as_editor.delete(path).status_code == 204
    assert not Resource.objects.exists() and not stored.exists()
    assert anon.get(path).status_code == 404


def test_resource_of_another_dataset_is_404(as_editor, dataset, make_dataset):
    other = make_dataset("Autre", slug="autre")
    resource = Resource.objects.create(dataset=other, title="x", url="https://example.org/x")
    response = as_editor.get(f"/api/1/datasets/population/resources/{resource.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_resources_of_a_hidden_dataset_are_404(anon, make_dataset):
    hidden = make_dataset("Secret", slug="secret", private=True)
    resource = Resource.objects.create(dataset=hidden, title="x", url="https://example.org/x")
    assert anon.get(f"/api/1/datasets/secret/resources/{resource.pk}/").status_code == 404
