"""Uploaded files are downloaded through the dataset's permissions, never straight from the
media folder; a producer's file never runs as a page of the platform."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from datasud.catalog import services
from datasud.catalog.models import Dataset


@pytest.fixture
def files(make_dataset, editor):
    def add(dataset, name="horaires.csv", content=b"ligne;heure\n1;08:00\n"):
        return services.add_resource(editor, dataset,
                                     upload=SimpleUploadedFile(name, content))

    return {
        "public": add(make_dataset("Public")),
        "draft": add(make_dataset("Brouillon", status=Dataset.Status.DRAFT)),
        "private": add(make_dataset("Privé", private=True)),
        "html": add(make_dataset("Piège"), "page.html", b"<script>alert(1)</script>"),
    }


def get(client, resource):
    return client.get(resource.download_url)


def test_public_file_is_downloaded_as_an_attachment(files):
    resource = files["public"]
    assert resource.download_url.startswith(f"/fichiers/ressources/{resource.pk}/")
    response = get(Client(), resource)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"ligne;heure\n1;08:00\n"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("public")


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_hidden_files_only_for_those_who_may_see_the_dataset(files, kind, client_as, editor,
                                                           outsider, staff):
    resource = files[kind]
    assert get(Client(), resource).status_code == 404
    signed_in = Client()
    signed_in.force_login(outsider)
    assert get(signed_in, resource).status_code == 404
    assert get(client_as(outsider), resource).status_code == 404
    for user in (editor, staff):
        signed_in = Client()
        signed_in.force_login(user)
        for client in (signed_in, client_as(user)):  # the page's session, or an API token
            response = get(client, resource)
            assert response.status_code == 200
            assert response["Cache-Control"].startswith("private")


def test_a_wrong_token_is_refused(files):
    response = Client(headers={"Authorization": "Bearer nope"}).get(
        files["public"].download_url)
    assert response.status_code == 403


def test_the_media_folder_does_not_serve_resources(files, settings):
    # Even with DEBUG's media serving, resources' files are not reachable there.
    name = files["private"].file.name
    assert Client().get(f"/media/{name}").status_code == 404


def test_an_html_file_never_runs_as_a_page(files):
    response = get(Client(), files["html"])
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_behind_the_proxy_the_file_is_handed_over(files, settings):
    settings.DATASUD_MEDIA_ACCEL_PREFIX = "/_protected/"
    resource = files["public"]
    response = get(Client(), resource)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/{resource.file.name}"
    assert response.content == b""
    assert get(Client(), files["private"]).status_code == 404


def test_missing_file_is_a_404_not_a_crash(files):
    Path(files["public"].file.path).unlink()
    assert get(Client(), files["public"]).status_code == 404
