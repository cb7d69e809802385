"""Mapbox Vector Tiles of geo tables, made by DuckDB spatial (`ST_AsMVT`).

A tile is never computed from the GeoParquet file as it is: the first tile asked of a table
version builds its *tile source* (`prepare_source`), a Parquet file next to the tile cache
holding, for each feature, its geometry already in Web Mercator (EPSG:3857), its extent as
four plain DOUBLE columns, its bounded properties in the types MVT knows, and the lowest
zoom at which it is drawn. The file is sorted along a Hilbert curve, in small row groups,
so the extent test of a tile skips whole row groups from their min/max statistics instead
of decoding every geometry (see benchmarks/bench_tiles.py). Sorting by zoom first was
tried: a high-zoom tile then reads one row group per zoom level, three times the work.

Low zooms are thinned, so that a tile stays small whatever the table's size (a table of
at most `SMALL_TABLE` features never is):
- points: at zoom z, one point per cell of a 64 × 64 grid of the tile (the first in the
  table's order); a point shown at z is shown at every higher zoom;
- lines and polygons: from the zoom at which their extent reaches one pixel (256 px tiles);
- every feature from `FULL_ZOOM` on, capped at `MAX_FEATURES` a tile.

No user text reaches the SQL: column names come from the table's own metadata, quoted;
the tile numbers are checked integers, bound as parameters.
"""
from __future__ import annotations

import json
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from datasud.datastore import duck
from datasud.datastore.duck import quote_identifier, quote_literal_body

MAX_ZOOM = 22
FULL_ZOOM = 14              # every feature is in the tiles from this zoom on
THIN_GRID = 64              # points: at most THIN_GRID² a tile below FULL_ZOOM
MAX_FEATURES = 20_000       # a tile never holds more (a dense FULL_ZOOM tile)
SMALL_TABLE = THIN_GRID ** 2  # a table this small is never thinned
MAX_PROPERTIES = 16         # the first columns only: a tile is for drawing, not for data
MAX_TEXT = 200              # characters of a text property in a tile
EXTENT = 4096               # MVT grid
BUFFER = 64                 # around the tile, in grid units, so that symbols are not cut
WORLD = 2 * math.pi * 6378137  # width of the Web Mercator plane, in metres
HALF = WORLD / 2
MAX_LATITUDE = 85.05112878
INTERNAL = "__ds_"          # prefix of our own columns in a tile source
MVT_TYPES = {"TINYINT": "INTEGER", "SMALLINT": "INTEGER", "INTEGER": "INTEGER",
             "UTINYINT": "INTEGER", "USMALLINT": "INTEGER", "BIGINT": "BIGINT",
             "UINTEGER": "BIGINT", "FLOAT": "DOUBLE", "DOUBLE": "DOUBLE",
             "BOOLEAN": "BOOLEAN"}
SOURCE_FILE = "source.parquet"


class TileError(ValueError):
    """Tile numbers that do not name a tile; the message is for the caller (French)."""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @property
    def path(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"


def parse_tile(z: str, x: str, y: str) -> Tile:
    """The tile z/x/y (XYZ scheme, y from the north), or TileError."""
    try:
        zoom, column, row = int(z), int(x), int(y)
    except (TypeError, ValueError):
        raise TileError("Les numéros de tuile z, x et y doivent être des entiers.") from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise TileError(f"Le niveau de zoom doit être compris entre 0 et {MAX_ZOOM}.")
    count = 2 ** zoom
    if not (0 <= column < count and 0 <= row < count):
        raise TileError(f"Au zoom {zoom}, x et y vont de 0 à {count - 1}.")
    return Tile(zoom, column, row)


def mercator_bounds(tile: Tile, buffer: int = BUFFER) -> tuple[float, float, float, float]:
    """The tile's extent in EPSG:3857 metres, widened by `buffer` grid units."""
    size = WORLD / 2 ** tile.z
    margin = size * buffer / EXTENT
    minx = -HALF + tile.x * size
    maxy = HALF - tile.y * size
    return minx - margin, maxy - size - margin, minx + size + margin, maxy + margin


def lonlat_bounds(tile: Tile) -> tuple[float, float, float, float]:
    """The tile's extent in longitude/latitude (EPSG:4326)."""
    count = 2 ** tile.z

    def latitude(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / count))))

    return (tile.x / count * 360 - 180, latitude(tile.y + 1),
            (tile.x + 1) / count * 360 - 180, latitude(tile.y))


# --- tile sources ----------------------------------------------------------------------------

def property_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, MVT type) of the properties a tile carries: the first MAX_PROPERTIES columns,
    our own internal names left out."""
    kept = []
    for name, duck_type in columns:
        if name.startswith(INTERNAL):
            continue
        upper = duck_type.upper()
        kept.append((name, "DOUBLE" if upper.startswith("DECIMAL")
                     else MVT_TYPES.get(upper, "VARCHAR")))
        if len(kept) == MAX_PROPERTIES:
            break
    return kept


def _property_sql(name: str, mvt_type: str) -> str:
    column = quote_identifier(name)
    if mvt_type == "VARCHAR":
        return f"left(CAST({column} AS VARCHAR), {MAX_TEXT}) AS {column}"
    return f"TRY_CAST({column} AS {mvt_type}) AS {column}"


def source_select(parquet: Path, geometry_column: str, properties: list[tuple[str, str]],
                  extra: str = "") -> str:
    """SELECT of a geo table's rows as a tile source wants them: feature id (row number
    + 1), properties, geometry in CRS84 (`__ds_g`); `extra` adds more select items."""
    geometry = quote_identifier(geometry_column)
    items = [f"file_row_number + 1 AS {INTERNAL}fid",
             *(_property_sql(n, t) for n, t in properties),
             f"{geometry} AS {INTERNAL}g"]
    if extra:
        items.append(extra)
    return (f"SELECT {', '.join(items)} FROM {duck.parquet_source(parquet)} "
            f"WHERE {geometry} IS NOT NULL AND NOT ST_IsEmpty({geometry})")


def _prepare_sql(select_sql: str, target: Path) -> str:
    p = INTERNAL
    cell = f"({WORLD} / pow(2, z) / {THIN_GRID})"
    # Web Mercator is undefined at the poles: what lies beyond ±85.05° is cut off first.
    clamp = (f"CASE WHEN ST_YMax({p}g) > {MAX_LATITUDE} OR ST_YMin({p}g) < -{MAX_LATITUDE} "
             f"THEN ST_Intersection({p}g, ST_MakeEnvelope(-180, -{MAX_LATITUDE}, 180, "
             f"{MAX_LATITUDE})) ELSE {p}g END")
    return f"""
    COPY (
      WITH rows AS ({select_sql}),
      projected AS (
        SELECT * EXCLUDE ({p}g),
               ST_Transform({clamp}, 'EPSG:4326', 'EPSG:3857', always_xy := true) AS {p}m,
               ST_GeometryType({p}g) = 'POINT' AS {p}point
        FROM rows),
      boxed AS (
        SELECT *, ST_XMin({p}m) AS {p}minx, ST_YMin({p}m) AS {p}miny,
               ST_XMax({p}m) AS {p}maxx, ST_YMax({p}m) AS {p}maxy
        FROM projected WHERE NOT ST_IsEmpty({p}m)),
      first_in_cell AS (
        SELECT z, min({p}fid) AS {p}fid
        FROM boxed, range(0, {FULL_ZOOM}) AS zooms(z)
        WHERE {p}point
        GROUP BY z, floor(({p}minx + {HALF}) / {cell}), floor(({p}miny + {HALF}) / {cell})),
      point_zoom AS (
        SELECT {p}fid, min(z) AS {p}minzoom FROM first_in_cell GROUP BY {p}fid)
      SELECT boxed.* EXCLUDE ({p}m, {p}point),
             CAST(CASE WHEN (SELECT count(*) FROM boxed) <= {SMALL_TABLE} THEN 0
                  WHEN {p}point THEN coalesce(point_zoom.{p}minzoom, {FULL_ZOOM})
                  ELSE least({FULL_ZOOM}, greatest(0, ceil(log2({WORLD} / (256 * greatest(
                      {p}maxx - {p}minx, {p}maxy - {p}miny, 1e-9))))))
                  END AS INTEGER) AS {p}minzoom,
             ST_AsWKB({p}m)::BLOB AS {p}wkb
      FROM boxed LEFT JOIN point_zoom USING ({p}fid)
      ORDER BY ST_Hilbert(({p}minx + {p}maxx) / 2, ({p}miny + {p}maxy) / 2,
               {{'min_x': -{HALF}, 'min_y': -{HALF}, 'max_x': {HALF}, 'max_y': {HALF}}}::BOX_2D)
    ) TO '{quote_literal_body(str(target))}'
      (FORMAT parquet, COMPRESSION lz4, ROW_GROUP_SIZE 4096)
    """


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def prepare_source(directory: Path, select_sql: str) -> Path:
    """The tile source in `directory`, built from `select_sql` (see `source_select`) if it
    is not there yet. Written to a temporary name then renamed: a reader never sees half
    a file, and two processes building it at once both end with a whole one."""
    target = directory / SOURCE_FILE
    if target.exists():
        return target
    with _lock(str(directory)):
        if target.exists():
            return target
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f".{SOURCE_FILE}.{os.getpid()}.{threading.get_ident()}"
        try:
            duck.query_cursor().execute(_prepare_sql(select_sql, partial))
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target


# --- rendering -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layer:
    """One layer of a tile: its name, the properties it carries, and which rows of the tile
    source it holds (`where`: SQL over the source's own columns, with `params`)."""

    name: str
    properties: tuple[str, ...]
    where: str = ""
    params: tuple = ()
    minzoom: int = 0
    points_only: bool = False  # every row a point: see `_tile_geometry`


def _tile_geometry(layer: Layer) -> str:
    """The SQL of a row's geometry in tile coordinates (`$tminx`, `$tmaxy`: the tile's
    north-west corner in metres, `$scale`: grid units a metre).

    A point's tile coordinates are two multiplications of columns the source already has:
    computed so, a tile of thousands of points takes half the time of `ST_AsMVTGeom`, which
    decodes, transforms and clips each geometry. The result is the same (the WHERE clause
    keeps the points inside the buffered tile; tests compare both). Other geometries are
    clipped and simplified to the grid by `ST_AsMVTGeom`."""
    p = INTERNAL
    if layer.points_only:
        return (f"ST_Point(round(({p}minx - $tminx) * $scale), "
                f"round(($tmaxy - {p}miny) * $scale))")
    return (f"ST_AsMVTGeom(ST_GeomFromWKB({p}wkb), ST_Extent(ST_TileEnvelope($z, $x, $y)), "
            f"{EXTENT}, {BUFFER}, true)")


def render_layer(source: Path, layer: Layer, tile: Tile) -> bytes:
    """One layer of `tile` as MVT bytes (b"" when no feature falls in it)."""
    if tile.z < layer.minzoom:
        return b""
    p = INTERNAL
    minx, miny, maxx, maxy = mercator_bounds(tile)
    props = "".join(f"{quote_identifier(n)}, " for n in layer.properties)
    where = f" AND ({layer.where})" if layer.where else ""
    # The extent test reads plain DOUBLE columns: row groups outside the tile are skipped
    # from their statistics, and the rest is cheap to compare. Features clipped away
    # entirely (in the buffer but not drawn) are dropped so that an empty tile is empty.
    sql = (f"SELECT ST_AsMVT(t, $layer, {EXTENT}, '{p}geom', '{p}fid'), count(*) FROM ("
           f"SELECT {props}{p}fid, {_tile_geometry(layer)} AS {p}geom "
           f"FROM read_parquet('{quote_literal_body(str(source))}') "
           f"WHERE {p}minzoom <= $z AND {p}maxx >= $minx AND {p}minx <= $maxx "
           f"AND {p}maxy >= $miny AND {p}miny <= $maxy{where} LIMIT {MAX_FEATURES}) AS t "
           f"WHERE {p}geom IS NOT NULL AND NOT ST_IsEmpty({p}geom)")
    params = {"z": tile.z, "layer": layer.name, "minx": minx, "miny": miny, "maxx": maxx,
              "maxy": maxy}
    if layer.points_only:
        size = WORLD / 2 ** tile.z
        params.update(tminx=-HALF + tile.x * size, tmaxy=HALF - tile.y * size,
                      scale=EXTENT / size)
    else:
        params.update(x=tile.x, y=tile.y)
    for index, value in enumerate(layer.params):
        params[f"p{index}"] = value
    row = duck.query_cursor().execute(sql, params).fetchone()
    return bytes(row[0]) if row and row[1] else b""


def render_tile(source: Path, layers: list[Layer], tile: Tile) -> bytes:
    """`tile` with every layer. An MVT tile is a sequence of layer messages, so tiles of
    one layer each, concatenated, make one tile of them all."""
    return b"".join(render_layer(source, layer, tile) for layer in layers)


def source_fields(source: Path, layer: Layer) -> dict[str, str]:
    """TileJSON `fields` of a layer: property name -> "String" / "Number" / "Boolean"."""
    row = duck.query_cursor().execute(
        f"SELECT * FROM read_parquet('{quote_literal_body(str(source))}') LIMIT 0")
    types = {d[0]: str(d[1]).upper() for d in row.description}
    kinds = {"VARCHAR": "String", "BOOLEAN": "Boolean"}
    return {n: kinds.get(types.get(n, "VARCHAR"), "Number") for n in layer.properties}


def tilejson(*, name: str, tiles_url: str, layers: list[tuple[str, dict, int]],
             bounds: list[float] | None, minzoom: int = 0, maxzoom: int = FULL_ZOOM + 2,
             description: str = "", attribution: str = "") -> dict:
    """A TileJSON 3.0.0 document; `layers` are (id, fields, minzoom)."""
    bounds = bounds or [-180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE]
    center_zoom = min(maxzoom, max(minzoom, _fit_zoom(bounds)))
    return {
        "tilejson": "3.0.0", "name": name, "description": description,
        "attribution": attribution, "scheme": "xyz", "tiles": [tiles_url],
        "minzoom": minzoom, "maxzoom": maxzoom, "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, center_zoom],
        "vector_layers": [{"id": layer_id, "fields": fields, "minzoom": max(minzoom, lz),
                           "maxzoom": maxzoom} for layer_id, fields, lz in layers],
    }


def _fit_zoom(bounds: list[float]) -> int:
    span = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-6)
    return max(0, min(FULL_ZOOM, int(math.log2(360 / span))))


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)
