"""Producer forms: create and edit datasets, upload and change resources, delete, all
through the services (history recorded, permissions checked, errors on their field)."""
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from datasud.catalog.models import Activity, Dataset, Resource


def dataset_data(organisation, **overrides):
    data = {
        "organisation": organisation.pk, "title": "Arrêts de bus", "description": "Les arrêts.",
        "tags": "bus, Transport , arrêts", "licence": "", "frequency": "monthly",
        "temporal_start": "2024-01-01", "temporal_end": "2024-12-31", "communes": "",
        "contact_name": "Service mobilité", "contact_email": "mobilite@example.org",
        "status": "published",
    }
    data.update(overrides)
    return data


def test_create_dataset_through_the_form(client_for, editor, organisation, theme, licence,
                                         territories):
    client = client_for(editor)
    data = dataset_data(organisation, licence=licence.pk, themes=[theme.pk],
                        departements=[territories["departement"].pk],
                        epci=[territories["epci"].pk], communes="Manosque, 04070")
    response = client.post(reverse("catalog:dataset_create"), data)
    dataset = Dataset.objects.get(title="Arrêts de bus")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:resource_add", args=[dataset.slug])
    assert dataset.organisation == organisation
    assert dataset.status == "published" and dataset.published_at is not None
    assert dataset.created_by == editor
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["arrêts", "bus", "transport"]
    assert list(dataset.themes.all()) == [theme]
    assert {t.code for t in dataset.territories.all()} == {"04", "200067437", "04112", "04070"}
    activity = dataset.activities.get()
    assert activity.action == Activity.Action.CREATED and activity.actor == editor


def test_organisation_choice_is_limited_to_the_users_organisations(client_for, editor,
                                                                  organisation):
    from datasud.catalog.models import Organisation

    other = Organisation.objects.create(name="Autre commune", slug="autre")
    client = client_for(editor)
    html = client.get(reverse("catalog:dataset_create")).content.decode()
    assert organisation.name in html and "Autre commune" not in html
    response = client.post(reverse("catalog:dataset_create"), dataset_data(other))
    assert response.status_code == 200
    assert not Dataset.objects.filter(title="Arrêts de bus").exists()
    assert 'id="id_organisation_error"' in response.content.decode()


def test_users_without_organisation_get_403(client_for, outsider):
    assert client_for(outsider).get(reverse("catalog:dataset_create")).status_code == 403


def test_service_errors_show_on_their_field(client_for, editor, organisation):
    response = client_for(editor).post(reverse("catalog:dataset_create"), dataset_data(
        organisation, temporal_start="2025-01-01", temporal_end="2024-01-01"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_temporal_end_error"' in html
    assert "La fin de la période couverte précède son début." in html
    assert not Dataset.objects.exists()


def test_unknown_communes_are_reported(client_for, editor, organisation, territories):
    response = client_for(editor).post(reverse("catalog:dataset_create"),
                                       dataset_data(organisation, communes="Atlantis, 04070"))
    assert response.status_code == 200
    assert "Atlantis" in response.content.decode().split('id="id_communes_error"')[1]


def test_edit_dataset_records_history(client_for, editor, catalogue, territories):
    dataset = catalogue["public"]
    client = client_for(editor)
    form = client.get(reverse("catalog:dataset_edit", args=[dataset.slug])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(organisation=dataset.organisation_id, licence=dataset.licence_id,
                themes=[t.pk for t in data["themes"]], departements=[], epci=[],
                temporal_start="2024-01-01", temporal_end="2024-12-31",
                title="Horaires des bus de Digne 2025", private="")
    response = client.post(reverse("catalog:dataset_edit", args=[dataset.slug]), data)
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "Horaires des bus de Digne 2025"
    # The commune typed back as "Digne-les-Bains (04070)" is understood.
    assert [t.code for t in dataset.territories.all()] == ["04070"]
    activity = dataset.activities.get()
    assert activity.action == Activity.Action.UPDATED and activity.actor == editor
    assert activity.changes["title"] == ["Horaires des bus de Digne",
                                         "Horaires des bus de Digne 2025"]
    html = client.get(dataset.get_absolute_url()).content.decode()
    assert "Horaires des bus de Digne 2025" in html


def test_delete_dataset_after_confirmation(client_for, editor, catalogue, organisation):
    dataset = catalogue["public"]
    client = client_for(editor)
    url = reverse("catalog:dataset_delete", args=[dataset.slug])
    assert "Oui, supprimer" in client.get(url).content.decode()
    assert Dataset.objects.filter(pk=dataset.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert not Dataset.objects.filter(pk=dataset.pk).exists()


def test_upload_a_resource(client_for, editor, catalogue, settings):
    dataset = catalogue["public"]
    content = b"arret;ligne\nGare;1\nHopital;2\n"
    response = client_for(editor).post(
        reverse("catalog:resource_add", args=[dataset.slug]),
        {"file": SimpleUploadedFile("arrets.csv", content), "title": "", "url": "",
         "description": "", "format": ""},
    )
    assert response.status_code == 302
    resource = dataset.resources.get(title="arrets.csv")
    assert resource.kind == Resource.Kind.FILE
    assert resource.format == "csv"
    assert resource.size == len(content)
    assert resource.checksum == hashlib.sha256(content).hexdigest()
    stored = settings.MEDIA_ROOT / resource.file.name
    assert stored.read_bytes() == content
    assert dataset.activities.filter(action=Activity.Action.RESOURCE_ADDED).exists()
    html = client_for(None).get(dataset.get_absolute_url()).content.decode()
    assert resource.checksum in html and resource.download_url in html


def test_add_a_remote_resource_and_an_empty_form_is_an_error(client_for, editor, catalogue):
    dataset = catalogue["public"]
    client = client_for(editor)
    url = reverse("catalog:resource_add", args=[dataset.slug])
    response = client.post(url, {"title": "", "url": "", "description": "", "format": ""})
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.content.decode()
    response = client.post(url, {"url": "https://example.org/arrets.geojson", "title": "Arrêts"})
    assert response.status_code == 302
    assert dataset.resources.get(title="Arrêts").format == "geojson"


def test_oversized_upload_is_413_and_nothing_is_written(client_for, editor, catalogue,
                                                        settings):
    settings.DATASUD_MAX_UPLOAD_SIZE = 1000
    dataset = catalogue["public"]
    response = client_for(editor).post(
        reverse("catalog:resource_add", args=[dataset.slug]),
        {"file": SimpleUploadedFile("gros.csv", b"x" * 5000)},
    )
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.content.decode()
    assert dataset.resources.count() == 1  # the one of the fixture
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_oversized_upload_is_413_with_csrf_checks(editor, catalogue, settings):
    settings.DATASUD_MAX_UPLOAD_SIZE = 1000
    dataset = catalogue["public"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url = reverse("catalog:resource_add", args=[dataset.slug])
    token = client.get(url).cookies["csrftoken"].value
    response = client.post(url, {"file": SimpleUploadedFile("gros.csv", b"x" * 5000),
                                 "csrfmiddlewaretoken": token})
    # As a real browser sends it: CSRF checked, so the body is parsed before any view.
    assert response.status_code == 413
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_edit_and_delete_a_resource(client_for, editor, catalogue):
    dataset = catalogue["public"]
    resource = dataset.resources.get()
    client = client_for(editor)
    response = client.post(reverse("catalog:resource_edit", args=[dataset.slug, resource.pk]),
                           {"title": "Horaires (CSV)", "description": "", "format": "csv",
                            "url": "https://example.org/horaires-2025.csv"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Horaires (CSV)"
    assert resource.url.endswith("horaires-2025.csv")
    response = client.post(reverse("catalog:resource_delete", args=[dataset.slug, resource.pk]))
    assert response.status_code == 302
    assert not dataset.resources.exists()
    actions = set(dataset.activities.values_list("action", flat=True))
    assert {Activity.Action.RESOURCE_UPDATED, Activity.Action.RESOURCE_DELETED} <= actions


def test_resources_of_another_dataset_are_404(client_for, editor, catalogue):
    resource = catalogue["public"].resources.get()
    other = catalogue["departement"]
    url = reverse("catalog:resource_edit", args=[other.slug, resource.pk])
    assert client_for(editor).get(url).status_code == 404
