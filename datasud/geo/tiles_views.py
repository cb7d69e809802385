"""Vector tiles (`/tuiles/`): a geo table's tiles and TileJSON, and the territory basemap
(tiles, TileJSON, MapLibre style). Thin: check who asks, find the tileset, answer.

Who may see a table's tiles is who may see its OGC API collection (`get_collection`: the
dataset visible to the signed-in user or the API token's owner); anything else is 404.
"""
from __future__ import annotations

import functools

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from datasud.datastore.profile import duckdb_to_field_type

from .collections import get_collection
from .tiles import TileError, dumps, parse_tile, tilejson
from .tilesets import (
    TERRITORY_ATTRIBUTION,
    TERRITORY_LAYERS,
    TERRITORY_PROPERTIES,
    Tileset,
    collection_tileset,
    territory_tileset,
    tile_bytes,
)
from .tilestyle import territory_style

# The same token rules as OGC API Features (Bearer or X-API-KEY).
from .views import Unauthorised, authenticate_token

MVT = "application/vnd.mapbox-vector-tile"
# Public data may be kept by browsers and proxies for a while; the rest is revalidated on
# every use (the ETag makes that a 304), so that a dataset turned private stops at once.
PUBLIC_CACHE = "public, max-age=600"
PRIVATE_CACHE = "private, no-cache"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "description": message}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def tiles_view(view):
    @functools.wraps(view)
    @require_safe
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            authenticate_token(request)
            response = view(request, *args, **kwargs)
        except Unauthorised:
            return _error(401, "Unauthorized", "Jeton d'API invalide, expiré ou révoqué.")
        except TileError as exc:
            return _error(400, "InvalidParameterValue", str(exc))
        except Http404 as exc:
            return _error(404, "NotFound", str(exc) or "Introuvable.")
        response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ("Authorization", "X-API-KEY", "Cookie"))
        return response

    return wrapper


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in wanted.split(","))


def tile_response(request: HttpRequest, tileset: Tileset, z: str, x: str, y: str,
                   cache_header: str) -> HttpResponse:
    tile = parse_tile(z, x, y)
    etag = f'"{tileset.etag}-{tile.z}-{tile.x}-{tile.y}"'
    if _etag_matches(request, etag):
        response = HttpResponse(status=304)
    else:
        data, cached = tile_bytes(tileset, tile)
        # An empty tile is "No Content": MapLibre draws nothing and asks no more.
        response = HttpResponse(data, content_type=MVT, status=200 if data else 204)
        response["X-Tile-Cache"] = "hit" if cached else "miss"
    response["ETag"] = etag
    response["Cache-Control"] = cache_header
    return response


def cache_control(collection) -> str:
    # The dataset row came with the collection's permission query: no second query.
    public = collection.table.load.resource.dataset.is_public
    return PUBLIC_CACHE if public else PRIVATE_CACHE


@tiles_view
def tile(request: HttpRequest, collection_id: str, z: str, x: str, y: str):
    collection = get_collection(request.user, collection_id)
    return tile_response(request, collection_tileset(collection), z, x, y,
                          cache_control(collection))


def _tiles_url(request: HttpRequest, name: str, *args) -> str:
    # {z}/{x}/{y} cannot go through reverse(): build the template from a real tile address.
    path = reverse(f"tiles:{name}", args=[*args, 0, 0, 0])
    return request.build_absolute_uri(path).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")


@tiles_view
def collection_tilejson(request: HttpRequest, collection_id: str):
    collection = get_collection(request.user, collection_id)
    tileset = collection_tileset(collection)
    types = dict(collection.properties)
    fields = {name: field_kind(types.get(name, "")) for name in tileset.layers[0].properties}
    document = tilejson(name=collection.title, description=collection.description[:500],
                        tiles_url=_tiles_url(request, "tile", collection.id),
                        layers=[(collection.id, fields, 0)], bounds=tileset.bounds)
    document["geometry_types"] = collection.geo.get("geometry_types", [])
    response = HttpResponse(dumps(document), content_type="application/json")
    response["Cache-Control"] = cache_control(collection)
    return response


def field_kind(duck_type: str) -> str:
    """TileJSON field kind, from the datastore's one reading of DuckDB types."""
    field_type = duckdb_to_field_type(duck_type)
    if field_type == "boolean":
        return "Boolean"
    if field_type in ("integer", "number"):
        return "Number"
    return "String"


# --- the territory basemap -------------------------------------------------------------------

@tiles_view
def territory_tile(request: HttpRequest, z: str, x: str, y: str):
    return tile_response(request, territory_tileset(), z, x, y, PUBLIC_CACHE)


@tiles_view
def territory_tilejson(request: HttpRequest):
    tileset = territory_tileset()
    fields = {name: "String" for name in TERRITORY_PROPERTIES}
    document = tilejson(name="Territoires de la Région Sud",
                        description="Région, départements, intercommunalités et communes de "
                                    "Provence-Alpes-Côte d'Azur",
                        attribution=TERRITORY_ATTRIBUTION,
                        tiles_url=_tiles_url(request, "territory_tile"),
                        layers=[(name, fields, minzoom) for name, _, minzoom in TERRITORY_LAYERS],
                        bounds=tileset.bounds, minzoom=0, maxzoom=12)
    response = HttpResponse(dumps(document), content_type="application/json")
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@tiles_view
def basemap_style(request: HttpRequest):
    style = territory_style(request.build_absolute_uri(reverse("tiles:territory_tilejson")))
    response = HttpResponse(dumps(style), content_type="application/json")
    response["Cache-Control"] = PUBLIC_CACHE
    return response
