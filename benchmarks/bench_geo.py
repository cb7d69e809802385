"""Geographic services side by side with pygeoapi (issue 5), in one run.

    .venv/bin/python benchmarks/bench_geo.py [--repeat 200] [--points 100000] [--write-docs]

1. The communes of PACA (947 polygons, the GeoJSON of ../shared/data/geo) served by
   DataSud's OGC API Features (GeoParquet + DuckDB, behind gunicorn) and by pygeoapi
   (its GeoJSON provider, behind gunicorn; pinned in benchmarks/requirements-pygeoapi.txt,
   installed in its own venv `.venv-pygeoapi`: a peer, never a dependency): items in a
   bbox (a different bbox each request, 10 features), one item, limit=1000.
2. Vector tiles of 100,000 points (generated, seeded): p50 of tiles requested once each
   (uncached), then again (cached).
3. The ARCEP mobile sites file (77k sites, Lambert-93) end to end: `datasud load_arcep`.

Both servers get the same machine, 2 workers each, keep-alive clients, one at a time.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_datastore import _env, _free_port, _wait, latency  # noqa: E402
from benchmarks.run_all import write_section  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
PEER = ROOT / ".venv-pygeoapi" / "bin"
SHARED = ROOT.parent / "shared" / "data"
COMMUNES = SHARED / "geo" / "communes-paca-2018.geojson"
ARCEP = SHARED / "coverage" / "arcep-sites-mobiles-2018-01-L93.csv"
PACA = (4.23, 42.98, 7.72, 45.13)
SEED = 5

LOAD_SCRIPT = """
import json, sys, time
import django; django.setup()
from django.core.files import File
from django.core.management import call_command
from datasud.catalog.models import Dataset, Organisation, Resource
from datasud.datastore.models import Load, Table
from datasud.datastore import services
call_command("migrate", verbosity=0)
org, _ = Organisation.objects.get_or_create(name="Bench", slug="bench")
out = {}
for path in sys.argv[1:]:
    name = path.rsplit("/", 1)[-1]
    ds = Dataset.objects.create(title=name, slug=name.split(".")[0], organisation=org,
                                status="published")
    res = Resource(dataset=ds, kind="file", title=name, format="geojson")
    with open(path, "rb") as f:
        res.file.save(name, File(f), save=False)
    Resource.objects.bulk_create([res])  # no signal: loaded (and timed) right here
    res = Resource.objects.get(dataset=ds)
    load = Load.objects.create(resource=res, number=1)
    start = time.perf_counter()
    services.run_load(load.pk)
    out[name] = {"resource": res.pk, "seconds": round(time.perf_counter() - start, 2),
                 "collection": Table.objects.filter(load__resource=res).first().sql_name}
print(json.dumps(out))
"""

PYGEOAPI_CONFIG = """
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: fr-FR
  limits: {{default_items: 10, max_items: 10000}}
  map:
    url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png"
    attribution: OpenStreetMap
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench],
    keywords_type: theme, terms_of_service: "https://example.org", url: "https://example.org"}}
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: bench, url: "https://example.org"}}
  contact: {{name: bench, position: bench, address: x, city: x, stateorprovince: x,
    postalcode: x, country: FR, phone: x, fax: x, email: x@example.org,
    url: "https://example.org", hours: x, instructions: x, role: pointOfContact}}
resources:
  communes:
    type: collection
    title: communes
    description: communes
    keywords: [communes]
    extents:
      spatial: {{bbox: [4.2, 42.9, 7.8, 45.2],
                crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: GeoJSON
        data: {data}
        id_field: code
"""


def random_bboxes(n: int, size: float = 0.15) -> list[str]:
    """`n` bboxes of `size` degrees inside PACA, seeded: each request asks another area."""
    rng = random.Random(SEED)
    boxes = []
    for _ in range(n):
        x = rng.uniform(PACA[0], PACA[2] - size)
        y = rng.uniform(PACA[1], PACA[3] - size)
        boxes.append(f"{x:.4f},{y:.4f},{x + size:.4f},{y + size:.4f}")
    return boxes


def write_points(path: Path, n: int) -> None:
    """`n` points spread over PACA, as GeoJSON (seeded)."""
    rng = random.Random(SEED)
    with path.open("w") as out:
        out.write('{"type":"FeatureCollection","features":[')
        for i in range(n):
            x, y = rng.uniform(PACA[0], PACA[2]), rng.uniform(PACA[1], PACA[3])
            out.write(("," if i else "") + json.dumps({
                "type": "Feature", "properties": {"n": i, "kind": "abc"[i % 3]},
                "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}}))
        out.write("]}")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def paca_tiles(z: int) -> list[tuple[int, int, int]]:
    x0, y0 = tile_of(PACA[0], PACA[3], z)
    x1, y1 = tile_of(PACA[2], PACA[1], z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def serve(argv: list[str], env: dict, port: int, ready: str) -> subprocess.Popen:
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _wait(port, ready)
    return proc


def gunicorn(binary: Path, app: str, port: int) -> list[str]:
    return [str(binary / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--threads", "4", "--worker-class", "gthread", "--log-level", "warning"]


def features_latencies(port: int, prefix: str, collection: str, feature_id: str,
                       repeat: int) -> dict:
    boxes = random_bboxes(repeat + 5)
    items = f"{prefix}/collections/{collection}/items"
    return {
        "bbox": latency(port, lambda i: f"{items}?f=json&bbox={boxes[i]}", repeat),
        "item": latency(port, f"{items}/{feature_id}?f=json", repeat),
        "limit_1000": latency(port, f"{items}?f=json&limit=1000", max(repeat // 10, 10)),
    }


def run(repeat: int, points: int, arcep: bool) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="datasud-bench-geo-") as tmp:
        work = Path(tmp)
        points_file = work / "points.geojson"
        write_points(points_file, points)
        loaded = json.loads(subprocess.run(
            [str(PYTHON), "-c", LOAD_SCRIPT, str(COMMUNES), str(points_file)], env=_env(work),
            cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        results["ingest"] = {name: info["seconds"] for name, info in loaded.items()}
        communes = loaded[COMMUNES.name]["collection"]
        points_collection = loaded["points.geojson"]["collection"]

        port = _free_port()
        proc = serve(gunicorn(ROOT / ".venv" / "bin", "datasud.wsgi:application", port),
                     _env(work), port, "/api/ogc/")
        try:
            results["datasud"] = features_latencies(port, "/api/ogc", communes, "1", repeat)
            results["tiles"] = tiles_latencies(port, points_collection)
        finally:
            proc.terminate()
            proc.wait()

        if (PEER / "gunicorn").exists():
            port = _free_port()
            config, document = work / "pygeoapi.yml", work / "pygeoapi-openapi.yml"
            config.write_text(PYGEOAPI_CONFIG.format(port=port, data=COMMUNES))
            env = dict(os.environ, PYGEOAPI_CONFIG=str(config), PYGEOAPI_OPENAPI=str(document))
            subprocess.run([str(PEER / "pygeoapi"), "openapi", "generate", str(config),
                            "--output-file", str(document)], env=env, check=True,
                           capture_output=True)
            proc = serve(gunicorn(PEER, "pygeoapi.flask_app:APP", port), env, port,
                         "/collections?f=json")
            try:
                results["pygeoapi"] = features_latencies(port, "", "communes", "13055", repeat)
            finally:
                proc.terminate()
                proc.wait()

        if arcep and ARCEP.exists():
            # The région's outline and communes are needed to keep PACA sites (not timed).
            subprocess.run([str(ROOT / ".venv" / "bin" / "datasud"), "load_territories"],
                           env=_env(work), cwd=ROOT, check=True, capture_output=True)
            start = time.perf_counter()
            subprocess.run([str(ROOT / ".venv" / "bin" / "datasud"), "load_arcep", "--file",
                            str(ARCEP)], env=_env(work), cwd=ROOT, check=True,
                           capture_output=True)
            results["arcep_seconds"] = round(time.perf_counter() - start, 1)
    return results


TILE_PATH = "/tuiles/{collection}/{z}/{x}/{y}.mvt"


def tiles_latencies(port: int, collection: str) -> dict:
    """Every tile of PACA at zooms 8 to 10, each asked once (uncached), then again."""
    tiles = paca_tiles(8) + paca_tiles(9) + paca_tiles(10)

    def path(i: int) -> str:
        z, x, y = tiles[i % len(tiles)]
        return TILE_PATH.format(collection=collection, z=z, x=x, y=y)

    uncached = latency(port, lambda i: path(i + 5), len(tiles) - 5)
    cached = latency(port, path, len(tiles) - 5)
    return {"tiles": len(tiles), "uncached": uncached, "cached": cached}


def peer_version() -> str:
    for line in (ROOT / "benchmarks" / "requirements-pygeoapi.txt").read_text().splitlines():
        if line.lower().startswith("pygeoapi=="):
            return line.split("==", 1)[1]
    return "?"


def markdown(r: dict, args) -> str:
    lines = [
        "### OGC API Features, communes of PACA (947 polygons), 2 gunicorn workers each", "",
        f"pygeoapi {peer_version()} with its GeoJSON provider (the file is read for each "
        "request); DataSud reads the GeoParquet version with DuckDB.", "",
        "| request | DataSud p50 / p95 (ms) | pygeoapi p50 / p95 (ms) | goal |",
        "|---|---|---|---|",
    ]
    goals = {"bbox": "≤ 20 ms", "item": "", "limit_1000": ""}
    labels = {"bbox": "items in a bbox (0.15°, 10 features, a new bbox each time)",
              "item": "one item", "limit_1000": "items, limit=1000"}
    for key, label in labels.items():
        ours = r["datasud"][key]
        peer = r.get("pygeoapi", {}).get(key)
        peer_text = f"{peer['p50_ms']} / {peer['p95_ms']}" if peer else "not run"
        lines.append(f"| {label} | {ours['p50_ms']} / {ours['p95_ms']} | {peer_text} | "
                     f"{goals[key]} |")
    t = r["tiles"]
    lines += ["", f"### Vector tiles, {args.points:,} points", "",
              "| tiles (zooms 8-10 over PACA) | p50 (ms) | p95 (ms) | goal |",
              "|---|---|---|---|",
              f"| {t['tiles']} uncached | {t['uncached']['p50_ms']} | {t['uncached']['p95_ms']} "
              "| ≤ 20 ms |",
              f"| the same, cached | {t['cached']['p50_ms']} | {t['cached']['p95_ms']} | |",
              "", "### Ingestion", ""]
    for name, seconds in r["ingest"].items():
        lines.append(f"- `{name}` loaded (GeoJSON → GeoParquet 4326): {seconds} s")
    if "arcep_seconds" in r:
        lines.append(f"- ARCEP mobile sites, national file end to end (`datasud load_arcep`: "
                     f"read, Lambert-93 → WGS84, PACA point-in-polygon, dataset, map table, "
                     f"per-commune table): {r['arcep_seconds']} s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--no-arcep", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    results = run(args.repeat, args.points, not args.no_arcep)
    body = markdown(results, args)
    print(body)
    if args.write_docs:
        write_section("geo-benchmark", "Geographic services: OGC API Features vs pygeoapi, "
                      "tiles, ARCEP", f".venv/bin/python benchmarks/bench_geo.py --repeat "
                      f"{args.repeat} --points {args.points} --write-docs", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
