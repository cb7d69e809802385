"""Geo ingestion: each format through the datastore's reader, and the whole pipeline."""
import io
import json
import zipfile

import duckdb
import pytest
from django.test import Client

from datasud.datastore.errors import IngestError
from datasud.datastore.ingest import detect_format, read_source
from datasud.datastore.models import Load, Table
from datasud.geo.geoparquet import read_geo_info
from datasud.geo.ingest import spatial_cursor

from . import files

# The communes extract, in WGS84 (see data/README.md).
EXTENT = [4.4261, 43.1023, 7.3234, 44.6645]


def read(tmp_path, con, name: str, content: bytes, declared: str = ""):
    source = tmp_path / name
    source.write_bytes(content)
    return read_source(source, tmp_path / "out", con, declared_format=declared)


def kv_metadata(path) -> dict:
    rows = duckdb.execute("SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)",
                          [str(path)]).fetchall()
    return {k: json.loads(v) for k, v in rows}


def test_geojson_is_stored_as_geoparquet_in_wgs84(tmp_path, con):
    [table] = read(tmp_path, con, "communes.geojson", files.communes_bytes())
    assert table.row_count == 10
    assert table.columns == [("code", "VARCHAR"), ("nom", "VARCHAR"),
                             ("geometry", "GEOMETRY")]
    geo = kv_metadata(table.path)["geo"]
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB"
    assert column["geometry_types"] == ["MultiPolygon", "Polygon"]
    assert column["bbox"] == EXTENT
    # Plain DuckDB (no spatial) reads the GeoParquet metadata: WKB in CRS84.
    marseille = duckdb.execute(
        "SELECT nom, typeof(geometry), geometry FROM read_parquet(?) WHERE code = '13055'",
        [str(table.path)]).fetchone()
    assert marseille[:2] == ("Marseille", "GEOMETRY('OGC:CRS84')")
    assert marseille[2][:5] == b"\x01\x06\x00\x00\x00"  # little-endian WKB MultiPolygon
    assert read_geo_info(table.path).source_crs == "EPSG:4326"


def test_zipped_shapefile_in_lambert93_is_reprojected(tmp_path, con):
    features = files.communes()
    for feature in features:
        feature["properties"]["region"] = "Provence-Alpes-Côte d'Azur"
    content = files.shapefile_zip(tmp_path, features=features)
    assert detect_format(_write(tmp_path, "c.zip", content)) == "shapefile"
    [table] = read(tmp_path, con, "communes.zip", content)
    info = read_geo_info(table.path)
    assert info.source_crs == "EPSG:2154"
    assert info.geometry_types == ["MultiPolygon", "Polygon"]
    assert info.bbox == pytest.approx(EXTENT, abs=1e-5)
    # CP1252 text, told by the .cpg, comes back right.
    regions = duckdb.execute("SELECT DISTINCT region FROM read_parquet(?)",
                             [str(table.path)]).fetchall()
    assert regions == [("Provence-Alpes-Côte d'Azur",)]
    assert any("EPSG:2154" in w and "WGS84" in w for w in table.warnings)


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_geopackage_layers_are_tables(tmp_path, con):
    tables = read(tmp_path, con, "territoires.gpkg", files.geopackage(tmp_path))
    assert [t.name for t in tables] == ["communes_13", "centres"]
    communes, centres = (read_geo_info(t.path) for t in tables)
    assert communes.source_crs == "EPSG:2154" and centres.source_crs == "EPSG:4326"
    assert centres.geometry_types == ["Point"]
    assert [t.row_count for t in tables] == [4, 4]
    # Each centre lies inside the extent of the communes it comes from.
    assert communes.bbox[0] <= centres.bbox[0] and centres.bbox[2] <= communes.bbox[2]


def test_kml_placemarks(tmp_path, con):
    [table] = read(tmp_path, con, "phares.kml", files.KML)
    assert table.row_count == 3
    names = [c for c, _ in table.columns]
    assert "Name" in names or "name" in names
    info = read_geo_info(table.path)
    assert info.geometry_types == ["Point"]
    assert info.bbox == pytest.approx([5.2306, 42.9842, 7.132, 43.551])


@pytest.mark.parametrize(("csv", "crs"), [
    ("nom;latitude;longitude\nPlanier;43,1989;5,2306\nAntibes;43,5510;7,1320\nSans;;\n",
     "EPSG:4326"),
    ("nom,x,y\nPlanier,883447.6,6233446.7\nAntibes,1037750.0,6290000.0\n", "EPSG:2154"),
])
def test_csv_with_coordinates_gets_points(tmp_path, con, csv, crs):
    [table] = read(tmp_path, con, "sites.csv", csv.encode())
    info = read_geo_info(table.path)
    assert info.source_crs == crs
    assert info.geometry_types == ["Point"]
    assert 5.0 < info.bbox[0] < 5.5 and 43.0 < info.bbox[1] < 43.6
    assert table.columns[-1] == ("geometry", "GEOMETRY")
    assert table.columns[0] == ("nom", "VARCHAR")  # the source columns are kept


def test_csv_without_coordinates_is_unchanged(tmp_path, con):
    [table] = read(tmp_path, con, "t.csv", b"x,y\nabc,def\n")
    assert read_geo_info(table.path) is None
    [table] = read(tmp_path, con, "u.csv", b"lat,lon\n4000,9000\n")
    assert read_geo_info(table.path) is None
    assert any("ni en WGS84 ni en Lambert-93" in w for w in table.warnings)


def test_invalid_polygons_are_repaired_and_reported(tmp_path, con):
    bowtie = {"type": "Feature", "properties": {"nom": "noeud papillon"}, "geometry": {
        "type": "Polygon", "coordinates": [[[5, 43], [6, 44], [6, 43], [5, 44], [5, 43]]]}}
    square = {"type": "Feature", "properties": {"nom": "carré"}, "geometry": {
        "type": "Polygon", "coordinates": [[[5, 43], [5, 44], [6, 44], [6, 43], [5, 43]]]}}
    [table] = read(tmp_path, con, "p.geojson", files.feature_collection([square, bowtie]))
    assert any("entité(s) 2" in w and "réparée" in w for w in table.warnings)
    valid = spatial_cursor()
    rows = valid.execute("SELECT bool_and(ST_IsValid(geometry)), "
                         "list(ST_GeometryType(geometry)::VARCHAR) "
                         "FROM read_parquet(?)", [str(table.path)]).fetchone()
    assert rows[0] is True
    assert rows[1] == ["POLYGON", "MULTIPOLYGON"]


def _error(tmp_path, con, name, content) -> IngestError:
    with pytest.raises(IngestError) as caught:
        read(tmp_path, con, name, content)
    assert not list((tmp_path / "out").glob("*"))  # nothing left behind
    return caught.value


def test_bad_geo_inputs_get_clear_errors(tmp_path, con):
    no_prj = _error(tmp_path, con, "c.zip", files.shapefile_zip(tmp_path, prj=False))
    assert no_prj.code == "crs" and ".prj" in no_prj.message
    mixed = _error(tmp_path, con, "m.geojson", files.feature_collection([
        files.point(5, 43), files.communes()[0]]))
    assert mixed.code == "mixed_geometry" and "points" in mixed.message
    assert "polygones" in mixed.message
    metres = _error(tmp_path, con, "l.geojson", files.feature_collection([
        files.point(5, 43), files.point(883447.6, 6233446.7)]))
    assert metres.code == "coordinates" and metres.line == 2
    assert "Lambert-93" in metres.message
    broken = _error(tmp_path, con, "b.geojson", b'{"type": "FeatureCollection", "features": [')
    assert broken.code == "invalid" and "GeoJSON" in broken.message
    empty = _error(tmp_path, con, "e.geojson", files.feature_collection([]))
    assert empty.code == "empty"


def test_broken_and_foreign_zips(tmp_path, con):
    good = files.shapefile_zip(tmp_path)
    truncated = _error(tmp_path, con, "t.zip", good[:len(good) // 2])
    assert "ZIP" in truncated.message and "endommagée" in truncated.message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("communes/communes.shp", b"x" * 200)
    incomplete = _error(tmp_path, con, "i.zip", buffer.getvalue())
    assert ".shx" in incomplete.message
    not_gpkg = _error(tmp_path, con, "n.gpkg", b"SQLite format 3\x00" + b"\x00" * 400)
    assert "GeoPackage" in not_gpkg.message


def test_upload_loads_the_geo_table_and_its_metadata(communes_resource):
    load = Load.objects.get(resource=communes_resource)
    assert load.status == Load.Status.SUCCEEDED, load.error
    table = Table.objects.get(load=load)
    assert table.geo["bbox"] == EXTENT and table.geo["source_crs"] == "EPSG:4326"
    assert table.geo["geometry_types"] == ["MultiPolygon", "Polygon"]
    # The datastore's own API serves the properties as records.
    body = Client().get(f"/api/1/datastore/{communes_resource.pk}/records/",
                        {"select": "code,nom", "order_by": "code", "limit": 2}).json()
    assert [r["nom"] for r in body["records"]] == ["Digne-les-Bains", "Gap"]


def test_failed_geo_load_keeps_previous_version(communes_resource,
                                                django_capture_on_commit_callbacks):
    communes_resource.file.save("communes.geojson", io.BytesIO(files.feature_collection([
        files.point(5, 43), files.point(883447.6, 6233446.7)])), save=False)
    communes_resource.checksum = "changed"
    with django_capture_on_commit_callbacks(execute=True):
        communes_resource.save()
    failed = Load.objects.get(resource=communes_resource, number=2)
    assert failed.status == Load.Status.FAILED
    assert failed.error["code"] == "coordinates"
    current = Load.objects.get(resource=communes_resource, is_current=True)
    assert current.number == 1 and current.tables.get().geo["bbox"] == EXTENT


def test_resource_page_of_a_geo_table(communes_resource):
    dataset = communes_resource.dataset
    page = Client().get(f"/jeux-de-donnees/{dataset.slug}/ressources/{communes_resource.pk}/")
    assert page.status_code == 200
    assert "Marseille" in page.content.decode()


def test_geojson_published_as_json_is_still_geographic(upload, make_dataset):
    resource = upload(make_dataset("Communes"), "communes.json", files.communes_bytes())
    assert resource.format == "json"
    load = Load.objects.get(resource=resource)
    assert load.status == Load.Status.SUCCEEDED and load.options["format"] == "geojson"
    assert load.tables.get().geo["geometry_types"] == ["MultiPolygon", "Polygon"]
    assert any("GeoJSON" in w for w in load.warnings)  # announced JSON, read as GeoJSON
