"""OWSLib's OGC API Features client, a real GIS client, against a live server."""
import pytest
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
