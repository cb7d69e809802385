"""package_create, package_update, package_patch, resource_create: a token, the catalogue
services (permissions, history, search index), CKAN's validation errors."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from datasud.catalog.models import Activity, Dataset, Resource
from datasud.ckan import ids


def post(client, action, **data):
    response = client.post(f"/api/3/action/{action}", json.dumps(data),
                           content_type="application/json")
    return response.status_code, response.json()


NEW = {"name": "arrets-de-bus", "title": "Arrêts de bus", "owner_org": "ville-de-digne",
       "notes": "Les arrêts du réseau.", "license_id": "lov2",
       "tags": [{"name": "Bus"}, {"name": "transport"}],
       "groups": [{"name": "mobilite-et-transports"}],
       "maintainer": "Service transports", "maintainer_email": "transports@example.org",
       "extras": [{"key": "frequency", "value": "weekly"},
                  {"key": "temporal_start", "value": "2021-01-01"}],
       "resources": [{"url": "https://example.org/arrets.pdf", "name": "Plan"}]}


def test_package_create(as_editor, editor, theme, licence):
    status, body = post(as_editor, "package_create", **NEW)
    assert status == 200, body
    package = body["result"]
    assert package["name"] == "arrets-de-bus" and package["state"] == "active"
    assert package["organization"]["name"] == "ville-de-digne"
    assert [t["name"] for t in package["tags"]] == ["bus", "transport"]
    assert [g["name"] for g in package["groups"]] == ["mobilite-et-transports"]
    assert package["resources"][0]["url"] == "https://example.org/arrets.pdf"
    assert package["resources"][0]["format"] == "PDF"
    dataset = Dataset.objects.get(slug="arrets-de-bus")
    assert dataset.status == Dataset.Status.PUBLISHED
    assert dataset.frequency == "weekly" and str(dataset.temporal_start) == "2021-01-01"
    assert dataset.contact_email == "transports@example.org"
    assert dataset.created_by == editor
    actions = list(dataset.activities.values_list("action", flat=True))
    assert Activity.Action.CREATED in actions and Activity.Action.RESOURCE_ADDED in actions


def test_package_create_as_draft_and_private(as_editor, result, organisation, theme, licence):
    status, body = post(as_editor, "package_create", name="brouillon", owner_org=
                        ids.make(ids.ORGANISATION, organisation.pk), state="draft",
                        private="true")
    assert status == 200, body
    assert body["result"]["state"] == "draft" and body["result"]["private"] is True
    assert body["result"]["title"] == "brouillon"  # CKAN shows the name without a title
    assert result(Client(), "package_search", q="brouillon")["count"] == 0


def test_package_create_without_token(call, organisation):
    anon = Client()
    status, body = post(anon, "package_create", **NEW)
    assert status == 403 and body["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.exists()


def test_package_create_session_is_not_enough(editor, organisation):
    client = Client()
    client.force_login(editor)
    assert post(client, "package_create", **NEW)[0] == 403


def test_package_create_for_another_organisation(as_outsider, organisation, theme, licence):
    status, body = post(as_outsider, "package_create", **NEW)
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.exists()


def test_package_create_validation_errors_per_field(as_editor, organisation, make_dataset):
    make_dataset("Pris", slug="deja-pris")
    status, body = post(as_editor, "package_create", name="deja-pris",
                        owner_org="ville-de-digne", license_id="wtfpl",
                        groups=[{"name": "cuisine"}], maintainer_email="pas une adresse",
                        author="Jean", extras=[{"key": "frequency", "value": "sometimes"},
                                               {"key": "colour", "value": "blue"},
                                               {"key": "temporal_end", "value": "hier"}])
    assert status == 409
    error = body["error"]
    assert error["__type"] == "Validation Error"
    assert set(error) >= {"name", "license_id", "groups", "maintainer_email", "author",
                          "frequency", "extras", "temporal_end"}
    assert error["name"] == ["Cette adresse (name) est déjà utilisée."]
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize("data, field", [
    ({"name": "Pas Un Nom"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "ok-name", "owner_org": "nope"}, "owner_org"),
    ({"name": "ok-name", "title": "x" * 301}, "title"),
    ({"name": "ok-name", "tags": "bus"}, "tags"),
    ({"name": "ok-name", "resources": [{"url": "javascript:alert(1)"}]}, "url"),
    ({"name": "ok-name", "resources": [{"name": "sans adresse"}]}, "url"),
    ({"name": "ok-name", "extras": [{"key": "temporal_start", "value": "2024-01-01"},
                                    {"key": "temporal_end", "value": "2020-01-01"}]},
     "temporal_end"),
    ({"name": "ok-name", "extras": [{"key": "territories", "value": "commune:99999"}]},
     "territories"),
])
def test_package_create_bad_input_keeps_nothing(as_editor, organisation, data, field):
    status, body = post(as_editor, "package_create", **{"owner_org": "ville-de-digne",
                                                          **data})
    assert status == 409, body
    assert field in body["error"]
    assert not Dataset.objects.exists() and not Resource.objects.exists()


def test_package_update_replaces_like_ckan(as_editor, result, make_dataset, theme):
    dataset = make_dataset("Ancien titre", slug="a-changer", contact_name="Service")
    dataset.tags.set([])
    before = result(as_editor, "package_show", id="a-changer")
    before.update(title="Nouveau titre", notes="Nouvelle description",
                  tags=[{"name": "nouveau"}], groups=[{"name": theme.slug}])
    before.pop("maintainer")  # left out: CKAN empties it
    status, body = post(as_editor, "package_update", **before)
    assert status == 200, body
    dataset.refresh_from_db()
    assert dataset.title == "Nouveau titre" and dataset.description == "Nouvelle description"
    assert dataset.contact_name == ""
    assert list(dataset.tags.values_list("name", flat=True)) == ["nouveau"]
    change = dataset.activities.get(action=Activity.Action.UPDATED)
    assert change.changes["title"] == ["Ancien titre", "Nouveau titre"]


def test_package_update_round_trip_changes_nothing(as_editor, result, catalogue):
    shown = result(as_editor, "package_show", id="qualite-air")
    status, body = post(as_editor, "package_update", **shown)
    assert status == 200, body
    assert not catalogue["air"].activities.filter(action=Activity.Action.UPDATED).exists()
    again = body["result"]
    assert again["tags"] == shown["tags"] and again["extras"] == shown["extras"]


def test_package_update_syncs_resources(as_editor, result, make_dataset):
    dataset = make_dataset("Ressources", slug="ressources")
    keep = Resource.objects.create(dataset=dataset, title="Garder", format="pdf",
                                   url="https://example.org/a.pdf")
    Resource.objects.create(dataset=dataset, title="Retirer", format="pdf",
                            url="https://example.org/b.pdf")
    shown = result(as_editor, "package_show", id="ressources")
    kept = shown["resources"][0]
    kept["name"] = "Gardée et renommée"
    shown["resources"] = [kept, {"url": "https://example.org/c.pdf", "name": "Nouvelle"}]
    status, body = post(as_editor, "package_update", **shown)
    assert status == 200, body
    assert [r.title for r in dataset.resources.order_by("position", "id")] == [
        "Gardée et renommée", "Nouvelle"]
    assert dataset.resources.filter(pk=keep.pk).exists()


def test_package_patch_changes_only_what_is_given(as_editor, make_dataset, theme):
    dataset = make_dataset("Titre", slug="patch-me", contact_name="Service")
    dataset.themes.set([theme])
    status, body = post(as_editor, "package_patch", id="patch-me", notes="Ajoutée")
    assert status == 200, body
    dataset.refresh_from_db()
    assert dataset.description == "Ajoutée" and dataset.contact_name == "Service"
    assert list(dataset.themes.all()) == [theme]


def test_package_update_rules(as_editor, as_outsider, make_dataset, catalogue, call):
    status, body = post(as_editor, "package_patch", id="qualite-air", name="renommer")
    assert status == 409 and "name" in body["error"]
    # Public but not theirs: 403; hidden: 404, as if it did not exist.
    assert post(as_outsider, "package_patch", id="qualite-air", notes="x")[0] == 403
    assert post(as_outsider, "package_patch", id="velos-prives", notes="x")[0] == 404
    assert post(Client(), "package_patch", id="qualite-air", notes="x")[0] == 403
    assert post(as_editor, "package_patch", id="qualite-air", state="deleted")[0] == 409


def test_package_update_moves_to_another_organisation_only_for_members(
        as_editor, make_dataset, partner):
    make_dataset("À déplacer", slug="deplacer")
    assert post(as_editor, "package_patch", id="deplacer", owner_org="amp")[0] == 403
    assert Dataset.objects.get(slug="deplacer").organisation.slug == "ville-de-digne"


def test_resource_create_with_url(as_editor, make_dataset):
    dataset = make_dataset("Jeu", slug="jeu")
    status, body = post(as_editor, "resource_create", package_id="jeu",
                        url="https://example.org/doc.pdf", name="Documentation",
                        description="Le guide.")
    assert status == 200, body
    created = body["result"]
    assert created["package_id"] == ids.make(ids.DATASET, dataset.pk)
    assert created["format"] == "PDF" and created["name"] == "Documentation"
    assert dataset.activities.filter(action=Activity.Action.RESOURCE_ADDED).exists()


def test_resource_create_multipart_upload(client_as, editor, make_dataset):
    make_dataset("Jeu", slug="jeu")
    upload = SimpleUploadedFile("notes.txt", b"Bonjour\n")
    response = client_as(editor).post("/api/3/action/resource_create",
                                      {"package_id": "jeu", "upload": upload,
                                       "name": "Notes", "format": "txt"})
    assert response.status_code == 200, response.json()
    created = response.json()["result"]
    assert created["url_type"] == "upload" and created["size"] == 8
    assert created["url"].startswith("http://testserver/")
    assert len(created["hash"]) == 64


def test_resource_create_errors(as_editor, as_outsider, make_dataset):
    make_dataset("Jeu", slug="jeu")
    assert post(as_editor, "resource_create", package_id="jeu")[0] == 409
    assert post(as_editor, "resource_create", package_id="nope",
                url="https://example.org/a.pdf")[0] == 404
    status, body = post(as_outsider, "resource_create", package_id="jeu",
                        url="https://example.org/a.pdf")
    assert status == 403 and body["error"]["__type"] == "Authorization Error"
    assert post(as_editor, "resource_create", package_id="jeu", url="ftp:/x",
                name="n" * 301)[0] == 409
    assert not Resource.objects.exists()


def test_resource_patch(as_editor, as_outsider, make_dataset):
    dataset = make_dataset("Jeu", slug="jeu")
    resource = Resource.objects.create(dataset=dataset, title="Ancien", format="pdf",
                                       url="https://example.org/a.pdf")
    resource_id = ids.make(ids.RESOURCE, resource.pk)
    status, body = post(as_editor, "resource_patch", id=resource_id, name="Nouveau",
                        url="https://example.org/b.pdf")
    assert status == 200, body
    assert body["result"]["name"] == "Nouveau"
    assert body["result"]["url"] == "https://example.org/b.pdf"
    resource.refresh_from_db()
    assert resource.title == "Nouveau" and resource.description == ""
    assert dataset.activities.filter(action=Activity.Action.RESOURCE_UPDATED).exists()
    assert post(as_outsider, "resource_patch", id=resource_id, name="x")[0] == 403
    assert post(as_editor, "resource_patch", id=resource_id, url="not a url")[0] == 409
    assert post(as_editor, "resource_patch", id="nope", name="x")[0] == 404
