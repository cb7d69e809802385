"""GeoJSON export of geo tables through the datastore's export endpoint."""
import json

import duckdb
from django.test import Client

from . import files


def export(resource, fmt="geojson", **params):
    return Client().get(f"/api/1/datastore/{resource.pk}/export/{fmt}/", params)


def body(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def test_geojson_export_of_a_geo_table(communes_resource):
    response = export(communes_resource)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].endswith('.geojson"')
    collection = body(response)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 10
    source = {f["properties"]["code"]: f for f in files.communes()}
    for feature in collection["features"]:
        original = source[feature["properties"]["code"]]
        assert feature["properties"]["nom"] == original["properties"]["nom"]
        assert feature["geometry"]["type"] == original["geometry"]["type"]
    # The second download is the cached file: the same bytes.
    assert body(export(communes_resource)) == collection


def test_filtered_geojson_export(communes_resource):
    collection = body(export(communes_resource, where="code LIKE '13%'"))
    assert sorted(f["properties"]["nom"] for f in collection["features"]) == [
        "Aix-en-Provence", "Arles", "Aubagne", "Marseille"]
    left_out = export(communes_resource, select="code,nom")
    assert left_out.status_code == 400
    assert "« geometry »" in json.dumps(left_out.json(), ensure_ascii=False)


def test_geojson_export_of_a_plain_table_is_refused(upload, make_dataset):
    resource = upload(make_dataset("Tableau"), "t.csv", b"a;b\n1;2\n")
    response = export(resource)
    assert response.status_code == 400
    assert "géométrie" in json.dumps(response.json(), ensure_ascii=False)


def test_other_exports_and_records_of_a_geo_table(communes_resource, tmp_path):
    csv = b"".join(export(communes_resource, "csv").streaming_content).decode()
    assert csv.splitlines()[0] == "code,nom,geometry"
    assert csv.splitlines()[1].startswith('13055,Marseille,"MULTIPOLYGON (((5.')
    parquet = tmp_path / "export.parquet"
    parquet.write_bytes(b"".join(export(communes_resource, "parquet").streaming_content))
    keys = duckdb.execute("SELECT decode(key) FROM parquet_kv_metadata(?)",
                          [str(parquet)]).fetchall()
    assert ("geo",) in keys  # the Parquet export is GeoParquet
    records = Client().get(f"/api/1/datastore/{communes_resource.pk}/records/",
                           {"limit": 1, "where": "code = '13055'"})
    # The records API shows the geometry as WKT.
    assert records.json()["records"][0]["geometry"].startswith("MULTIPOLYGON (((5.")
