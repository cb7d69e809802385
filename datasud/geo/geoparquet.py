"""GeoParquet files of the datastore: how a geo table is written, and its metadata read.

The geometry is stored as WKB in EPSG:4326 (longitude, latitude) with the GeoParquet 1.1
"geo" metadata, so GDAL, QGIS, GeoPandas and DuckDB read the files as they are. The source
CRS and the feature count go in a "datasud" key of the same file metadata.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb

from datasud.datastore.duck import quote_identifier, quote_literal_body
from datasud.datastore.ingest.staging import PARQUET_OPTIONS, sql_path

GEOPARQUET_VERSION = "1.1.0"
# WKB type names of ST_GeometryType, as GeoParquet spells them.
GEOMETRY_TYPE_NAMES = {
    "POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
    "MULTIPOINT": "MultiPoint", "MULTILINESTRING": "MultiLineString",
    "MULTIPOLYGON": "MultiPolygon", "GEOMETRYCOLLECTION": "GeometryCollection",
}


@dataclass
class GeoInfo:
    """What a geo table is, spatially."""

    column: str                     # the geometry column
    bbox: list[float] | None        # [min lon, min lat, max lon, max lat], None if empty
    geometry_types: list[str]       # GeoParquet names: "Point", "MultiPolygon"...
    source_crs: str                 # "EPSG:2154", or the WKT of a CRS without EPSG code
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"column": self.column, "bbox": self.bbox,
                "geometry_types": self.geometry_types, "source_crs": self.source_crs,
                **self.extra}


def write_geoparquet(con: duckdb.DuckDBPyConnection, select_sql: str, target: Path,
                     info: GeoInfo) -> int:
    """COPY `select_sql` (its `info.column` already WKB) to `target` with the GeoParquet
    metadata; return the row count."""
    geo = {"version": GEOPARQUET_VERSION, "primary_column": info.column,
           "columns": {info.column: {"encoding": "WKB",
                                     "geometry_types": info.geometry_types,
                                     **({"bbox": info.bbox} if info.bbox else {})}}}
    # No "crs" member: GeoParquet then means OGC:CRS84, i.e. WGS84 in lon/lat order.
    ours = {"source_crs": info.source_crs, **info.extra}
    literal = quote_literal_body
    row = con.execute(
        f"COPY ({select_sql}) TO {sql_path(target)} ({PARQUET_OPTIONS}, KV_METADATA "
        f"{{geo: '{literal(json.dumps(geo))}', datasud: '{literal(json.dumps(ours))}'}})"
    ).fetchone()
    return int(row[0]) if row else 0


@lru_cache(maxsize=256)
def _read_info(path: str, mtime_ns: int) -> GeoInfo | None:
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    try:
        rows = con.execute("SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)",
                           [path]).fetchall()
    finally:
        con.close()
    meta = {key: value for key, value in rows}
    if "geo" not in meta:
        return None
    geo = json.loads(meta["geo"])
    ours = json.loads(meta.get("datasud", "{}"))
    column = geo["primary_column"]
    spec = geo["columns"][column]
    return GeoInfo(column=column, bbox=spec.get("bbox"),
                   geometry_types=spec.get("geometry_types", []),
                   source_crs=ours.pop("source_crs", "EPSG:4326"), extra=ours)


def read_geo_info(path: Path) -> GeoInfo | None:
    """The geo metadata of one of our Parquet files, None when it is not a geo table."""
    try:
        return _read_info(str(path), path.stat().st_mtime_ns)
    except (OSError, duckdb.Error, ValueError, KeyError):
        return None


def wkb_select(column: str) -> str:
    """SQL turning a GEOMETRY column back into plain WKB under the same name."""
    ident = quote_identifier(column)
    return f"ST_AsWKB({ident})::BLOB AS {ident}"
