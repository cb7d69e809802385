"""OGC API Features Part 2 (CRS): the CRS offered, output in EPSG:4326 (latitude first)
and Lambert-93, boxes and filter geometries given in another CRS, Content-Crs."""
import pyproj
import pytest
from django.test import Client

from datasud.datastore.errors import QueryError
from datasud.geo import crs

from . import files

BASE = "/api/ogc"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
L93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
# A point in Marseille (la Belle de Mai), in CRS84 then in Lambert-93.
PORT = (5.40, 43.30)
PORT_L93 = pyproj.Transformer.from_crs("OGC:CRS84", "EPSG:2154").transform(*PORT)


@pytest.fixture
def items_path(communes_resource):
    return f"{BASE}/collections/resource_{communes_resource.pk}/items"


def get(path, **params):
    return Client().get(path, params)


def first_position(geometry):
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates


def test_collection_offers_crs84_first_and_stores_in_it(communes_resource):
    body = get(f"{BASE}/collections/resource_{communes_resource.pk}").json()
    assert body["crs"] == [CRS84, WGS84, L93]
    assert body["storageCrs"] == CRS84
    assert body["extent"]["spatial"]["crs"] == CRS84
    page = get(f"{BASE}/collections/resource_{communes_resource.pk}", f="html")
    assert L93 in page.content.decode() and "Lambert-93" in page.content.decode()
    conformance = get(f"{BASE}/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance


def test_output_in_epsg_4326_is_latitude_first(items_path):
    default = get(items_path, code="13055")
    assert default["Content-Crs"] == f"<{CRS84}>"
    lon, lat = first_position(default.json()["features"][0]["geometry"])
    asked = get(items_path, code="13055", crs=WGS84)
    assert asked.status_code == 200 and asked["Content-Crs"] == f"<{WGS84}>"
    assert first_position(asked.json()["features"][0]["geometry"]) == pytest.approx([lat, lon])
    # The short and CURIE spellings name the same CRS.
    for spelling in ("EPSG:4326", "[EPSG:4326]", "https://www.opengis.net/def/crs/EPSG/0/4326"):
        assert get(items_path, code="13055", crs=spelling)["Content-Crs"] == f"<{WGS84}>"


def test_output_in_lambert_93_matches_proj(items_path):
    default = get(items_path, code="06088").json()["features"][0]
    projected = get(items_path, code="06088", crs=L93)
    assert projected["Content-Crs"] == f"<{L93}>"
    feature = projected.json()["features"][0]
    x, y = first_position(feature["geometry"])
    expected = pyproj.Transformer.from_crs("OGC:CRS84", "EPSG:2154").transform(
        *first_position(default["geometry"]))
    assert (x, y) == pytest.approx(expected, abs=0.01)
    assert 1_000_000 < x < 1_100_000 and 6_200_000 < y < 6_350_000  # Nice, in metres
    # The next link keeps the CRS.
    page = get(items_path, crs=L93, limit=2).json()
    next_link = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert "crs=http" in next_link
    assert Client().get(next_link)["Content-Crs"] == f"<{L93}>"


def test_single_item_in_another_crs(items_path):
    item = get(f"{items_path}/1", crs=L93)
    assert item.status_code == 200 and item["Content-Crs"] == f"<{L93}>"
    assert first_position(item.json()["geometry"])[0] > 100_000
    assert get(f"{items_path}/1")["Content-Crs"] == f"<{CRS84}>"
    bad = get(f"{items_path}/1", crs="EPSG:3857")
    assert bad.status_code == 400 and bad.json()["code"] == "InvalidParameterValue"


def test_bbox_in_lambert_93_and_in_epsg_4326(items_path):
    x, y = PORT_L93
    in_l93 = get(items_path, bbox=f"{x - 500},{y - 500},{x + 500},{y + 500}", **{"bbox-crs": L93})
    assert [f["properties"]["nom"] for f in in_l93.json()["features"]] == ["Marseille"]
    lon, lat = PORT
    # EPSG:4326: latitude first, in the box as everywhere else.
    in_4326 = get(items_path, bbox=f"{lat - 0.004},{lon - 0.005},{lat + 0.004},{lon + 0.005}",
                  **{"bbox-crs": WGS84})
    assert [f["properties"]["nom"] for f in in_4326.json()["features"]] == ["Marseille"]
    # The same numbers read as CRS84 are somewhere in the Indian Ocean... out of range.
    swapped = get(items_path, bbox=f"{lat - 0.004},{lon - 0.005},{lat + 0.004},{lon + 0.005}")
    assert swapped.json()["numberMatched"] == 0


@pytest.mark.parametrize("params", [
    {"crs": "EPSG:3857"}, {"crs": "http://www.opengis.net/def/crs/EPSG/0/999999"},
    {"crs": "n'importe quoi"}, {"bbox-crs": "EPSG:27572", "bbox": "1,2,3,4"},
    {"filter-crs": "EPSG:3857", "filter": "S_INTERSECTS(geometry, POINT(1 2))"},
    {"bbox-crs": L93, "bbox": "1,2,3"}, {"bbox-crs": L93, "bbox": "5,5,1,1"},
    {"bbox-crs": L93, "bbox": "-1e300,-1e300,1e300,1e300"},
])
def test_unsupported_crs_and_bad_boxes_are_400(items_path, params):
    response = get(items_path, **params)
    assert response.status_code == 400, params
    assert response.json()["code"] == "InvalidParameterValue"


def test_filter_geometry_in_lambert_93(items_path):
    x, y = PORT_L93
    body = get(items_path, filter=f"S_INTERSECTS(geometry, POINT({x} {y}))",
               **{"filter-crs": L93}).json()
    assert [f["properties"]["nom"] for f in body["features"]] == ["Marseille"]
    lon, lat = PORT
    latlon = get(items_path, filter=f"S_INTERSECTS(geometry, POINT({lat} {lon}))",
                 **{"filter-crs": WGS84}).json()
    assert [f["properties"]["nom"] for f in latlon["features"]] == ["Marseille"]


def test_code_of_reads_uris_curies_and_codes():
    assert crs.code_of(CRS84) == "OGC:CRS84"
    assert crs.code_of("http://www.opengis.net/def/crs/OGC/0/CRS84") == "OGC:CRS84"
    assert crs.code_of(L93) == "EPSG:2154"
    assert crs.code_of("[EPSG:2154]") == "EPSG:2154"
    assert crs.code_of("epsg:4326") == "EPSG:4326"
    for wrong in ("", "EPSG:abc", "http://example.org/def/crs/EPSG/0/2154", "OGC:CRS83",
                  "EPSG:" + "9" * 50):
        assert crs.code_of(wrong) is None, wrong


def test_offered_crs_adds_the_source_crs():
    assert crs.offered_crs("EPSG:4326") == ["OGC:CRS84", "EPSG:4326", "EPSG:2154"]
    assert crs.offered_crs("EPSG:3857")[-1] == "EPSG:3857"
    assert crs.offered_crs('PROJCS["local"...]') == ["OGC:CRS84", "EPSG:4326", "EPSG:2154"]
    with pytest.raises(QueryError, match="pas proposé"):
        crs.parse_crs("EPSG:3857", crs.offered_crs("EPSG:4326"), "crs")
    assert crs.north_first("EPSG:4326") and not crs.north_first("EPSG:2154")


@pytest.mark.slow
def test_source_crs_other_than_the_usual_ones_is_offered(upload, make_dataset, tmp_path):
    # A GeoPackage of points in Web Mercator: its CRS joins the list, and features come
    # back in it.
    to_mercator = pyproj.Transformer.from_crs("OGC:CRS84", "EPSG:3857")
    points = [files.point(*to_mercator.transform(lon, lat), nom=nom)
              for lon, lat, nom in [(5.37, 43.29, "Marseille"), (7.26, 43.70, "Nice")]]
    path = tmp_path / "merc.gpkg"
    files.write_layer(path, points, driver="GPKG", layer="points", crs="EPSG:3857")
    resource = upload(make_dataset("Points"), "points.gpkg", path.read_bytes())
    collection = f"{BASE}/collections/resource_{resource.pk}"
    offered = get(collection).json()["crs"]
    assert offered[-1] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    body = get(f"{collection}/items", crs=offered[-1]).json()
    x, y = body["features"][0]["geometry"]["coordinates"]
    assert (x, y) == pytest.approx(to_mercator.transform(5.37, 43.29), abs=0.01)
