"""ckanext-spatial's conventions: `ext_bbox` in package_search, the `spatial` extra."""
import json

import pytest

from datasud.catalog.models import Dataset
from datasud.geo.extent import refresh_all
from datasud.territories.models import Territory

MARSEILLE_BOX = [5.23, 43.17, 5.53, 43.39]


def names(found) -> set[str]:
    return {package["name"] for package in found["results"]}


@pytest.fixture
def boxed(catalogue):
    """Marseille has its extent, so "pistes-cyclables" (declared on it) has one too."""
    marseille = Territory.objects.get(level="commune", code="13055")
    marseille.bbox = MARSEILLE_BOX
    marseille.save(update_fields=["bbox"])
    # The m2m signal computes the extent of "horaires-bus"; the one declared before the
    # outline's extent was known is recomputed by the rebuild.
    catalogue["bus"].territories.set([marseille])
    assert Dataset.objects.get(pk=catalogue["bus"].pk).spatial_bbox == MARSEILLE_BOX
    refresh_all()
    return catalogue


def extras(package) -> dict:
    return {extra["key"]: extra["value"] for extra in package["extras"]}


def test_ext_bbox_keeps_the_datasets_whose_extent_meets_the_area(anon, result, boxed):
    found = result(anon, "package_search", ext_bbox="5.3,43.2,5.4,43.3")
    assert names(found) == {"pistes-cyclables", "horaires-bus"}
    assert found["count"] == 2
    assert names(result(anon, "package_search", ext_bbox="2.2,48.8,2.5,48.9")) == set()
    # With text and fq, as any other filter.
    assert names(result(anon, "package_search", q="vélos", ext_bbox="5.3,43.2,5.4,43.3")) \
        == {"pistes-cyclables"}
    assert names(result(anon, "package_search", fq="tags:bus",
                        ext_bbox="5.3,43.2,5.4,43.3")) == {"horaires-bus"}
    assert result(anon, "package_search")["count"] == 5


@pytest.mark.parametrize("bad", ["5.3,43.2,5.4", "a,b,c,d", "5.4,43.2,5.3,43.3", "0,0,0,95"])
def test_bad_ext_bbox_is_a_search_query_error(anon, call, boxed, bad):
    status, body = call(anon, "package_search", ext_bbox=bad)
    assert status == 400
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Query Error"
    assert "ext_bbox invalide" in body["error"]["message"]


def test_spatial_extra_is_the_extent_as_geojson(anon, result, boxed):
    package = result(anon, "package_show", id="pistes-cyclables")
    geometry = json.loads(extras(package)["spatial"])
    west, south, east, north = MARSEILLE_BOX
    assert geometry == {"type": "Polygon", "coordinates": [[
        [west, south], [east, south], [east, north], [west, north], [west, south]]]}
    # No extent, no extra (as ckanext-spatial).
    assert "spatial" not in extras(result(anon, "package_show", id="budget"))
    # Search results carry it too.
    found = result(anon, "package_search", ext_bbox="5.3,43.2,5.4,43.3")
    assert all("spatial" in extras(p) for p in found["results"])
