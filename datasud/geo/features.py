"""Features of a collection: the OGC API Features query (Part 1: bbox, datetime, property
equality, limit/offset; Part 2: crs, bbox-crs; Part 3: CQL2 filter, filter-lang,
filter-crs) compiled to bound DuckDB SQL over the table's GeoParquet file.

No user text ever reaches the SQL: column names come from the table's own metadata and
are quoted; every value is a bound parameter.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import shapely

from datasud.datastore import duck
from datasud.datastore.errors import QueryError

from . import cql2
from .collections import Collection
from .crs import CRS84, geojson_in, parse_crs, to_crs84

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
# Parameters besides property filters; `f` chooses the format (see views).
RESERVED = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime", "crs", "filter",
            "filter-lang", "filter-crs"}
_OPEN = ("", "..")
_EVALUATION_ERRORS = (duckdb.InvalidInputException, duckdb.ConversionException,
                      duckdb.OutOfRangeException)
# A box in a projected CRS has curved edges in CRS84: each edge is cut in this many
# segments before being transformed.
_BOX_SEGMENTS = 16


@dataclass
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    properties: dict[str, object] = field(default_factory=dict)
    # A box given in another CRS than CRS84 (bbox-crs): its outline in CRS84, as WKB.
    bbox_shape: bytes | None = None
    crs: str = CRS84                              # the CRS of the features returned
    filter: cql2.CompiledFilter | None = None


def _integer(params, name: str, default: int, minimum: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"« {name} » doit être un nombre entier (reçu « {raw[:40]} »).",
                         parameter=name) from None
    if value < minimum:
        raise QueryError(f"« {name} » doit être supérieur ou égal à {minimum}.",
                         parameter=name)
    return value


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """"minx,miny,maxx,maxy" (or 6 numbers with heights, ignored) in CRS84."""
    parts = raw.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise QueryError("« bbox » doit contenir 4 nombres séparés par des virgules : "
                         "longitude min, latitude min, longitude max, latitude max.",
                         parameter="bbox")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise QueryError("« bbox » est hors limites : longitudes entre -180 et 180, "
                         "latitudes entre -90 et 90, la latitude min ne dépassant pas la max.",
                         parameter="bbox")
    return minx, miny, maxx, maxy


def parse_bbox_in(raw: str, code: str) -> bytes:
    """The outline in CRS84 (WKB) of a box given in the CRS `code`, its numbers in that
    CRS's axis order (latitude first for EPSG:4326)."""
    try:
        numbers = [float(p) for p in raw.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise QueryError("« bbox » doit contenir 4 nombres séparés par des virgules, dans "
                         "l'ordre des axes du système de « bbox-crs ».", parameter="bbox")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    first_min, second_min, first_max, second_max = numbers
    if first_min > first_max or second_min > second_max:
        raise QueryError("« bbox » : chaque minimum doit précéder le maximum du même axe.",
                         parameter="bbox")
    box = shapely.box(first_min, second_min, first_max, second_max)
    step = max(first_max - first_min, second_max - second_min) / _BOX_SEGMENTS
    try:
        if step > 0:
            box = shapely.segmentize(box, step)
    except shapely.errors.GEOSException:
        raise QueryError("« bbox » : coordonnées hors du domaine du système de « bbox-crs ».",
                         parameter="bbox") from None
    return shapely.to_wkb(to_crs84(box, code, "bbox-crs"))


def _instant(text: str, end: bool) -> dt.datetime | None:
    if text in _OPEN:
        return None
    try:
        if "T" in text or " " in text:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            day = dt.date.fromisoformat(text)
            value = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    except ValueError:
        raise QueryError(f"« datetime » : date invalide « {text[:40]} » (attendu : RFC 3339, "
                         "par exemple 2024-01-31 ou 2024-01-31T12:00:00Z, ou un intervalle "
                         "début/fin avec « .. » pour une borne ouverte).",
                         parameter="datetime") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def parse_datetime(raw: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    if "/" in raw:
        first, _, last = raw.partition("/")
        start, end = _instant(first, False), _instant(last, True)
        if start is None and end is None:
            raise QueryError("« datetime » : un intervalle doit avoir au moins une borne.",
                             parameter="datetime")
        if start and end and start > end:
            raise QueryError("« datetime » : le début de l'intervalle suit sa fin.",
                             parameter="datetime")
        return start, end
    if raw in _OPEN:
        raise QueryError("« datetime » doit être une date ou un intervalle.",
                         parameter="datetime")
    return _instant(raw, False), _instant(raw, True)


def _property_value(name: str, duck_type: str, raw: str):
    upper = duck_type.upper()
    try:
        if upper in ("BIGINT", "INTEGER"):
            return int(raw)
        if upper == "DOUBLE":
            return float(raw)
        if upper == "BOOLEAN":
            return {"true": True, "false": False}[raw.lower()]
        if upper == "DATE":
            return dt.date.fromisoformat(raw)
    except (ValueError, KeyError):
        raise QueryError(f"« {name} » : la valeur « {raw[:40]} » n'est pas du type de la "
                         f"propriété ({duck_type}).", parameter=name) from None
    return raw


def parse_items_query(params, collection: Collection) -> ItemsQuery:
    """The query of an items request (`params`: a QueryDict); QueryError when a parameter
    is malformed or unknown."""
    query = ItemsQuery(limit=min(_integer(params, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT),
                       offset=_integer(params, "offset", 0, 0))
    query.crs = output_crs(params, collection)
    bbox_crs = _crs_parameter(params, collection, "bbox-crs")
    if params.get("bbox"):
        if bbox_crs == CRS84:
            query.bbox = parse_bbox(params["bbox"])
        else:
            query.bbox_shape = parse_bbox_in(params["bbox"], bbox_crs)
    if params.get("filter") or params.get("filter-lang") or params.get("filter-crs"):
        query.filter = _filter(params, collection)
    if params.get("datetime"):
        if collection.temporal_column is None:
            raise QueryError("« datetime » : cette collection n'a pas de propriété "
                             "temporelle (date).", parameter="datetime")
        query.start, query.end = parse_datetime(params["datetime"])
    types = dict(collection.properties)
    for name in params:
        if name in RESERVED:
            continue
        if name not in types:
            raise QueryError(f"Paramètre inconnu : « {name[:60]} ». Les propriétés de la "
                             f"collection sont : {', '.join(types) or 'aucune'}.",
                             parameter=name)
        query.properties[name] = _property_value(name, types[name], params[name])
    return query


def _crs_parameter(params, collection: Collection, name: str) -> str:
    raw = params.get(name)
    return parse_crs(raw, collection.offered_crs, name) if raw else CRS84


def output_crs(params, collection: Collection) -> str:
    """The CRS the features are asked in (`crs`), CRS84 by default."""
    return _crs_parameter(params, collection, "crs")


def table_schema(collection: Collection) -> cql2.TableSchema:
    return cql2.TableSchema(dict(collection.properties), collection.geometry_column)


def _filter(params, collection: Collection) -> cql2.CompiledFilter:
    raw = params.get("filter", "")
    if not raw.strip():
        raise QueryError("« filter » est vide : « filter-lang » et « filter-crs » "
                         "accompagnent un filtre CQL2.", parameter="filter")
    language = params.get("filter-lang") or "cql2-text"
    node = cql2.parse_filter(raw, language)
    return cql2.compile_filter(node, table_schema(collection),
                               _crs_parameter(params, collection, "filter-crs"))


def _where(collection: Collection, query: ItemsQuery) -> tuple[str, list]:
    # DuckDB reads the GeoParquet column as GEOMETRY (CRS84) directly.
    geom = duck.quote_identifier(collection.geometry_column)
    clauses, params = [], []
    if query.bbox:
        minx, miny, maxx, maxy = query.bbox
        # A box whose west edge is east of its east edge crosses the antimeridian.
        boxes = ([(minx, maxx)] if minx <= maxx else [(minx, 180.0), (-180.0, maxx)])
        parts = []
        for west, east in boxes:
            # The extent test is cheap and rules out most features before the exact one
            # (measured on the 947 communes: 21 -> 12 ms). The box is one WKB value rather
            # than four numbers: DuckDB's Python binding costs per parameter.
            box = "ST_GeomFromWKB(?)"
            parts.append(f"(ST_Intersects_Extent({geom}, {box}) AND ST_Intersects({geom}, {box}))")
            params += [shapely.to_wkb(shapely.box(west, miny, east, maxy))] * 2
        clauses.append("(" + " OR ".join(parts) + ")")
    if query.bbox_shape:
        shape = "ST_GeomFromWKB(?)"
        clauses.append(f"(ST_Intersects_Extent({geom}, {shape}) AND "
                       f"ST_Intersects({geom}, {shape}))")
        params += [query.bbox_shape] * 2
    if query.filter:
        clauses.append(query.filter.sql)
        params += query.filter.params
    if query.start or query.end:
        column = duck.quote_identifier(collection.temporal_column)
        if query.start:
            clauses.append(f"CAST({column} AS TIMESTAMP) >= ?")
            params.append(query.start)
        if query.end:
            clauses.append(f"CAST({column} AS TIMESTAMP) <= ?")
            params.append(query.end)
    types = dict(collection.properties)
    for name, value in query.properties.items():
        column = duck.quote_identifier(name)
        if types[name].upper() in ("BIGINT", "INTEGER", "DOUBLE", "BOOLEAN", "DATE"):
            clauses.append(f"{column} = ?")
        else:
            clauses.append(f"CAST({column} AS VARCHAR) = ?")
        params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _select(collection: Collection, crs: str) -> tuple[str, list]:
    """The columns of a feature row and their parameters: the geometry as GeoJSON text in
    CRS84, or as WKB when another CRS is asked (reprojected in Python, see `_features`)."""
    props = [duck.quote_identifier(n) for n, _ in collection.properties]
    geom = duck.quote_identifier(collection.geometry_column)
    geometry = f"ST_AsGeoJSON({geom})" if crs == CRS84 else f"ST_AsWKB({geom})::BLOB"
    return ", ".join(["file_row_number", geometry, *props]), []


def json_value(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return None
    return str(value)


def _feature(row, geometry: str | None, names: list[str]) -> str:
    # Assembled as text: the geometry is already GeoJSON, parsing it again would cost more
    # than the whole query on big polygons.
    properties = json.dumps(dict(zip(names, row[2:], strict=True)), ensure_ascii=False,
                            default=json_value, allow_nan=False)
    return (f'{{"type":"Feature","id":{int(row[0]) + 1},"geometry":{geometry or "null"},'
            f'"properties":{properties}}}')


def _features(rows: list, collection: Collection, crs: str) -> list[str]:
    """GeoJSON Features (text) of query rows, their geometries in `crs`."""
    names = [n for n, _ in collection.properties]
    if crs == CRS84:
        geometries = [row[1] for row in rows]
    else:
        # Reprojected here with a transformer kept per thread: DuckDB's ST_Transform builds
        # a new one for every query, up to ~90 ms for Lambert-93.
        geometries = geojson_in([row[1] for row in rows], crs) if rows else []
    return [_feature(row, geometry, names) for row, geometry in zip(rows, geometries,
                                                                     strict=True)]


@dataclass
class ItemsPage:
    features: list[str]          # each a GeoJSON Feature, as text
    number_matched: int
    number_returned: int


# numberMatched per file version and filter: paging through a filter counts it once, as
# the datastore does for its totals. A loaded file never changes in place (a new version is
# a new file), so an entry can never be stale; big keys (long filters) are not kept.
_COUNTS_SIZE = 4096
_COUNT_KEY_MAX_BYTES = 4096
_counts: OrderedDict[tuple, int] = OrderedDict()
_counts_lock = threading.Lock()


def _count_key(path: str, where: str, params: list) -> tuple | None:
    weight = len(where) + sum(len(p) if isinstance(p, str | bytes) else 16 for p in params)
    if weight > _COUNT_KEY_MAX_BYTES:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (path, stat.st_mtime_ns, stat.st_size, where, tuple(params))


def _count(cursor, source: str, path: str, where: str, params: list) -> int:
    key = _count_key(path, where, params)
    with _counts_lock:
        if key in _counts:
            _counts.move_to_end(key)
            return _counts[key]
    matched = int(cursor.execute(f"SELECT count(*) FROM {source}{where}", params)
                  .fetchone()[0])
    if key is not None:
        with _counts_lock:
            _counts[key] = matched
            while len(_counts) > _COUNTS_SIZE:
                _counts.popitem(last=False)
    return matched


def query_items(collection: Collection, query: ItemsQuery) -> ItemsPage:
    """One page of features and the number of features matching the filters."""
    path = str(collection.table.path)
    source = duck.parquet_source(path)
    where, params = _where(collection, query)
    columns, column_params = _select(collection, query.crs)
    cursor = duck.query_cursor()
    try:
        # No ORDER BY: the query database preserves insertion order (DuckDB's default,
        # checked by the tests), so rows come in file order and LIMIT stops the scan early.
        # "ORDER BY file_row_number" made DuckDB read the file twice (top-N, then late
        # materialisation): twice the time of the bbox query on the communes.
        rows = cursor.execute(f"SELECT {columns} FROM {source}{where} LIMIT ? OFFSET ?",
                              [*column_params, *params, query.limit, query.offset]).fetchall()
        if not where:
            matched = collection.table.row_count  # known from the load, no scan
        elif query.offset == 0 and len(rows) < query.limit:
            matched = len(rows)  # the whole answer is on this page: no need to count
        else:
            matched = _count(cursor, source, path, where, params)
    except _EVALUATION_ERRORS as exc:
        # The filter was checked, but a value can still fail on some row (a geometry
        # GEOS rejects, a coordinate PROJ cannot transform): a 400, never a 500.
        raise QueryError(f"La requête n'a pas pu être évaluée : {str(exc).splitlines()[0][:200]}",
                         parameter="filter" if query.filter else "bbox") from None
    return ItemsPage(_features(rows, collection, query.crs), matched, len(rows))


def get_feature(collection: Collection, feature_id: str, crs: str = CRS84) -> str | None:
    """One feature as GeoJSON text (its geometry in `crs`), None when there is no such id."""
    try:
        number = int(feature_id)
    except ValueError:
        return None
    if not 1 <= number <= collection.table.row_count:
        return None
    source = duck.parquet_source(collection.table.path)
    columns, params = _select(collection, crs)
    row = duck.query_cursor().execute(
        f"SELECT {columns} FROM {source} WHERE file_row_number = ?",
        [*params, number - 1]).fetchone()
    if row is None:
        return None
    return _features([row], collection, crs)[0]
