"""Geo sources into GeoParquet tables: GeoJSON, zipped Shapefile, GeoPackage, KML, and CSV
files with coordinate columns.

GDAL (through pyogrio) reads the features as an Arrow stream in batches; DuckDB spatial
copies them to a raw Parquet file, then reprojects to EPSG:4326, checks and repairs the
geometries and writes the served GeoParquet file. Memory stays bounded whatever the size:
nothing holds more than one batch, and DuckDB spills to disk.
"""
from __future__ import annotations

import math
import re
import threading
import zipfile
from pathlib import Path, PurePosixPath

import duckdb
import pyogrio
import pyogrio.errors

from datasud.datastore.duck import (
    ingest_connection,
    quote_identifier,
    quote_literal_body,
    spatial_extension_path,
)
from datasud.datastore.errors import IngestError
from datasud.datastore.ingest.columns import clean_column_names
from datasud.datastore.ingest.guards import IngestLimits, check_column_count
from datasud.datastore.ingest.staging import (
    Outputs,
    Progress,
    StagedTable,
    duck_detail,
    parquet_columns,
    quoted_list,
    scalar_select,
    sql_path,
)

from .crs import WGS84, crs_label, guess_crs, normalise_crs
from .geoparquet import GEOMETRY_TYPE_NAMES, GeoInfo, write_geoparquet

GEO_FORMATS = ("geojson", "shapefile", "gpkg", "kml")
FORMAT_LABELS = {"geojson": "GeoJSON", "shapefile": "Shapefile", "gpkg": "GeoPackage",
                 "kml": "KML"}
BATCH_SIZE = 10_000
MAX_REPORTED = 20
GEOMETRY = "geometry"
_FAMILIES = {"POINT": "points", "MULTIPOINT": "points", "LINESTRING": "lignes",
             "MULTILINESTRING": "lignes", "POLYGON": "polygones", "MULTIPOLYGON": "polygones",
             "GEOMETRYCOLLECTION": "collections de géométries"}
# ST_CollectionExtract dimension keeping the family of the source when make_valid
# returns a collection (a bow-tie polygon becomes a multipolygon plus nothing else).
_EXTRACT = {"points": 1, "lignes": 2, "polygones": 3}
_PYOGRIO_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                   pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
                   pyogrio.errors.CRSError, pyogrio.errors.FeatureError)
_LON_NAMES = {"lon", "lng", "long", "longitude", "longitude_wgs84", "lon_wgs84", "x_wgs84"}
_LAT_NAMES = {"lat", "latitude", "latitude_wgs84", "lat_wgs84", "y_wgs84"}
_X_NAMES = {"x", "coord_x", "coordonnee_x", "coordonnees_x", "x_l93", "xl93", "x_lambert93",
            "x_lambert_93", "lambert93_x", "coord_x_l93"}
_Y_NAMES = {"y", "coord_y", "coordonnee_y", "coordonnees_y", "y_l93", "yl93", "y_lambert93",
            "y_lambert_93", "lambert93_y", "coord_y_l93"}
_NUMERIC = ("DOUBLE", "BIGINT", "INTEGER", "FLOAT", "DECIMAL", "REAL")


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB spatial in `con` from the packaged file (idempotent, no download)."""
    con.execute(f"LOAD '{quote_literal_body(str(spatial_extension_path()))}'")


_spatial_lock = threading.Lock()
_spatial_db: duckdb.DuckDBPyConnection | None = None


def spatial_cursor() -> duckdb.DuckDBPyConnection:
    """A new cursor on this process's geo ingestion database; close it when done.

    Loading the spatial extension costs 1 to 1.5 s per database (measured), more than
    reading a small file: geo loads share one database, with the datastore's ingestion
    settings (memory limit, spilling to disk), each through its own cursor.
    """
    global _spatial_db
    with _spatial_lock:
        if _spatial_db is None:
            _spatial_db = ingest_connection(spatial=True)
        return _spatial_db.cursor()


def _shapefile_members(source: Path) -> list[str]:
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError("L'archive ZIP est endommagée : elle ne peut pas être ouverte.",
                          code="invalid") from exc
    if bad is not None:
        raise IngestError(f"L'archive ZIP est endommagée : le fichier « {bad} » est illisible.",
                          code="invalid")
    shapes = sorted(n for n in names if n.lower().endswith(".shp")
                    and not PurePosixPath(n).name.startswith("."))
    if not shapes:
        raise IngestError("L'archive ZIP ne contient aucun Shapefile (.shp).",
                          code="unsupported")
    lower = {n.lower() for n in names}
    for shape in shapes:
        stem = shape[:-4].lower()
        missing = [ext for ext in (".shx", ".dbf") if stem + ext not in lower]
        if missing:
            raise IngestError(f"Le Shapefile « {shape} » est incomplet : il manque "
                              f"{' et '.join(missing)}.", code="invalid")
        if stem + ".prj" not in lower:
            raise IngestError(f"Le Shapefile « {shape} » n'a pas de fichier .prj : son système "
                              "de coordonnées est inconnu. Ajoutez le .prj à l'archive.",
                              code="crs")
    return shapes


def _layers(source: Path, fmt: str, limits: IngestLimits) -> list[tuple[str, str | None]]:
    """(GDAL path, layer name) of every layer to load."""
    if fmt == "shapefile":
        return [(f"/vsizip/{source}/{member}", None) for member in _shapefile_members(source)]
    try:
        layers = pyogrio.list_layers(str(source))
    except _PYOGRIO_ERRORS as exc:
        raise IngestError(f"Le fichier {FORMAT_LABELS[fmt]} est illisible ou endommagé : "
                          f"{_gdal_detail(exc)}", code="invalid") from exc
    if len(layers) > limits.max_sheets:
        raise IngestError(f"Le fichier contient {len(layers)} couches : au plus "
                          f"{limits.max_sheets} peuvent être chargées.", code="too_many_sheets")
    return [(str(source), str(name)) for name, _geometry_type in layers]


# An absolute path in a GDAL message ("/vsizip//srv/.../x.zip/a.shp"): only its last part
# is shown, the server's folders are nobody's business.
_ABSOLUTE_PATH = re.compile(r"(?:/vsizip/)?/(?:[^\s/:]+/)+([^\s/:]*)")


def _gdal_detail(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _ABSOLUTE_PATH.sub(r"\1", text)[:300]


def _source_crs(info: dict, fmt: str, label: str) -> str:
    if info.get("crs"):
        return normalise_crs(info["crs"])
    if fmt in ("geojson", "kml"):
        return WGS84  # RFC 7946 and KML: always WGS84
    raise IngestError(f"La couche « {label} » ne déclare pas de système de coordonnées.",
                      code="crs")


def read_vector(source: Path, fmt: str, outputs: Outputs, con: duckdb.DuckDBPyConnection,
                limits: IngestLimits, progress: Progress) -> list[StagedTable]:
    """One GeoParquet table per layer (per .shp of a zipped Shapefile, per GeoPackage or
    KML layer); empty layers are skipped. Raises IngestError for anything unreadable.
    The work runs on a cursor of the spatial database (`spatial_cursor`), not `con`."""
    cursor = spatial_cursor()
    try:
        return _read_layers(Path(source), fmt, outputs, cursor, limits, progress)
    finally:
        cursor.close()


def _read_layers(source: Path, fmt: str, outputs: Outputs, con: duckdb.DuckDBPyConnection,
                 limits: IngestLimits, progress: Progress) -> list[StagedTable]:
    tables = []
    for gdal_path, layer in _layers(Path(source), fmt, limits):
        label = layer or PurePosixPath(gdal_path).stem
        progress(f"Lecture de la couche « {label} »")
        try:
            info = pyogrio.read_info(gdal_path, layer=layer)
            if not info.get("features"):
                continue
            src_crs = _source_crs(info, fmt, label)
            raw = outputs.temp("raw")
            with pyogrio.open_arrow(gdal_path, layer=layer, batch_size=BATCH_SIZE) as (
                    _meta, reader):
                con.register("_geo_raw", reader)
                try:
                    _copy_raw(con, raw)
                finally:
                    con.unregister("_geo_raw")
        except _PYOGRIO_ERRORS as exc:
            raise IngestError(f"La couche « {label} » du fichier {FORMAT_LABELS[fmt]} est "
                              f"illisible : {_gdal_detail(exc)}", code="invalid") from exc
        table = _stage_layer(con, raw, src_crs, outputs, limits, label)
        table.name = label if fmt in ("gpkg", "kml") or len(tables) else ""
        table.options = {"format": fmt, "layer": label, **table.options}
        tables.append(table)
    if not tables:
        raise IngestError("Le fichier ne contient aucune entité géographique.", code="empty")
    if len(tables) > 1:
        tables[0].name = tables[0].name or tables[0].options["layer"]
    return tables


def _copy_raw(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    columns = con.execute("DESCRIBE SELECT * FROM _geo_raw").fetchall()
    exprs = []
    for name, duck_type, *_ in columns:
        ident = quote_identifier(str(name))
        if str(duck_type).upper().startswith("GEOMETRY"):
            # Plain WKB without the CRS: the CRS is handled once, explicitly, afterwards.
            exprs.append(f"ST_AsWKB({ident})::BLOB AS {quote_identifier('__geom')}")
        else:
            exprs.append(ident)
    con.execute(f"COPY (SELECT {', '.join(exprs)} FROM _geo_raw) TO {sql_path(target)} "
                "(FORMAT parquet)")


def _stage_layer(con: duckdb.DuckDBPyConnection, raw: Path, src_crs: str, outputs: Outputs,
                 limits: IngestLimits, label: str) -> StagedTable:
    source = f"read_parquet({sql_path(raw)}, file_row_number=true)"
    columns = [(str(r[0]), str(r[1])) for r in con.execute(
        f"DESCRIBE SELECT * EXCLUDE (file_row_number) FROM {source}").fetchall()]
    props = [(n, t) for n, t in columns if n != "__geom"]
    if len(props) == len(columns):
        raise IngestError(f"La couche « {label} » n'a pas de géométrie.", code="invalid")
    check_column_count(len(columns), limits)
    labels = [n for n, _ in props]
    names = clean_column_names([*labels, GEOMETRY])
    select, warnings = scalar_select(props, names[:-1])
    geom = "ST_GeomFromWKB(__geom)"
    family = _check_families(con, source, geom, label)
    if src_crs != WGS84:
        crs = quote_literal_body(src_crs)
        geom = f"ST_Transform({geom}, '{crs}', 'EPSG:4326', true)"
    warnings += _check_range(con, source, geom, src_crs, label)
    invalid = [int(r[0]) + 1 for r in con.execute(
        f"SELECT file_row_number FROM {source} WHERE __geom IS NOT NULL "
        f"AND NOT ST_IsValid(ST_GeomFromWKB(__geom)) ORDER BY 1").fetchall()]
    repaired = f"ST_MakeValid({geom})"
    if family in _EXTRACT:
        repaired = f"ST_CollectionExtract({repaired}, {_EXTRACT[family]})"
    if invalid:
        warnings.append(f"{len(invalid)} géométrie(s) invalide(s) (auto-intersection...) ont "
                        f"été réparée(s) : entité(s) {_numbers(invalid)}.")
    empty = con.execute(f"SELECT count(*) FROM {source} WHERE __geom IS NULL").fetchone()[0]
    if empty:
        warnings.append(f"{empty} entité(s) sans géométrie.")
    fixed = (f"CASE WHEN NOT ST_IsValid(ST_GeomFromWKB(__geom)) THEN {repaired} "
             f"ELSE {geom} END")
    geo_name = names[-1]
    body = f"{select}, " if select else ""
    final_sql = (f"SELECT {body}ST_AsWKB({fixed})::BLOB AS {quote_identifier(geo_name)} "
                 f"FROM {source} ORDER BY file_row_number")
    staged = outputs.temp("geo")
    stats = _describe_geometry(con, final_sql, geo_name)
    info = GeoInfo(column=geo_name, bbox=stats["bbox"], geometry_types=stats["types"],
                   source_crs=src_crs)
    rows = write_geoparquet(con, final_sql, staged, info)
    path = outputs.commit(staged)
    if src_crs != WGS84:
        warnings.append(f"Les coordonnées ont été converties de {crs_label(src_crs)} en "
                        "WGS84 (EPSG:4326).")
    return StagedTable(name="", path=path, row_count=rows,
                       columns=_typed_columns(con, path, geo_name),
                       source_columns=[*labels, GEOMETRY], warnings=warnings,
                       options={"geometry": info.as_dict()})


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_REPORTED])
    return shown + (f" et {len(numbers) - MAX_REPORTED} autres"
                    if len(numbers) > MAX_REPORTED else "")


def _check_families(con, source: str, geom: str, label: str) -> str:
    found = [str(r[0]).upper() for r in con.execute(
        f"SELECT DISTINCT CAST(ST_GeometryType({geom}) AS VARCHAR) FROM {source} "
        "WHERE __geom IS NOT NULL").fetchall()]
    families = sorted({_FAMILIES.get(t, t.lower()) for t in found})
    if len(families) > 1:
        raise IngestError(f"La couche « {label} » mélange des types de géométrie ("
                          f"{', '.join(families)}) : publiez un fichier (ou une couche) par "
                          "type de géométrie.", code="mixed_geometry")
    return families[0] if families else ""


def _check_range(con, source: str, geom: str, src_crs: str, label: str) -> list[str]:
    """Refuse coordinates outside the Earth once in WGS84 (typically Lambert-93 metres
    in a file said to be in degrees)."""
    bad = ("WHERE __geom IS NOT NULL AND NOT (isfinite(ST_XMin(g)) AND isfinite(ST_YMax(g)) "
           "AND ST_XMin(g) >= -180 AND ST_XMax(g) <= 180 AND ST_YMin(g) >= -90 "
           "AND ST_YMax(g) <= 90)")
    try:
        found = con.execute(
            f"SELECT file_row_number, ST_XMin(g), ST_YMin(g) FROM (SELECT file_row_number, "
            f"__geom, {geom} AS g FROM {source}) {bad} ORDER BY 1 LIMIT 1").fetchone()
    except duckdb.Error as exc:
        raise IngestError(f"Les coordonnées de la couche « {label} » ne peuvent pas être "
                          f"converties depuis {crs_label(src_crs)} : {duck_detail(exc)}",
                          code="coordinates") from exc
    if found:
        number, x, y = int(found[0]) + 1, found[1], found[2]
        hint = (" Ce sont sans doute des coordonnées projetées (Lambert-93 ?) : déclarez "
                "leur système de coordonnées." if src_crs == WGS84 else "")
        raise IngestError(f"Coordonnées hors limites dans la couche « {label} », entité "
                          f"{number} ({_fmt(x)}, {_fmt(y)}) : une fois en WGS84, la longitude "
                          f"doit être entre -180 et 180 et la latitude entre -90 et 90.{hint}",
                          code="coordinates", line=number)
    return []


def _fmt(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) and math.isfinite(value) else str(value)


def _describe_geometry(con, select_sql: str, column: str) -> dict:
    ident = quote_identifier(column)
    g = f"ST_GeomFromWKB({ident})"
    row = con.execute(
        f"SELECT min(ST_XMin({g})), min(ST_YMin({g})), max(ST_XMax({g})), max(ST_YMax({g})), "
        f"list(DISTINCT CAST(ST_GeometryType({g}) AS VARCHAR)) FILTER ({ident} IS NOT NULL) "
        f"FROM ({select_sql})").fetchone()
    bbox = [round(v, 7) for v in row[:4]] if row[0] is not None else None
    types = sorted(GEOMETRY_TYPE_NAMES.get(str(t).upper(), str(t)) for t in row[4] or [])
    return {"bbox": bbox, "types": types}


def _typed_columns(con, path: Path, geo_name: str) -> list[tuple[str, str]]:
    # DuckDB spatial reads the GeoParquet column as GEOMETRY with a CRS in the type; the
    # platform records the plain type name.
    return [(n, "GEOMETRY" if n == geo_name else t) for n, t in parquet_columns(con, path)]


def _coordinate_columns(columns: list[tuple[str, str]]) -> tuple[str, str, bool] | None:
    numeric = {n.lower(): n for n, t in columns if t.upper().startswith(_NUMERIC)}
    for xs, ys, degrees in ((_LON_NAMES, _LAT_NAMES, True), (_X_NAMES, _Y_NAMES, False)):
        x = next((numeric[n] for n in sorted(xs) if n in numeric), None)
        y = next((numeric[n] for n in sorted(ys) if n in numeric), None)
        if x and y:
            return x, y, degrees
    return None


def add_point_geometry(table: StagedTable, con: duckdb.DuckDBPyConnection,
                       outputs: Outputs, progress: Progress) -> StagedTable:
    """Give a CSV table with longitude/latitude or X/Y columns a point geometry.

    The CRS is WGS84 or Lambert-93, told apart by the range of the coordinates; columns
    that fit neither leave the table as it is, with a warning. The coordinate columns
    are kept; the GeoParquet file replaces the table's file.
    """
    found = _coordinate_columns(table.columns)
    if found is None or any(n == GEOMETRY for n, _ in table.columns):
        return table
    cursor = spatial_cursor()
    try:
        return _add_points(table, cursor, outputs, progress, found)
    finally:
        cursor.close()


def _add_points(table: StagedTable, con: duckdb.DuckDBPyConnection, outputs: Outputs,
                progress: Progress, found: tuple[str, str, bool]) -> StagedTable:
    x, y, degrees = found
    qx, qy = quote_identifier(x), quote_identifier(y)
    source = f"read_parquet({sql_path(table.path)})"
    row = con.execute(f"SELECT min({qx}), max({qx}), min({qy}), max({qy}) FROM {source} "
                      f"WHERE isfinite({qx}) AND isfinite({qy})").fetchone()
    if row[0] is None:
        return table
    crs = guess_crs((row[0], row[1]), (row[2], row[3]))
    if crs is None or (degrees and crs != WGS84):
        table.warnings.append(f"Les colonnes « {x} » et « {y} » ressemblent à des coordonnées "
                              "mais ne sont ni en WGS84 ni en Lambert-93 : aucune géométrie "
                              "n'a été créée.")
        return table
    progress("Création des géométries (points)")
    point = f"ST_Point({qx}, {qy})"
    if crs != WGS84:
        point = f"ST_Transform({point}, '{crs}', 'EPSG:4326', true)"
    geom = (f"CASE WHEN isfinite({qx}) AND isfinite({qy}) THEN ST_AsWKB({point})::BLOB "
            f"END AS {GEOMETRY}")
    select_sql = f"SELECT *, {geom} FROM {source}"
    stats = _describe_geometry(con, select_sql, GEOMETRY)
    info = GeoInfo(column=GEOMETRY, bbox=stats["bbox"], geometry_types=stats["types"],
                   source_crs=crs, extra={"x": x, "y": y})
    temp = outputs.temp("points")
    write_geoparquet(con, select_sql, temp, info)
    temp.replace(table.path)
    table.columns = _typed_columns(con, table.path, GEOMETRY)
    table.source_columns = [*table.source_columns, GEOMETRY]
    table.options = {**table.options, "geometry": info.as_dict()}
    table.warnings.append(f"Géométries créées à partir des colonnes « {x} » et « {y} » "
                          f"({crs_label(crs)}).")
    missing = con.execute(f"SELECT count(*) FROM {source} WHERE NOT (isfinite({qx}) AND "
                          f"isfinite({qy})) OR {qx} IS NULL OR {qy} IS NULL").fetchone()[0]
    if missing:
        table.warnings.append(f"{missing} ligne(s) sans coordonnées n'ont pas de géométrie.")
    return table


__all__ = ["FORMAT_LABELS", "GEO_FORMATS", "add_point_geometry", "quoted_list", "read_vector"]
