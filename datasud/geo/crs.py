"""Coordinate reference systems: naming those of geo sources and guessing them when the
source does not say (CSV coordinates); the CRS offered by OGC API Features (Part 2) and the
transformation of client geometries (boxes, filter literals) to the stored CRS84."""
from __future__ import annotations

import re
import threading

import numpy as np
import pyproj
import shapely

from datasud.datastore.errors import IngestError, QueryError

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"
# Lambert-93 covers metropolitan France: eastings and northings stay within these bounds.
_L93_X = (0.0, 1_400_000.0)
_L93_Y = (6_000_000.0, 7_200_000.0)


def normalise_crs(declared: str | None) -> str:
    """'EPSG:<code>' for any CRS GDAL or PROJ describes (WKT, PROJJSON, authority code), or
    its WKT when it has no EPSG code. Raises IngestError for a CRS PROJ does not know."""
    try:
        crs = pyproj.CRS.from_user_input(declared)
    except pyproj.exceptions.CRSError as exc:
        raise IngestError(f"Le système de coordonnées « {str(declared)[:80]} » est inconnu.",
                          code="crs") from exc
    if crs.to_authority() == ("OGC", "CRS84"):
        return WGS84  # the same datum; coordinates are read in x/y (lon/lat) order anyway
    code = crs.to_epsg(min_confidence=70)
    return f"EPSG:{code}" if code else crs.to_wkt()


def guess_crs(x_range: tuple[float, float], y_range: tuple[float, float]) -> str | None:
    """WGS84 or Lambert-93 from the range of the coordinates, None when neither fits."""
    (xmin, xmax), (ymin, ymax) = x_range, y_range
    if -180 <= xmin and xmax <= 180 and -90 <= ymin and ymax <= 90:
        return WGS84
    if (_L93_X[0] <= xmin and xmax <= _L93_X[1]
            and _L93_Y[0] <= ymin and ymax <= _L93_Y[1]):
        return LAMBERT93
    return None


def crs_label(code: str) -> str:
    """A short human name: 'EPSG:2154 (RGF93 v1 / Lambert-93)'."""
    try:
        return f"{code} ({pyproj.CRS.from_user_input(code).name})" if code.startswith(
            "EPSG:") else pyproj.CRS.from_user_input(code).name
    except pyproj.exceptions.CRSError:
        return code


# --- OGC API Features Part 2: the CRS a client may ask for --------------------------------
# Tables are stored in CRS84 (WGS84, longitude then latitude). Clients may ask for features
# and give boxes or filter geometries in these CRS, plus the source's own when it has an
# EPSG code. Coordinates then follow the CRS's own axis order, as Part 2 requires:
# EPSG:4326 is latitude first, Lambert-93 easting first.
CRS84 = "OGC:CRS84"
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
OFFERED_CRS = (CRS84, WGS84, LAMBERT93)
_URI = re.compile(r"^https?://www\.opengis\.net/def/crs/(EPSG|OGC)/[^/]{1,10}/([A-Za-z0-9]{1,10})$",
                  re.IGNORECASE)
_CURIE = re.compile(r"^\[?(EPSG|OGC):([A-Za-z0-9]{1,10})\]?$", re.IGNORECASE)


def crs_uri(code: str) -> str:
    """The URI of an 'EPSG:2154' / 'OGC:CRS84' code, as OGC API documents spell it."""
    if code == CRS84:
        return CRS84_URI
    authority, _, number = code.partition(":")
    return f"http://www.opengis.net/def/crs/{authority}/0/{number}"


def code_of(raw: str) -> str | None:
    """'EPSG:2154' or 'OGC:CRS84' for a CRS URI, a CURIE ([EPSG:2154]) or a short code;
    None when the text names no EPSG or OGC CRS."""
    text = (raw or "").strip()
    found = _URI.match(text) or _CURIE.match(text)
    if not found:
        return None
    authority, code = found[1].upper(), found[2].upper()
    if authority == "OGC":
        return CRS84 if code == "CRS84" else None
    return f"EPSG:{int(code)}" if code.isdigit() else None


def offered_crs(source_crs: str | None) -> list[str]:
    """The codes a collection offers: CRS84 first, EPSG:4326, Lambert-93, then the source's
    own CRS when it is another EPSG one."""
    codes = list(OFFERED_CRS)
    if source_crs and source_crs.startswith("EPSG:") and source_crs not in codes:
        codes.append(source_crs)
    return codes


def parse_crs(raw: str, offered: list[str], parameter: str) -> str:
    """The code of the CRS asked for in `parameter`; QueryError when it is not offered."""
    code = code_of(raw)
    if code not in offered:
        raise QueryError(f"« {parameter} » : le système de coordonnées « {raw[:100]} » n'est "
                         "pas proposé pour cette collection. Systèmes proposés : "
                         f"{', '.join(crs_uri(c) for c in offered)}.", parameter=parameter)
    return code


def north_first(code: str) -> bool:
    """True when the CRS's first axis is northing/latitude (EPSG:4326, unlike CRS84)."""
    axes = pyproj.CRS.from_user_input(code).axis_info
    return bool(axes) and axes[0].direction.lower() in ("north", "south")


_transformers = threading.local()


def _transformer(source: str, target: str) -> pyproj.Transformer:
    # pyproj transformers are not to be shared between threads: one cache per thread.
    # Creating one costs up to ~90 ms (PROJ's database), using it microseconds; DuckDB's
    # ST_Transform creates one per query, which is why output is reprojected here.
    cache = _transformers.__dict__.setdefault("cache", {})
    key = (source, target)
    if key not in cache:
        # No always_xy: coordinates are in each CRS's own axis order (Part 2); CRS84 is
        # longitude, latitude.
        cache[key] = pyproj.Transformer.from_crs(source, target)
    return cache[key]


def _apply(transformer: pyproj.Transformer, geometry):
    return shapely.transform(geometry, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1])))


def geojson_in(wkbs: list[bytes | None], code: str) -> list[str]:
    """GeoJSON geometries (text, "null" for none) of CRS84 WKB values, in the CRS `code`
    and its axis order."""
    geometries = shapely.from_wkb(np.array(wkbs, dtype=object))
    moved = _apply(_transformer(CRS84, code), geometries)
    return [text if text is not None else "null" for text in shapely.to_geojson(moved)]


def to_crs84(geometry: shapely.Geometry, code: str, parameter: str) -> shapely.Geometry:
    """`geometry`, given in `code` (its axis order), in CRS84. QueryError when it falls
    outside the CRS's domain (the transformation gives infinite coordinates)."""
    if code != CRS84:
        geometry = _apply(_transformer(code, CRS84), geometry)
    coords = shapely.get_coordinates(geometry)
    if not np.isfinite(coords).all():
        raise QueryError(f"« {parameter} » : des coordonnées sont hors du domaine du système "
                         f"de coordonnées {crs_uri(code)} (vérifiez l'ordre des axes).",
                         parameter=parameter)
    return geometry
