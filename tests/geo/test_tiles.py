"""Vector tiles (/tuiles/): MVT content read back with a reader of the specification
(tests/geo/mvt.py), headers, caching per version, permissions, bad tile numbers, TileJSON,
and the territory basemap."""
import dataclasses
import io
import math
import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from datasud.catalog.models import Dataset
from datasud.geo import tilecache
from datasud.geo.collections import get_collection
from datasud.geo.tiles import MAX_PROPERTIES, MAX_TEXT, MAX_ZOOM, Tile, parse_tile, render_layer
from datasud.geo.tilesets import collection_tileset
from datasud.territories.loaders import load_territories

from . import files, mvt

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    rad = math.radians(lat)
    y = int((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n)
    return z, x, y


def url(collection_id: str, z: int, x: int, y: int) -> str:
    return f"/tuiles/{collection_id}/{z}/{x}/{y}.mvt"


@pytest.fixture
def communes_id(communes_resource):
    return f"resource_{communes_resource.pk}"


@pytest.fixture
def points(upload, make_dataset):
    dataset = make_dataset("Phares et balises")
    features = [files.point(5.2306, 43.1989, nom="Planier", hauteur=66, allume=True),
                files.point(6.2036, 42.9842, nom="Porquerolles", hauteur=22, allume=False),
                files.point(7.1320, 43.5510, nom="Cap d'Antibes", hauteur=30, allume=True)]
    return upload(dataset, "phares.geojson", files.feature_collection(features))


def test_a_tile_holds_the_features_it_covers_with_their_properties(communes_id):
    response = Client().get(url(communes_id, *tile_of(5.37, 43.30, 10)))
    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    layers = mvt.decode(response.content)
    assert list(layers) == [communes_id]
    layer = layers[communes_id]
    assert layer.version == 2 and layer.extent == 4096
    names = {f.properties["nom"] for f in layer.features}
    assert "Marseille" in names and "Nice" not in names
    marseille = next(f for f in layer.features if f.properties["nom"] == "Marseille")
    assert marseille.type == "Polygon"
    assert marseille.properties == {"code": "13055", "nom": "Marseille"}
    # The feature id is the OGC API item id (row number from 1): Marseille is the first.
    assert marseille.id == 1
    assert Client().get(f"/api/ogc/collections/{communes_id}/items/1",
                        {"f": "json"}).json()["properties"]["nom"] == "Marseille"
    # Polygons are clipped to the tile plus its buffer: coordinates stay near the grid.
    for part in marseille.parts:
        assert all(-64 <= x <= 4096 + 64 and -64 <= y <= 4096 + 64 for x, y in part)


def test_points_land_where_they_are_with_typed_properties(points):
    collection_id = f"resource_{points.pk}"
    z, x, y = tile_of(5.2306, 43.1989, 12)
    layer = mvt.decode(Client().get(url(collection_id, z, x, y)).content)[collection_id]
    assert len(layer.features) == 1
    feature = layer.features[0]
    assert feature.type == "Point"
    assert feature.properties == {"nom": "Planier", "hauteur": 66, "allume": True}
    # Where in the tile: the same fraction of the tile as the lon/lat says.
    n = 2 ** z
    expected_x = ((5.2306 + 180) / 360 * n - x) * 4096
    (px, _py), = feature.parts[0]
    assert abs(px - expected_x) <= 1


def test_properties_are_bounded_in_number_and_length(upload, make_dataset):
    properties = {"texte": "é" * 500, **{f"p{i}": i for i in range(20)}}
    resource = upload(make_dataset("Large"), "large.geojson",
                      files.feature_collection([files.point(5.5, 43.5, **properties)]))
    collection_id = f"resource_{resource.pk}"
    feature = mvt.decode(Client().get(url(collection_id, 0, 0, 0)).content)[
        collection_id].features[0]
    assert len(feature.properties) == MAX_PROPERTIES
    assert feature.properties["texte"] == "é" * MAX_TEXT
    assert feature.properties["p0"] == 0 and "p15" not in feature.properties
    fields = Client().get(f"/tuiles/{collection_id}/tiles.json").json()["vector_layers"][0][
        "fields"]
    assert list(fields) == list(feature.properties) and fields["p0"] == "Number"


def test_low_zoom_tile_holds_all_the_region(communes_id, points):
    layer = mvt.decode(Client().get(url(communes_id, 5, 16, 11)).content)[communes_id]
    assert len(layer.features) == 10  # the whole extract, PACA being in one z5 tile
    phares = f"resource_{points.pk}"  # a small table is never thinned, even at zoom 0
    assert len(mvt.decode(Client().get(url(phares, 0, 0, 0)).content)[phares].features) == 3


def test_dense_points_are_thinned_at_low_zoom_but_all_there_when_zoomed_in(upload,
                                                                            make_dataset):
    # 4 900 points on a 70 x 70 grid 0.0002° apart (~20 m): a few cells at zoom 8, all
    # apart at 17. (A table of at most 64² features is never thinned.)
    features = [files.point(5.4 + i * 0.0002, 43.5 + j * 0.0002, n=i * 70 + j)
                for i in range(70) for j in range(70)]
    resource = upload(make_dataset("Arbres"), "arbres.geojson",
                      files.feature_collection(features))
    collection_id = f"resource_{resource.pk}"

    def count(z):
        """Distinct features in the 3 x 3 tiles around the grid (a feature near an edge is
        also in the next tile's buffer)."""
        _, x, y = tile_of(5.407, 43.507, z)
        ids = set()
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                response = Client().get(url(collection_id, z, x + dx, y + dy))
                if response.status_code == 200:
                    ids |= {f.id for f in mvt.decode(response.content)[collection_id].features}
        return len(ids)

    assert count(8) < 100
    assert count(15) == 4900


def test_points_fast_path_draws_what_st_asmvtgeom_draws(upload, make_dataset):
    """Tables of points skip ST_AsMVTGeom (tiles.`_tile_geometry`): the features, their
    places in the grid and their properties must be the same as the general path's."""
    rng = random.Random(7)
    features = [files.point(round(rng.uniform(5.3, 5.5), 6), round(rng.uniform(43.2, 43.4), 6),
                            n=i, kind="abc"[i % 3]) for i in range(600)]
    resource = upload(make_dataset("Points"), "points.geojson",
                      files.feature_collection(features))
    collection = get_collection(AnonymousUser(), f"resource_{resource.pk}")
    tileset = collection_tileset(collection)
    fast = tileset.layers[0]
    assert fast.points_only
    general = dataclasses.replace(fast, points_only=False)
    source = tileset.source_path()
    compared = 0
    for z in (9, 11, 13, 15):
        _, x0, y0 = tile_of(5.4, 43.3, z)
        for x in (x0 - 1, x0, x0 + 1):
            for y in (y0 - 1, y0, y0 + 1):
                tile = Tile(z, x, y)
                mine = render_layer(source, fast, tile)
                theirs = render_layer(source, general, tile)
                if not theirs:
                    assert not mine
                    continue
                drawn = {f.id: (f.type, f.parts, f.properties)
                         for f in mvt.decode(mine)[fast.name].features}
                expected = {f.id: (f.type, f.parts, f.properties)
                            for f in mvt.decode(theirs)[fast.name].features}
                assert drawn == expected
                compared += len(expected)
    assert compared > 600  # every point seen, several times over


def test_empty_tile_is_204_and_bad_numbers_are_400(communes_id):
    assert Client().get(url(communes_id, 10, 0, 0)).status_code == 204
    for z, x, y in [(-1, 0, 0), (MAX_ZOOM + 1, 0, 0), (3, 8, 0), (3, 0, 8), ("a", 0, 0),
                    (2, "1.5", 1), (99999999999999999999, 0, 0)]:
        response = Client().get(url(communes_id, z, x, y))
        assert response.status_code == 400, (z, x, y)
        assert response.json()["code"] == "InvalidParameterValue"
        assert response.json()["description"]


def test_parse_tile_checks_the_ranges():
    assert parse_tile("3", "7", "0") == Tile(3, 7, 0)
    with pytest.raises(ValueError):
        parse_tile("3", "8", "0")


def test_headers_etag_and_304(communes_id):
    path = url(communes_id, *tile_of(5.37, 43.30, 9))
    first = Client().get(path)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=600"
    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["X-Tile-Cache"] == "miss"
    etag = first["ETag"]
    assert etag.startswith('"') and communes_id in etag
    again = Client().get(path)
    assert again["X-Tile-Cache"] == "hit" and again.content == first.content
    assert again["ETag"] == etag
    not_modified = Client().get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert Client().get(path, headers={"If-None-Match": '"autre"'}).status_code == 200
    assert Client().post(path).status_code == 405


def test_a_new_version_is_never_answered_from_the_old_cache(communes_id, communes_resource,
                                                             django_capture_on_commit_callbacks):
    path = url(communes_id, *tile_of(5.37, 43.30, 9))
    old = Client().get(path)
    assert "Marseille" in {f.properties["nom"] for f in
                           mvt.decode(old.content)[communes_id].features}
    only_nice = files.feature_collection([f for f in files.communes()
                                          if f["properties"]["nom"] == "Nice"])
    communes_resource.file.save("communes.geojson", io.BytesIO(only_nice), save=False)
    communes_resource.checksum = "v2"
    with django_capture_on_commit_callbacks(execute=True):
        communes_resource.save()
    new = Client().get(path, headers={"If-None-Match": old["ETag"]})
    assert new["ETag"] != old["ETag"]
    assert new.status_code == 204  # Marseille's tile is empty in the new version
    # The old version's folder went when the new source was built.
    folders = [p.name for p in (tilecache.root() / communes_id).iterdir()]
    assert len(folders) == 1


def test_the_cache_is_bounded(communes_id, settings):
    settings.GEO_TILE_CACHE_MAX_BYTES = 4000
    for z in range(4, 11):
        assert Client().get(url(communes_id, *tile_of(5.37, 43.30, z))).status_code == 200
    sizes = sum(p.stat().st_size + 512 for p in tilecache.root().rglob("*.mvt"))
    assert sizes <= 4000
    assert list(tilecache.root().rglob("source.parquet"))  # sources are never pruned


def test_private_tiles_are_404_except_for_members_and_tokens(communes_id, communes_resource,
                                                             editor, outsider, client_as):
    Dataset.objects.filter(pk=communes_resource.dataset_id).update(private=True)
    path = url(communes_id, *tile_of(5.37, 43.30, 9))
    assert Client().get(path).status_code == 404
    assert Client().get(f"/tuiles/{communes_id}/tiles.json").status_code == 404
    assert client_as(outsider).get(path).status_code == 404
    member = client_as(editor).get(path)
    assert member.status_code == 200 and member["Cache-Control"] == "private, no-cache"
    browser = Client()
    browser.force_login(editor)
    assert browser.get(path).status_code == 200
    bad = Client(headers={"Authorization": "Bearer nope"}).get(path)
    assert bad.status_code == 401


def test_unknown_collections_are_404(db):
    for name in ("resource_999999", "resource_1_1", "resource_x"):
        assert Client().get(url(name, 0, 0, 0)).status_code == 404, name


def test_tilejson_describes_the_layer(communes_id):
    document = Client().get(f"/tuiles/{communes_id}/tiles.json").json()
    assert document["tilejson"] == "3.0.0"
    tiles = f"http://testserver/tuiles/{communes_id}/{{z}}/{{x}}/{{y}}.mvt"
    assert document["tiles"] == [tiles]
    west, south, east, north = document["bounds"]
    assert 4 < west < east < 8 and 42 < south < north < 45.5
    assert document["vector_layers"] == [{"id": communes_id, "minzoom": 0,
                                          "maxzoom": document["maxzoom"],
                                          "fields": {"code": "String", "nom": "String"}}]
    assert set(document["geometry_types"]) <= {"Polygon", "MultiPolygon"}


# --- the territory basemap ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def territories(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_territories()
    yield
    with django_db_blocker.unblock():
        from datasud.territories.models import Territory

        Territory.objects.all().delete()


@pytest.mark.slow
def test_the_basemap_tiles_are_the_regions_territories(territories, db):
    style = Client().get("/tuiles/territoires/style.json").json()
    assert style["version"] == 8
    assert style["sources"]["territoires"]["url"] == "http://testserver/tuiles/territoires/tiles.json"
    assert not any("http" in str(layer) for layer in style["layers"])  # no third-party map
    document = Client().get("/tuiles/territoires/tiles.json").json()
    assert [layer["id"] for layer in document["vector_layers"]] == [
        "region", "departements", "epci", "communes"]
    # Zoom 5: région and départements; no commune drawn over the whole of France.
    low = mvt.decode(Client().get("/tuiles/territoires/5/16/11.mvt").content)
    assert set(low) == {"region", "departements", "epci"}
    assert {f.properties["code"] for f in low["departements"].features} == {
        "04", "05", "06", "13", "83", "84"}
    # Marseille's tile at zoom 10: the commune, its EPCI (outline merged from its members)
    # and links to the territory pages.
    response = Client().get("/tuiles/territoires/{}/{}/{}.mvt".format(*tile_of(5.37, 43.30, 10)))
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=600"
    layers = mvt.decode(response.content)
    marseille = next(f for f in layers["communes"].features if f.properties["code"] == "13055")
    assert marseille.properties == {"level": "commune", "code": "13055", "name": "Marseille",
                                    "href": "/territoires/commune/13055/"}
    epcis = {f.properties["name"] for f in layers["epci"].features}
    assert any("Aix-Marseille" in name for name in epcis)
