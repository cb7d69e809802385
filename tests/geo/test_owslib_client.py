"""OWSLib's OGC API Features client, a real GIS client, against a live server."""
import json

import pytest
import requests
from owslib.ogcapi.features import Features

from . import files

pytestmark = pytest.mark.slow


@pytest.fixture
def service(live_server, transactional_db, upload, make_dataset, editor):
    resource = upload(make_dataset("Communes", created_by=editor), "communes.geojson",
                      files.communes_bytes())
    return Features(f"{live_server.url}/api/ogc/"), f"resource_{resource.pk}"


def test_owslib_reads_the_service(service):
    client, cid = service
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in (
        client.conformance()["conformsTo"])
    assert client.api()["openapi"].startswith("3.0")
    assert [c["id"] for c in client.collections()["collections"]] == [cid]
    assert client.collection(cid)["extent"]["spatial"]["bbox"] == [
        [4.4261, 43.1023, 7.3234, 44.6645]]
    page = client.collection_items(cid, limit=3)
    assert page["numberMatched"] == 10 and len(page["features"]) == 3
    marseille = client.collection_items(cid, bbox=[5.36, 43.29, 5.38, 43.30])
    assert [f["properties"]["nom"] for f in marseille["features"]] == ["Marseille"]
    filtered = client.collection_items(cid, nom="Gap")
    assert filtered["features"][0]["properties"]["code"] == "05061"
    item = client.collection_item(cid, filtered["features"][0]["id"])
    assert item["properties"]["nom"] == "Gap"
    with pytest.raises(RuntimeError, match="introuvable"):
        client.collection("resource_999999")


def test_owslib_filters_and_reprojects(service):
    """Part 2 and 3 through OWSLib: CQL2 text and JSON filters, crs, queryables."""
    client, cid = service
    conformance = client.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter" in conformance
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance
    queryables = client.collection_queryables(cid)
    assert set(queryables["properties"]) == {"geometry", "code", "nom"}
    text = client.collection_items(cid, filter="code LIKE '13%' AND nom <> 'Arles'")
    assert sorted(f["properties"]["nom"] for f in text["features"]) == [
        "Aix-en-Provence", "Aubagne", "Marseille"]
    as_json = json.dumps({"op": "s_intersects", "args": [
        {"property": "geometry"}, {"type": "Point", "coordinates": [5.40, 43.30]}]})
    found = client.collection_items(cid, **{"filter": as_json, "filter-lang": "cql2-json"})
    assert [f["properties"]["nom"] for f in found["features"]] == ["Marseille"]
    lambert = "http://www.opengis.net/def/crs/EPSG/0/2154"
    assert lambert in client.collection(cid)["crs"]
    projected = client.collection_items(cid, crs=lambert, nom="Gap", limit=1)
    assert client.response_headers["Content-Crs"] == f"<{lambert}>"
    ring = projected["features"][0]["geometry"]["coordinates"][0]
    assert all(900_000 < x < 1_000_000 for x, _ in ring)  # Gap, in Lambert-93 metres
    # A filter mistake comes back as the client's error, with the position.
    with pytest.raises(RuntimeError, match="position 7"):
        client.collection_items(cid, filter="nom = ")
    # Large answers are paged: following `next` links reads every commune once.
    seen, page = [], client.collection_items(cid, limit=3, filter="code <> '00000'")
    while True:
        seen += [f["id"] for f in page["features"]]
        following = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not following:
            break
        page = requests.get(following[0], timeout=10).json()
    assert sorted(seen) == list(range(1, 11))
