"""Vector tile latency on 100 000 random points in the région (goal: p50 ≤ 20 ms uncached).

Run by hand; it builds its own throw-away SQLite database and datastore folder:
    .venv/bin/python benchmarks/bench_tiles.py [--points 100000] [--repeat 3]
The points go through the real pipeline (GeoJSON upload -> load -> GeoParquet). Then, for
100 tiles at zooms 6 to 14 drawn around random points (so that tiles are not empty):
- "SQL alone": `tiles.render_tile` on the tile source, no HTTP, no cache;
- "request, cache miss": the whole request through Django's test client (permission
  lookup, ETag, headers), the cached tile deleted before each request;
- "request, cache hit": the same request once the tile is cached;
- the CPU time of "SQL alone" too: on a shared machine it is less skewed than wall time;
- "naive": ST_AsMVT straight over the GeoParquet file (bbox filter in EPSG:4326, then
  ST_Transform to EPSG:3857 per feature, no thinning), what the tile source avoids.
It also gives the time to build the tile source (once per table version) and tile sizes.
Prints a Markdown table (for docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.django_setup import django_in  # noqa: E402

WEST, SOUTH, EAST, NORTH = 4.23, 42.98, 7.72, 45.13  # the région's extent


def _points_geojson(count: int, rng: random.Random) -> bytes:
    kinds = ["arbre", "banc", "borne", "lampadaire", "poubelle"]
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [
                     round(rng.uniform(WEST, EAST), 6), round(rng.uniform(SOUTH, NORTH), 6)]},
                 "properties": {"nom": f"objet {i}", "type": rng.choice(kinds),
                                "valeur": rng.randint(0, 1000)}}
                for i in range(count)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _load(count: int, rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from datasud.accounts.models import Membership
    from datasud.catalog import services as catalog
    from datasud.catalog.models import Dataset, Organisation

    org = Organisation.objects.create(name="Bench", slug="bench")
    user = get_user_model().objects.create_user("bench", "bench@example.org", "x")
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.EDITOR)
    dataset = Dataset.objects.create(title="Mobilier urbain", slug="mobilier", organisation=org,
                                     status=Dataset.Status.PUBLISHED)
    data = _points_geojson(count, rng)
    start = time.perf_counter()
    resource = catalog.add_resource(user, dataset, upload=SimpleUploadedFile(
        "points.geojson", data))
    return resource, time.perf_counter() - start, len(data)


def _tiles(count: int, rng: random.Random):
    import math

    from datasud.geo.tiles import Tile
    chosen = []
    for i in range(count):
        z = 6 + i % 9  # zooms 6..14
        lon, lat = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        n = 2 ** z
        x = int((lon + 180) / 360 * n)
        rad = math.radians(lat)
        y = int((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n)
        chosen.append(Tile(z, x, y))
    return chosen


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{statistics.median(ordered):.1f} | {p95:.1f} | {max(ordered):.1f}"


def _naive(parquet: Path, tile) -> bytes:
    from datasud.datastore import duck
    from datasud.geo.tiles import lonlat_bounds

    west, south, east, north = lonlat_bounds(tile)
    sql = (f"SELECT ST_AsMVT({{'nom': nom, 'type': type, 'valeur': valeur, "
           f"'g': ST_AsMVTGeom(ST_Transform(geometry, 'EPSG:4326', 'EPSG:3857', "
           f"always_xy := true), ST_Extent(ST_TileEnvelope(?, ?, ?)))}}, 'l', 4096, 'g') "
           f"FROM {duck.parquet_source(parquet)} "
           f"WHERE ST_Intersects_Extent(geometry, ST_MakeEnvelope(?, ?, ?, ?))")
    row = duck.query_cursor().execute(sql, [tile.z, tile.x, tile.y, west, south, east,
                                            north]).fetchone()
    return bytes(row[0]) if row and row[0] else b""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--tiles", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(20261129)
    django_in(Path(tempfile.mkdtemp(prefix="datasud-bench-tiles-")),
              env={"DATASUD_TASKS": "immediate", "DATASUD_LOG_LEVEL": "WARNING"})

    from django.test import Client

    from datasud.geo import tilecache
    from datasud.geo.collections import get_collection
    from datasud.geo.tiles import render_tile
    from datasud.geo.tilesets import collection_tileset

    resource, load_seconds, size = _load(args.points, rng)
    from django.contrib.auth.models import AnonymousUser

    collection = get_collection(AnonymousUser(), f"resource_{resource.pk}")
    tileset = collection_tileset(collection)
    start = time.perf_counter()
    source = tileset.source_path()
    build_seconds = time.perf_counter() - start
    tiles = _tiles(args.tiles, rng)
    client = Client()

    sql, sql_cpu, miss, hit, naive, sizes = [], [], [], [], [], []
    render_tile(source, tileset.layers, tiles[0])  # warm the Parquet metadata cache once
    for tile in tiles:
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            data = render_tile(source, tileset.layers, tile)
            sql.append((time.perf_counter() - start) * 1000)
            sql_cpu.append((time.process_time() - cpu) * 1000)
        sizes.append(len(data))
        path = f"/tuiles/{collection.id}/{tile.z}/{tile.x}/{tile.y}.mvt"
        for _ in range(args.repeat):
            (tilecache.version_dir(tileset.source, tileset.version) / str(tile.z) / str(tile.x)
             / f"{tile.y}.mvt").unlink(missing_ok=True)
            start = time.perf_counter()
            response = client.get(path)
            miss.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 204), response.status_code
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(path)
            hit.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        _naive(collection.table.path, tile)
        naive.append((time.perf_counter() - start) * 1000)

    out = io.StringIO()
    out.write(f"Vector tiles, {args.points:,} random points in the région, {args.tiles} tiles "
              f"at zooms 6-14 ({args.repeat} runs each; ms)\n\n")
    out.write("| measure | p50 | p95 | max |\n|---|---|---|---|\n")
    out.write(f"| SQL alone (tile source, no cache) | {_stats(sql)} |\n")
    out.write(f"| SQL alone, CPU time of the process | {_stats(sql_cpu)} |\n")
    out.write(f"| request, cache miss | {_stats(miss)} |\n")
    out.write(f"| request, cache hit | {_stats(hit)} |\n")
    out.write(f"| naive ST_AsMVT on the GeoParquet (one run) | {_stats(naive)} |\n\n")
    out.write(f"Load of the {size / 1e6:.0f} MB GeoJSON (pipeline): {load_seconds:.1f} s; "
              f"tile source built once per version in {build_seconds * 1000:.0f} ms. "
              f"Tile size: median {statistics.median(sizes) / 1024:.1f} KB, "
              f"max {max(sizes) / 1024:.1f} KB. Load average during the run: "
              f"{os.getloadavg()[0]:.1f} (2 cores).\n")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
