"""Read actions: status, datasets, organisations, groups (themes), tags, licences,
resources; CKAN's field names and shapes; nothing hidden ever shows."""
import pytest

from datasud.catalog.models import Resource
from datasud.ckan import ids


def test_status_show_announces_the_datastore(anon, result):
    status = result(anon, "status_show")
    assert status["ckan_version"].startswith("2.10")
    assert "datastore" in status["extensions"]
    assert status["site_title"] == "DataSud"


def test_package_list_names_public_datasets_only(anon, as_editor, result, catalogue):
    expected = ["baignade", "budget", "horaires-bus", "pistes-cyclables", "qualite-air"]
    assert result(anon, "package_list") == expected
    # Like CKAN, the list is the public catalogue whoever asks.
    assert result(as_editor, "package_list") == expected
    assert result(anon, "package_list", limit=2, offset=1) == ["budget", "horaires-bus"]


def test_package_show_by_name_and_by_id(anon, result, catalogue):
    dataset = catalogue["velo"]
    by_name = result(anon, "package_show", id="pistes-cyclables")
    by_id = result(anon, "package_show", id=ids.make(ids.DATASET, dataset.pk))
    assert by_name == by_id
    assert by_name["id"] == ids.make(ids.DATASET, dataset.pk)


def test_package_dict_has_ckan_fields(anon, result, catalogue):
    package = result(anon, "package_show", id="pistes-cyclables")
    assert package["type"] == "dataset" and package["state"] == "active"
    assert package["private"] is False
    assert package["title"] == "Pistes cyclables de Marseille"
    assert package["notes"] == "Le réseau des vélos en ville."
    assert package["license_id"] == "lov2"
    assert package["license_title"] == "Licence Ouverte Version 2.0"
    assert package["maintainer"] == "Service mobilité"
    assert package["maintainer_email"] == "mobilite@example.org"
    assert package["organization"]["name"] == "amp"
    assert package["organization"]["is_organization"] is True
    assert package["owner_org"] == package["organization"]["id"]
    assert [g["name"] for g in package["groups"]] == ["mobilite-et-transports"]
    assert [t["name"] for t in package["tags"]] == ["mobilité douce", "vélo"]
    assert package["tags"][0]["display_name"] == "mobilité douce"
    assert package["num_tags"] == 2 and package["num_resources"] == 2
    assert [r["format"] for r in package["resources"]] == ["GEOJSON", "CSV"]
    assert package["metadata_created"].count("T") == 1
    assert "+" not in package["metadata_modified"]  # UTC without offset, like CKAN
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["frequency"] == "monthly"
    assert extras["temporal_start"] == "2020-01-01"
    assert extras["territories"] == "commune:13055"
    assert extras["spatial_text"] == "Marseille"
    assert extras["datasud_page"].endswith("/pistes-cyclables/")


@pytest.mark.parametrize("name", ["velos-brouillon", "velos-prives"])
def test_hidden_datasets_are_not_found_for_anonymous_and_outsiders(
        anon, as_outsider, call, catalogue, name):
    for client in (anon, as_outsider):
        status, body = call(client, "package_show", id=name)
        assert status == 404
        assert body["error"]["__type"] == "Not Found Error"
    dataset_id = ids.make(ids.DATASET, catalogue["private"].pk)
    assert call(anon, "package_show", id=dataset_id)[0] == 404


def test_members_see_their_drafts_and_private_datasets(as_editor, result, catalogue):
    draft = result(as_editor, "package_show", id="velos-brouillon")
    assert draft["state"] == "draft" and draft["private"] is False
    assert result(as_editor, "package_show", id="velos-prives")["private"] is True


def test_resource_show(anon, result, call, catalogue):
    resource = catalogue["velo"].resources.get(format="csv")
    found = result(anon, "resource_show", id=ids.make(ids.RESOURCE, resource.pk))
    assert found["name"] == "Fichier csv"
    assert found["package_id"] == ids.make(ids.DATASET, catalogue["velo"].pk)
    assert found["url"] == "https://example.org/pistes-cyclables.csv"
    assert found["datastore_active"] is False
    hidden = Resource.objects.get(dataset=catalogue["private"])
    assert call(anon, "resource_show", id=ids.make(ids.RESOURCE, hidden.pk))[0] == 404
    assert call(anon, "resource_show", id=str(resource.pk))[0] == 404


def test_organization_list_names_and_all_fields(anon, as_editor, result, catalogue):
    assert result(anon, "organization_list") == ["amp", "ville-de-digne"]
    full = result(anon, "organization_list", all_fields=True)
    counts = {o["name"]: o["package_count"] for o in full}
    # Public datasets only for anonymous callers; members count their hidden ones too.
    assert counts == {"amp": 2, "ville-de-digne": 3}
    mine = {o["name"]: o["package_count"]
            for o in result(as_editor, "organization_list", all_fields=True)}
    assert mine["ville-de-digne"] == 5
    assert full[0]["type"] == "organization" and full[0]["title"]
    by_count = result(anon, "organization_list", sort="package_count desc")
    assert by_count == ["ville-de-digne", "amp"]
    assert result(anon, "organization_list", limit=1, offset=1) == ["ville-de-digne"]


def test_organization_list_bad_sort(anon, call, db):
    status, body = call(anon, "organization_list", sort="votes desc")
    assert status == 409 and "sort" in body["error"]


def test_organization_show_with_datasets(anon, result, call, catalogue, organisation):
    shown = result(anon, "organization_show", id="ville-de-digne", include_datasets=True)
    assert shown["package_count"] == 3
    assert {p["name"] for p in shown["packages"]} == {"qualite-air", "baignade", "budget"}
    assert "users" in shown and shown["users"] == []  # members are not published
    by_id = result(anon, "organization_show", id=ids.make(ids.ORGANISATION, organisation.pk))
    assert by_id["name"] == "ville-de-digne" and "packages" not in by_id
    assert call(anon, "organization_show", id="nope")[0] == 404


def test_groups_are_the_themes(anon, as_editor, result, call, catalogue):
    assert result(anon, "group_list") == ["environnement", "mobilite-et-transports"]
    groups = {g["name"]: g for g in result(anon, "group_list", all_fields=True)}
    assert groups["mobilite-et-transports"]["package_count"] == 2
    assert groups["mobilite-et-transports"]["type"] == "group"
    assert groups["mobilite-et-transports"]["is_organization"] is False
    shown = result(anon, "group_show", id="mobilite-et-transports", include_datasets=True)
    assert {p["name"] for p in shown["packages"]} == {"pistes-cyclables", "horaires-bus"}
    mine = result(as_editor, "group_show", id="mobilite-et-transports",
                  include_datasets=True)
    assert {p["name"] for p in mine["packages"]} >= {"velos-prives", "velos-brouillon"}
    assert call(anon, "group_show", id="nope")[0] == 404


def test_tag_list_leaves_hidden_datasets_tags_out(anon, result, make_dataset, catalogue):
    from datasud.catalog.models import Tag

    secret = make_dataset("Secret", slug="secret", private=True)
    secret.tags.set([Tag.objects.create(name="confidentiel")])
    tags = result(anon, "tag_list")
    assert "confidentiel" not in tags
    assert "vélo" in tags and tags == sorted(tags)
    assert result(anon, "tag_list", query="BAIGN") == ["baignade"]
    assert result(anon, "tag_list", query="air", all_fields=True)[0]["name"] == "air"


def test_tag_list_unknown_vocabulary(anon, call, db):
    assert call(anon, "tag_list", vocabulary_id="genres")[0] == 404


def test_license_list(anon, result, catalogue):
    licences = {item["id"]: item for item in result(anon, "license_list")}
    assert licences["odbl"]["title"] == "ODbL"
    assert licences["odbl"]["url"] == "https://opendatacommons.org"
    assert licences["lov2"]["is_okd_compliant"] is True
