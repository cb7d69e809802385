"""End to end with ckanapi.RemoteCKAN, the reference CKAN client, against a live server."""
import io

import ckanapi
import pytest
from django.db import connections

from datasud.catalog.models import Dataset

pytestmark = [pytest.mark.urls("tests.ckan.urls"), pytest.mark.slow]


@pytest.fixture
def remote(transactional_db, live_server, monkeypatch):
    """remote(token=None) -> a RemoteCKAN on the live server, as ckanapi users make it."""
    # The server's request threads close their connections after each request, so that
    # none is left open on the test database when it is dropped.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)

    def make(token=None, versioned=False):
        ckan = ckanapi.RemoteCKAN(live_server.url, apikey=token)
        if versioned:
            ckan.base_url = "api/3/action/"
        return ckan

    return make


def test_reads(remote, catalogue):
    ckan = remote()
    assert "datastore" in ckan.action.status_show()["extensions"]
    assert "budget" in ckan.action.package_list()
    package = ckan.action.package_show(id="pistes-cyclables")
    assert package["organization"]["name"] == "amp"
    assert ckan.action.organization_list() == ["amp", "ville-de-digne"]
    assert "environnement" in ckan.action.group_list()
    assert "vélo" in ckan.action.tag_list()
    assert {lic["id"] for lic in ckan.action.license_list()} >= {"lov2", "odbl"}
    resource = ckan.action.resource_show(id=package["resources"][0]["id"])
    assert resource["package_id"] == package["id"]
    # The versioned address answers the same; GET only, as some clients do.
    versioned = remote(versioned=True)
    assert versioned.action.package_show(id="budget")["name"] == "budget"
    get_only = ckanapi.RemoteCKAN(ckan.address, get_only=True)
    assert get_only.action.package_show(id="budget")["name"] == "budget"


def test_search_with_fq_facets_and_sort(remote, catalogue):
    found = remote().action.package_search(
        fq="groups:environnement", sort="title_string desc",
        **{"facet.field": ["tags", "res_format"]})
    assert [p["name"] for p in found["results"]] == ["baignade", "qualite-air"]
    assert found["facets"]["res_format"] == {"CSV": 1, "XLSX": 1}
    assert {i["name"] for i in found["search_facets"]["tags"]["items"]} == {
        "air", "pollution", "eau", "baignade"}


def test_visibility(remote, catalogue, editor, outsider, token_for):
    for ckan in (remote(), remote(token_for(outsider))):
        found = ckan.action.package_search(include_private=True, rows=100)
        assert {"velos-prives", "velos-brouillon"}.isdisjoint(
            p["name"] for p in found["results"])
        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id="velos-prives")
    mine = remote(token_for(editor)).action.package_search(include_private=True, rows=100)
    assert {"velos-prives", "velos-brouillon"} <= {p["name"] for p in mine["results"]}


def test_errors_raised_as_ckanapi_exceptions(remote, catalogue, outsider, token_for):
    ckan = remote()
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="nothing")
    with pytest.raises(ckanapi.ValidationError) as invalid:
        ckan.action.package_show()
    assert invalid.value.error_dict["id"] == ["Valeur manquante"]
    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(fq="-tags:vélo")
    with pytest.raises(ckanapi.NotAuthorized):
        ckan.action.package_create(name="interdit", owner_org="ville-de-digne")
    with pytest.raises(ckanapi.NotAuthorized):
        remote(token_for(outsider)).action.package_patch(id="budget", notes="x")
    with pytest.raises(ckanapi.CKANAPIError):
        ckan.action.no_such_action()


def test_write_with_a_token_then_query_the_datastore(remote, editor, token_for, organisation,
                                                    theme, licence):
    ckan = remote(token_for(editor))
    created = ckan.action.package_create(
        name="stations-velo", title="Stations vélo", owner_org="ville-de-digne",
        license_id="lov2", tags=[{"name": "vélo"}], groups=[{"name": theme.slug}],
        extras=[{"key": "frequency", "value": "daily"}])
    assert created["state"] == "active"
    with pytest.raises(ckanapi.ValidationError) as taken:
        ckan.action.package_create(name="stations-velo", owner_org="ville-de-digne")
    assert "name" in taken.value.error_dict
    patched = ckan.action.package_patch(id=created["id"], notes="Mise à jour")
    assert patched["notes"] == "Mise à jour"
    csv = io.BytesIO(b"station;places\nGare;12\nMairie;8\nHopital;20\n")
    csv.name = "stations.csv"
    resource = ckan.action.resource_create(package_id="stations-velo", upload=csv,
                                           name="Stations")
    assert resource["url_type"] == "upload"
    # The datastore loads the upload once its transaction commits.
    assert ckan.action.resource_show(id=resource["id"])["datastore_active"] is True
    rows = ckan.action.datastore_search(resource_id=resource["id"], sort="places desc",
                                        limit=2)
    assert [r["station"] for r in rows["records"]] == ["Hopital", "Gare"]
    assert rows["total"] == 3
    summed = ckan.action.datastore_search_sql(
        sql=f'SELECT sum(places) AS total FROM "{resource["id"]}"')
    assert summed["records"] == [{"total": 40}]
    # Searchable at once: the index follows the commit.
    assert remote().action.package_search(q="stations")["count"] == 1
    assert Dataset.objects.get(slug="stations-velo").activities.count() >= 3
