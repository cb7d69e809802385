"""Coordinate reference systems of geo sources: naming them, and guessing them when the
source does not say (CSV coordinates)."""
from __future__ import annotations

import pyproj

from datasud.datastore.errors import IngestError

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
