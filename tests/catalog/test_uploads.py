import pytest

from datasud.catalog.uploads import detect_format, media_type_for


@pytest.mark.parametrize("name,head,expected", [
    ("data.parquet", b"PAR1....", "parquet"),
    ("classeur.xlsx", b"PK\x03\x04rest", "xlsx"),
    ("archive.bin", b"PK\x03\x04rest", "zip"),
    ("communes.shp.zip", b"PK\x03\x04", "shp"),
    ("couche.gpkg", b"SQLite format 3\x00", "gpkg"),
    ("doc.PDF", b"%PDF-1.7", "pdf"),
    ("export", b'  {"type": "FeatureCollection"}', "geojson"),
    ("export", b'[{"a": 1}]', "json"),
    ("points.CSV", b"a;b\n1;2", "csv"),
    ("lignes.ndjson", b'{"a":1}\n', "jsonl"),
])
def test_detect_format(name, head, expected):
    assert detect_format(name, head) == expected


def test_media_types():
    assert media_type_for("geojson", "x.geojson") == "application/geo+json"
    assert media_type_for("", "x.unknownext") == "application/octet-stream"
