"""Features of a collection: the OGC API Features Part 1 query (bbox, datetime, property
equality, limit/offset) compiled to bound DuckDB SQL over the table's GeoParquet file.

No user text ever reaches the SQL: column names come from the table's own metadata and
are quoted; every value is a bound parameter.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

from datasud.datastore import duck
from datasud.datastore.errors import QueryError

from .collections import Collection

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# Parameters of Part 1 besides property filters; `f` chooses the format (see views).
RESERVED = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime", "crs"}
_ACCEPTED_CRS = {CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "EPSG:4326",
                 "http://www.opengis.net/def/crs/EPSG/0/4326"}
_OPEN = ("", "..")


@dataclass
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    properties: dict[str, object] = field(default_factory=dict)


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
    for name in ("bbox-crs", "crs"):
        if params.get(name) and params[name] not in _ACCEPTED_CRS:
            raise QueryError(f"« {name} » : seul le système de coordonnées {CRS84} "
                             "(WGS84) est proposé.", parameter=name)
    if params.get("bbox"):
        query.bbox = parse_bbox(params["bbox"])
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
            # (measured on the 947 communes: 21 -> 12 ms).
            box = "ST_MakeEnvelope(?, ?, ?, ?)"
            parts.append(f"(ST_Intersects_Extent({geom}, {box}) AND ST_Intersects({geom}, {box}))")
            params += [west, miny, east, maxy] * 2
        clauses.append("(" + " OR ".join(parts) + ")")
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


def _select(collection: Collection) -> str:
    props = [duck.quote_identifier(n) for n, _ in collection.properties]
    geom = duck.quote_identifier(collection.geometry_column)
    return ", ".join(["file_row_number", f"ST_AsGeoJSON({geom})", *props])


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


def _feature(row, names: list[str]) -> str:
    # Assembled as text: the geometry is already GeoJSON, parsing it again would cost more
    # than the whole query on big polygons.
    properties = json.dumps(dict(zip(names, row[2:], strict=True)), ensure_ascii=False,
                            default=json_value, allow_nan=False)
    geometry = row[1] or "null"
    return (f'{{"type":"Feature","id":{int(row[0]) + 1},"geometry":{geometry},'
            f'"properties":{properties}}}')


@dataclass
class ItemsPage:
    features: list[str]          # each a GeoJSON Feature, as text
    number_matched: int
    number_returned: int


def query_items(collection: Collection, query: ItemsQuery) -> ItemsPage:
    """One page of features and the number of features matching the filters."""
    source = duck.parquet_source(collection.table.path)
    where, params = _where(collection, query)
    cursor = duck.query_cursor()
    rows = cursor.execute(f"SELECT {_select(collection)} FROM {source}{where} "
                          "ORDER BY file_row_number LIMIT ? OFFSET ?",
                          [*params, query.limit, query.offset]).fetchall()
    if query.offset == 0 and len(rows) < query.limit:
        matched = len(rows)  # the whole answer is on this page: no need to count
    else:
        matched = int(cursor.execute(f"SELECT count(*) FROM {source}{where}",
                                     params).fetchone()[0])
    names = [n for n, _ in collection.properties]
    return ItemsPage([_feature(row, names) for row in rows], matched, len(rows))


def get_feature(collection: Collection, feature_id: str) -> str | None:
    """One feature as GeoJSON text, None when there is no such id."""
    try:
        number = int(feature_id)
    except ValueError:
        return None
    if not 1 <= number <= collection.table.row_count:
        return None
    source = duck.parquet_source(collection.table.path)
    row = duck.query_cursor().execute(
        f"SELECT {_select(collection)} FROM {source} WHERE file_row_number = ?",
        [number - 1]).fetchone()
    if row is None:
        return None
    return _feature(row, [n for n, _ in collection.properties])
