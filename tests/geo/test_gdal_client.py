"""GDAL (hence QGIS, ogr2ogr) reading the OGC API services of a live server.

GDAL runs in a child process: in the test's own process, its HTTP calls would hold the
interpreter while the live server, a thread of that same process, waits to answer them.
"""
import json
import subprocess
import sys
import textwrap

import pytest

from . import files

pytestmark = pytest.mark.slow

# Reads a layer with pyogrio's GDAL and prints what a client sees of it.
READ = textwrap.dedent("""
    import json, sys
    import pyogrio
    from pyogrio import raw
    source, layer = sys.argv[1], sys.argv[2]
    layers = [str(name) for name, _ in pyogrio.list_layers(source)]
    if layer == "*":  # the last layer, whatever its name
        layer = layers[-1]
    options = {k: tuple(v) if isinstance(v, list) else v
               for k, v in json.loads(sys.argv[3]).items()}
    meta, fids, geometry, fields = raw.read(source, layer=layer, **options)
    print(json.dumps({"layers": layers, "fields": list(meta["fields"]), "crs": meta["crs"],
                      "count": len(geometry),
                      "values": {name: [str(v) for v in column]
                                 for name, column in zip(meta["fields"], fields)}}))
""")


def gdal_read(source: str, layer: str, **options) -> dict:
    done = subprocess.run([sys.executable, "-c", READ, source, layer, json.dumps(options)],
                          capture_output=True, text=True, timeout=120,
                          env={"GDAL_HTTP_TIMEOUT": "20", "CPL_DEBUG": "OFF",
                               "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture
def collection(live_server, transactional_db, upload, make_dataset, editor):
    resource = upload(make_dataset("Communes", created_by=editor), "communes.geojson",
                      files.communes_bytes())
    return live_server.url, f"resource_{resource.pk}"


def test_gdal_reads_the_features_api(collection):
    url, cid = collection
    found = gdal_read(f"OAPIF:{url}/api/ogc/", cid)
    assert cid in found["layers"]
    assert {"code", "nom"} <= set(found["fields"])
    assert found["count"] == 10
    assert "Marseille" in found["values"]["nom"]
    # A spatial filter goes to the server as bbox=...; GDAL keeps what it gets.
    near = gdal_read(f"OAPIF:{url}/api/ogc/", cid, bbox=(5.36, 43.29, 5.38, 43.30))
    assert near["values"]["nom"] == ["Marseille"]


def test_gdal_reads_the_vector_tiles_api(collection):
    url, cid = collection
    """The driver finds the tileset from the collection, reads its zoom levels as layers
    and the communes (with their properties) from the tiles of a level."""
    found = gdal_read(f"OGCAPI:{url}/api/ogc/collections/{cid}", "*", max_features=1000)
    assert found["layers"][0] == "Zoom level 0"
    assert {"code", "nom"} <= set(found["fields"])
    # A commune cut by a tile edge comes once per tile: each one at least once.
    assert {"Marseille", "Gap", "Arles"} <= set(found["values"]["nom"])
