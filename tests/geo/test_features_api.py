"""OGC API Features through Django's test client: every page, every error path,
visibility, content negotiation."""
import json

import pytest
from django.test import Client

from datasud.catalog.models import Dataset

from . import files

BASE = "/api/ogc"


@pytest.fixture
def collection_id(communes_resource):
    return f"resource_{communes_resource.pk}"


def get(path, client=None, **params):
    return (client or Client()).get(f"{BASE}{path}", params)


def test_landing_conformance_and_openapi(db):
    landing = get("/")
    assert landing.status_code == 200 and landing["Content-Type"] == "application/json"
    rels = {link["rel"]: link for link in landing.json()["links"]}
    assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    conformance = get("/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    document = get("/api")
    assert document["Content-Type"].startswith("application/vnd.oai.openapi+json")
    spec = document.json()
    assert spec["openapi"].startswith("3.0")
    assert "/collections/{collectionId}/items" in spec["paths"]


def test_collections_list_the_geo_tables_with_their_extent(collection_id, upload,
                                                           make_dataset):
    upload(make_dataset("Tableau"), "t.csv", b"a;b\n1;2\n")  # not geographic: not listed
    body = get("/collections").json()
    assert [c["id"] for c in body["collections"]] == [collection_id]
    collection = get(f"/collections/{collection_id}").json()
    assert collection["extent"]["spatial"]["bbox"] == [[4.4261, 43.1023, 7.3234, 44.6645]]
    assert collection["itemType"] == "feature"
    assert any(link["rel"] == "items" for link in collection["links"])


def test_items_paging_with_links_and_counts(collection_id):
    first = get(f"/collections/{collection_id}/items", limit=4)
    assert first["Content-Type"] == "application/geo+json"
    body = first.json()
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (10, 4)
    assert [f["id"] for f in body["features"]] == [1, 2, 3, 4]
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert "prev" not in links
    second = Client().get(links["next"]).json()
    assert [f["id"] for f in second["features"]] == [5, 6, 7, 8]
    last = get(f"/collections/{collection_id}/items", limit=4, offset=8).json()
    last_links = {link["rel"] for link in last["links"]}
    assert "next" not in last_links and "prev" in last_links
    assert last["numberReturned"] == 2


def test_bbox_and_property_filters(collection_id):
    # A box around Marseille's old port: Marseille only (its neighbours do not reach it).
    body = get(f"/collections/{collection_id}/items", bbox="5.36,43.29,5.38,43.30").json()
    assert [f["properties"]["nom"] for f in body["features"]] == ["Marseille"]
    assert body["numberMatched"] == 1
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"
    nice = get(f"/collections/{collection_id}/items", code="06088").json()
    assert [f["properties"]["nom"] for f in nice["features"]] == ["Nice"]
    nothing = get(f"/collections/{collection_id}/items", bbox="-10,40,-9,41").json()
    assert (nothing["numberMatched"], nothing["features"]) == (0, [])


def test_single_item(collection_id):
    listed = get(f"/collections/{collection_id}/items", code="13055").json()["features"][0]
    item = get(f"/collections/{collection_id}/items/{listed['id']}")
    assert item["Content-Type"] == "application/geo+json"
    body = item.json()
    assert body["properties"] == {"code": "13055", "nom": "Marseille"}
    assert body["geometry"] == listed["geometry"]


BAD_PARAMETERS = [
    ({"bbox": "1,2,3"}, "4 nombres"),
    ({"bbox": "a,b,c,d"}, "4 nombres"),
    ({"bbox": "5,44,6,43"}, "hors limites"),
    ({"bbox": "5,43,6,95"}, "hors limites"),
    ({"limit": "0"}, "supérieur ou égal à 1"),
    ({"limit": "dix"}, "nombre entier"),
    ({"offset": "-1"}, "supérieur ou égal à 0"),
    ({"population": "3"}, "Paramètre inconnu"),
    ({"datetime": "2024-01-01"}, "pas de propriété temporelle"),
    ({"crs": "EPSG:3857"}, "pas proposé"),
    ({"bbox-crs": "urn:nope"}, "pas proposé"),
    ({"filter": "nom = "}, "position 7"),
    ({"f": "xml"}, "Format inconnu"),
]


def test_bad_parameters_are_400_with_a_message(collection_id):
    # One loaded collection for every case: loading is what takes time here.
    for params, words in BAD_PARAMETERS:
        response = get(f"/collections/{collection_id}/items", **params)
        assert response.status_code == 400, params
        body = response.json()
        assert body["code"] == "InvalidParameterValue", params
        assert words in body["description"], params


def test_unknown_collection_and_item_are_404(collection_id):
    for path in ("/collections/resource_999999", "/collections/nope",
                 f"/collections/{collection_id}_2", f"/collections/{collection_id}_1/items",
                 f"/collections/{collection_id}/items/0", f"/collections/{collection_id}/items/11",
                 f"/collections/{collection_id}/items/abc"):
        response = get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "NotFound"
    html = get("/collections/nope", f="html")
    assert html.status_code == 404 and "Collection introuvable" in html.content.decode()


def test_limit_above_the_maximum_is_capped(collection_id):
    body = get(f"/collections/{collection_id}/items", limit=100000).json()
    assert body["numberReturned"] == 10
    assert "limit=10000" in body["links"][0]["href"]


@pytest.mark.slow
def test_datetime_filters_the_first_date_property(upload, make_dataset):
    features = [files.point(5.37, 43.29, nom="a", date_releve="2024-01-15"),
                files.point(5.93, 43.12, nom="b", date_releve="2024-03-02"),
                files.point(7.26, 43.70, nom="c", date_releve="2023-12-31")]
    resource = upload(make_dataset("Relevés"), "r.geojson", files.feature_collection(features))
    path = f"/collections/resource_{resource.pk}/items"
    names = [f["properties"]["nom"] for f in get(path, datetime="2024-01-01/..").json()[
        "features"]]
    assert names == ["a", "b"]
    day = get(path, datetime="2023-12-31").json()
    assert [f["properties"]["nom"] for f in day["features"]] == ["c"]
    assert get(path, datetime="2024-05-01/2024-01-01").status_code == 400


@pytest.mark.slow
def test_private_and_draft_data_do_not_leak(upload, make_dataset, editor, outsider,
                                            client_as):
    private = make_dataset("Réseau privé", private=True)
    resource = upload(private, "p.geojson", files.communes_bytes())
    draft = upload(make_dataset("Brouillon", status=Dataset.Status.DRAFT), "d.geojson",
                   files.communes_bytes())
    for hidden in (resource, draft):
        cid = f"resource_{hidden.pk}"
        for client in (Client(), client_as(outsider)):
            assert get(f"/collections/{cid}", client).status_code == 404
            assert get(f"/collections/{cid}/items/1", client).status_code == 404
            assert cid not in json.dumps(get("/collections", client).json())
            assert cid not in json.dumps(get("/api", client).json())
        assert get(f"/collections/{cid}/items", client_as(editor)).json()[
            "numberMatched"] == 10
    bad_token = Client(headers={"Authorization": "Bearer dsud_nope"})
    assert get("/collections", bad_token).status_code == 401


def test_html_pages_by_f_and_accept(collection_id):
    browser = Client(headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    for path in ("/", "/conformance", "/collections", f"/collections/{collection_id}",
                 f"/collections/{collection_id}/items", f"/collections/{collection_id}/items/1"):
        page = get(path, browser)
        assert page.status_code == 200, path
        assert page["Content-Type"].startswith("text/html")
        text = page.content.decode()
        assert '<html lang="fr"' in text and "<h1" in text, path
    items = get(f"/collections/{collection_id}/items", f="html", limit=3).content.decode()
    assert "Entités 1 à 3 sur 10" in items and 'rel="next"' in items
    assert "<caption>" in items and 'scope="col"' in items
    as_json = get(f"/collections/{collection_id}", browser, f="json")
    assert as_json["Content-Type"] == "application/json"
    bad = get(f"/collections/{collection_id}/items", browser, limit="x")
    assert bad.status_code == 400 and "nombre entier" in bad.content.decode()


@pytest.mark.slow
def test_second_layer_is_its_own_collection(upload, make_dataset, tmp_path):
    resource = upload(make_dataset("Territoires"), "t.gpkg", files.geopackage(tmp_path))
    ids = [c["id"] for c in get("/collections").json()["collections"]]
    assert ids == [f"resource_{resource.pk}", f"resource_{resource.pk}_2"]
    centres = get(f"/collections/resource_{resource.pk}_2/items").json()
    assert {f["geometry"]["type"] for f in centres["features"]} == {"Point"}
    assert get(f"/collections/resource_{resource.pk}_2").json()["title"].endswith("centres")


def test_write_methods_are_refused(collection_id):
    response = Client().post(f"{BASE}/collections/{collection_id}/items", {})
    assert response.status_code == 405


def test_pages_follow_file_order_without_order_by(collection_id):
    # The items query has no ORDER BY (it made DuckDB read the file twice): pages rely on
    # the query database preserving insertion order. If that setting ever changes, paging
    # would shuffle: this test says so.
    from datasud.datastore import duck

    setting = duck.query_cursor().execute(
        "SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    assert setting is True
    seen = []
    for offset in (0, 3, 6, 9):
        body = get(f"/collections/{collection_id}/items", limit=3, offset=offset).json()
        seen += [f["id"] for f in body["features"]]
        assert body["numberMatched"] == 10
    assert seen == list(range(1, 11))
    filtered = [get(f"/collections/{collection_id}/items", limit=2, offset=offset,
                    filter="code LIKE '13%'").json() for offset in (0, 2)]
    assert [f["properties"]["code"] for page in filtered for f in page["features"]] == [
        "13055", "13004", "13001", "13005"]
    assert {page["numberMatched"] for page in filtered} == {4}


def test_openapi_documents_parts_2_and_3(collection_id):
    spec = get("/api").json()
    names = {p["name"] for p in spec["paths"]["/collections/{collectionId}/items"]["get"][
        "parameters"] if "name" in p}
    assert {"crs", "bbox-crs", "filter", "filter-lang", "filter-crs"} <= names
    assert "/collections/{collectionId}/queryables" in spec["paths"]
