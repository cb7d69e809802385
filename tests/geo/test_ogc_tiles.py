"""OGC API - Tiles over the platform's vector tiles: tiling scheme, tilesets, tiles (z / row /
col), links from the collection, permissions, and errors."""
import pytest
from django.test import Client

from datasud.catalog.models import Dataset

from . import mvt
from .test_tiles import MVT, tile_of

BASE = "/api/ogc"


@pytest.fixture
def communes_id(communes_resource):
    return f"resource_{communes_resource.pk}"


def test_the_tile_matrix_set_is_the_standard_web_mercator_quad(db):
    listed = Client().get(f"{BASE}/tileMatrixSets").json()["tileMatrixSets"]
    assert [t["id"] for t in listed] == ["WebMercatorQuad"]
    definition = Client().get(listed[0]["links"][0]["href"]).json()
    assert definition["uri"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    assert definition["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    zero, twelve = definition["tileMatrices"][0], definition["tileMatrices"][12]
    # Values of the standard's annex (OGC 17-083r4, WebMercatorQuad).
    assert zero["scaleDenominator"] == pytest.approx(559082264.028717, rel=1e-9)
    assert zero["pointOfOrigin"] == pytest.approx([-20037508.3427892, 20037508.3427892])
    assert twelve["matrixWidth"] == twelve["matrixHeight"] == 4096
    assert twelve["cellSize"] == pytest.approx(38.2185141425366, rel=1e-9)
    assert Client().get(f"{BASE}/tileMatrixSets/WorldCRS84Quad").status_code == 404


def test_from_the_collection_to_a_tile(communes_id):
    collection = Client().get(f"{BASE}/collections/{communes_id}", {"f": "json"}).json()
    link = next(x for x in collection["links"]
                if x["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector")
    tilesets = Client().get(link["href"]).json()["tilesets"]
    assert len(tilesets) == 1 and tilesets[0]["dataType"] == "vector"
    tileset_url = next(x["href"] for x in tilesets[0]["links"] if x["rel"] == "self")
    tileset = Client().get(tileset_url).json()
    layer, = tileset["layers"]
    assert layer["id"] == communes_id and layer["geometryDimension"] == 2
    assert layer["propertiesSchema"]["properties"] == {"code": {"type": "string"},
                                                       "nom": {"type": "string"}}
    west, south = tileset["boundingBox"]["lowerLeft"]
    assert 4 < west < 8 and 42 < south < 45
    ten = next(lim for lim in tileset["tileMatrixSetLimits"] if lim["tileMatrix"] == "10")
    z, x, y = tile_of(5.37, 43.30, 10)
    assert ten["minTileCol"] <= x <= ten["maxTileCol"]
    assert ten["minTileRow"] <= y <= ten["maxTileRow"]
    assert ten["maxTileCol"] - ten["minTileCol"] < 12  # the région, not the world
    template = next(x["href"] for x in tileset["links"] if x["rel"] == "item")
    assert template.endswith("/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}")
    # The standard's order is zoom / row (y) / column (x): the same tile as /tuiles/z/x/y.
    z, x, y = tile_of(5.37, 43.30, 10)
    response = Client().get(template.format(tileMatrix=z, tileRow=y, tileCol=x))
    assert response.status_code == 200 and response["Content-Type"] == MVT
    assert response.content == Client().get(f"/tuiles/{communes_id}/{z}/{x}/{y}.mvt").content
    names = {f.properties["nom"] for f in mvt.decode(response.content)[communes_id].features}
    assert "Marseille" in names
    assert response["ETag"] and "public" in response["Cache-Control"]


def test_conformance_landing_and_openapi_announce_tiles(db):
    classes = Client().get(f"{BASE}/conformance", {"f": "json"}).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt" in classes
    landing = Client().get(f"{BASE}/", {"f": "json"}).json()
    assert any(x["rel"].endswith("/tiling-schemes") for x in landing["links"])
    paths = Client().get(f"{BASE}/api").json()["paths"]
    assert ("/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/"
            "{tileCol}") in paths


@pytest.mark.parametrize("path, status", [
    ("tiles/WebMercatorQuad/3/8/1", 404),     # row 8 does not exist at zoom 3
    ("tiles/WebMercatorQuad/23/0/0", 404),    # no zoom 23
    ("tiles/WebMercatorQuad/a/0/0", 400),
    ("tiles/WebMercatorQuad/3/-1/0", 400),
    ("tiles/WorldCRS84Quad/3/1/1", 404),
    ("tiles/WorldCRS84Quad", 404),
])
def test_bad_tiles_are_clear_errors(communes_id, path, status):
    response = Client().get(f"{BASE}/collections/{communes_id}/{path}")
    assert response.status_code == status
    assert response.json()["description"]


def test_private_collections_have_no_tiles_for_outsiders(communes_id, communes_resource,
                                                          editor):
    Dataset.objects.filter(pk=communes_resource.dataset_id).update(private=True)
    z, x, y = tile_of(5.37, 43.30, 10)
    for path in ("tiles", "tiles/WebMercatorQuad", f"tiles/WebMercatorQuad/{z}/{y}/{x}"):
        assert Client().get(f"{BASE}/collections/{communes_id}/{path}").status_code == 404
    member = Client()
    member.force_login(editor)
    response = member.get(f"{BASE}/collections/{communes_id}/tiles/WebMercatorQuad/{z}/{y}/{x}")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
