"""OGC API - Tiles (Part 1: Core, vector tiles) over the same tiles as `/tuiles/`.

GIS software that speaks the standard (GDAL's OGCAPI driver, QGIS through it, ldproxy-style
clients) finds a collection's tiles from its `tilesets-vector` link:

- `/api/ogc/tileMatrixSets[/WebMercatorQuad]`: the one tiling scheme offered, defined as in
  the OGC Two Dimensional Tile Matrix Set standard (2.0 JSON encoding);
- `/api/ogc/collections/{id}/tiles`: the collection's tilesets (one, WebMercatorQuad);
- `/api/ogc/collections/{id}/tiles/WebMercatorQuad`: its tileset metadata (layer, fields,
  extent, zooms);
- `/api/ogc/collections/{id}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`: a
  Mapbox Vector Tile. The standard orders the path z / row (y) / column (x).

Tiles, cache, ETag and permissions are those of `tiles_views` (the collection visible to the
caller, else 404). Tile numbers outside the matrix answer 404, as the standard asks;
numbers that are not integers, 400.
"""
from __future__ import annotations

import math

from django.http import Http404, HttpRequest
from django.urls import reverse

from datasud.datastore.errors import QueryError

from .collections import get_collection
from .crs import CRS84_URI
from .tiles import HALF, MAX_LATITUDE, MAX_ZOOM, WORLD, TileError, parse_tile
from .tiles_views import MVT, cache_control, field_kind, tile_response
from .tilesets import collection_tileset
from .views import _json, ogc_view

TMS_ID = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
TMS_CRS = "http://www.opengis.net/def/crs/EPSG/0/3857"
REL_TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
REL_TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
REL_GEODATA = "http://www.opengis.net/def/rel/ogc/1.0/geodata"
TILE_SIZE = 256
# Size of a pixel in metres at zoom 0, and the standardised rendering pixel (0.28 mm) that
# turns it into a scale denominator (OGC 17-083r4, annex on WebMercatorQuad).
CELL_SIZE_0 = WORLD / TILE_SIZE
PIXEL_METRES = 0.00028


def tile_matrix_set() -> dict:
    """WebMercatorQuad, zooms 0 to `MAX_ZOOM`, in the TMS 2.0 JSON encoding."""
    matrices = []
    for z in range(MAX_ZOOM + 1):
        cell = CELL_SIZE_0 / 2 ** z
        matrices.append({
            "id": str(z), "scaleDenominator": cell / PIXEL_METRES, "cellSize": cell,
            "cornerOfOrigin": "topLeft", "pointOfOrigin": [-HALF, HALF],
            "tileWidth": TILE_SIZE, "tileHeight": TILE_SIZE,
            "matrixWidth": 2 ** z, "matrixHeight": 2 ** z})
    return {"id": TMS_ID, "title": "Google Maps Compatible for the World", "uri": TMS_URI,
            "crs": TMS_CRS, "orderedAxes": ["E", "N"],
            "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
            "tileMatrices": matrices}


def _abs(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"geo:{name}", args=args))


def _tile_template(request: HttpRequest, collection_id: str) -> str:
    # {tileMatrix}/{tileRow}/{tileCol} cannot go through reverse(): fill a real address.
    path = _abs(request, "ogc_tile", collection_id, TMS_ID, 0, 0, 0)
    return path.replace("/0/0/0", "/{tileMatrix}/{tileRow}/{tileCol}")


def _tileset_links(request: HttpRequest, collection_id: str) -> list[dict]:
    return [
        {"href": _abs(request, "ogc_tileset", collection_id, TMS_ID), "rel": "self",
         "type": "application/json", "title": "Ce jeu de tuiles"},
        {"href": _abs(request, "tile_matrix_set", TMS_ID), "rel": REL_TILING_SCHEME,
         "type": "application/json", "title": "Le découpage WebMercatorQuad"},
        {"href": _tile_template(request, collection_id), "rel": "item", "type": MVT,
         "templated": True, "title": "Tuiles vectorielles (Mapbox Vector Tile)"},
        {"href": _abs(request, "collection", collection_id), "rel": REL_GEODATA,
         "type": "application/json", "title": "La collection"},
    ]


def _bounding_box(bounds: list[float] | None) -> dict | None:
    if not bounds:
        return None
    return {"lowerLeft": bounds[:2], "upperRight": bounds[2:4], "crs": CRS84_URI}


@ogc_view
def tile_matrix_sets(request: HttpRequest, fmt: str):
    return _json({"tileMatrixSets": [{
        "id": TMS_ID, "title": "Google Maps Compatible for the World", "uri": TMS_URI,
        "crs": TMS_CRS, "links": [{"href": _abs(request, "tile_matrix_set", TMS_ID),
                                   "rel": "self", "type": "application/json",
                                   "title": "Définition du découpage"}]}]})


@ogc_view
def tile_matrix_set_view(request: HttpRequest, fmt: str, tms_id: str):
    if tms_id != TMS_ID:
        raise Http404("Découpage inconnu : seul WebMercatorQuad est proposé.")
    return _json(tile_matrix_set())


@ogc_view
def tilesets(request: HttpRequest, fmt: str, collection_id: str):
    collection = get_collection(request.user, collection_id)
    response = _json({
        "links": [{"href": _abs(request, "ogc_tilesets", collection.id), "rel": "self",
                   "type": "application/json", "title": "Jeux de tuiles de la collection"}],
        "tilesets": [{"title": collection.title, "dataType": "vector", "crs": TMS_CRS,
                      "tileMatrixSetURI": TMS_URI,
                      "links": _tileset_links(request, collection.id)}],
    })
    response["Cache-Control"] = cache_control(collection)
    return response


@ogc_view
def tileset(request: HttpRequest, fmt: str, collection_id: str, tms_id: str):
    collection = get_collection(request.user, collection_id)
    if tms_id != TMS_ID:
        raise Http404("Découpage inconnu : seul WebMercatorQuad est proposé.")
    source = collection_tileset(collection)
    types = dict(collection.properties)
    fields = {name: field_kind(types.get(name, ""))
              for name in source.layers[0].properties}
    json_types = {"Number": "number", "Boolean": "boolean", "String": "string"}
    document = {
        "title": collection.title, "description": collection.description[:500],
        "dataType": "vector", "crs": TMS_CRS, "tileMatrixSetURI": TMS_URI,
        "links": _tileset_links(request, collection.id),
        "tileMatrixSetLimits": _limits(source.bounds), "layers": [{
            "id": collection.id, "title": collection.title, "dataType": "vector",
            "geometryDimension": _dimension(collection.geo.get("geometry_types") or []),
            "minTileMatrix": "0", "maxTileMatrix": str(MAX_ZOOM),
            "propertiesSchema": {"type": "object", "properties": {
                name: {"type": json_types[kind]} for name, kind in fields.items()}},
        }],
        "centerPoint": _center(source.bounds),
    }
    box = _bounding_box(source.bounds)
    if box:
        document["boundingBox"] = box
    else:
        document.pop("centerPoint")
    response = _json(document)
    response["Cache-Control"] = cache_control(collection)
    return response


def _tile_number(lon: float, lat: float, z: int) -> tuple[int, int]:
    """(column, row) of the tile holding lon/lat at zoom z."""
    n = 2 ** z
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    col = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(col, 0), n - 1), min(max(row, 0), n - 1)


def _limits(bounds: list[float] | None) -> list[dict]:
    """For each zoom, the tiles that may hold features (the extent's tiles): clients that
    read a whole zoom level (GDAL) ask those only, not the 4^z tiles of the world."""
    if not bounds:
        return []
    west, south, east, north = bounds[:4]
    limits = []
    for z in range(MAX_ZOOM + 1):
        min_col, min_row = _tile_number(west, north, z)
        max_col, max_row = _tile_number(east, south, z)
        limits.append({"tileMatrix": str(z), "minTileRow": min_row, "maxTileRow": max_row,
                       "minTileCol": min_col, "maxTileCol": max_col})
    return limits


def _dimension(geometry_types: list[str]) -> int | None:
    """0 points, 1 lines, 2 polygons; None when mixed or unknown (the standard's rule)."""
    dimensions = {0 if "Point" in t else 1 if "LineString" in t else 2 if "Polygon" in t
                  else None for t in geometry_types}
    return dimensions.pop() if len(dimensions) == 1 else None


def _center(bounds: list[float] | None) -> dict | None:
    if not bounds:
        return None
    west, south, east, north = bounds[:4]
    span = max(east - west, north - south, 1e-9)
    zoom = max(0, min(MAX_ZOOM, int(math.log2(360 / span))))
    return {"coordinates": [(west + east) / 2, (south + north) / 2],
            "tileMatrix": str(zoom), "crs": CRS84_URI}


@ogc_view
def tile(request: HttpRequest, fmt: str, collection_id: str, tms_id: str, z: str, row: str,
         col: str):
    collection = get_collection(request.user, collection_id)
    if tms_id != TMS_ID:
        raise Http404("Découpage inconnu : seul WebMercatorQuad est proposé.")
    try:
        parse_tile(z, col, row)
    except TileError as exc:
        if z.isdigit() and row.isdigit() and col.isdigit():
            # Whole numbers outside the matrix: no such tile (OGC API Tiles, tc-error).
            raise Http404(str(exc)) from None
        raise QueryError(str(exc)) from None
    return tile_response(request, collection_tileset(collection), z, col, row,
                          cache_control(collection))
