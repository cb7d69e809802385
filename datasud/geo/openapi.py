"""The OpenAPI 3.0 document of the OGC API Features service (Part 1 Core + GeoJSON, Part 2
CRS, Part 3 filters and queryables) and of its OGC API Tiles paths."""
from __future__ import annotations

from .cql2 import LANGUAGES, MAX_FILTER_LENGTH
from .crs import CRS84_URI
from .features import DEFAULT_LIMIT, MAX_LIMIT

_JSON = {"application/json": {"schema": {"type": "object"}}}
_GEOJSON = {"application/geo+json": {"schema": {"type": "object"}}}
_HTML = {"text/html": {"schema": {"type": "string"}}}
_EXCEPTION = {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}
_ERROR = {"description": "Requête invalide (message dans « description »).",
          "content": _EXCEPTION}
_NOT_FOUND = {"description": "Introuvable.", "content": _EXCEPTION}
_SCHEMA_JSON = {"application/schema+json": {"schema": {"type": "object"}}}
_CRS_HELP = ("URI d'un système de coordonnées proposé par la collection (liste « crs » de la "
             "collection : CRS84, EPSG:4326, EPSG:2154 et celui de la source) ; coordonnées "
             "dans l'ordre des axes de ce système (latitude d'abord pour EPSG:4326).")


def _param(name: str, description: str, schema: dict, *, where: str = "query",
           required: bool = False, style: str | None = None, explode: bool | None = None):
    param = {"name": name, "in": where, "description": description, "required": required,
             "schema": schema}
    if style:
        param["style"] = style
    if explode is not None:
        param["explode"] = explode
    return param


def _get(summary: str, operation_id: str, content: dict, parameters=(), errors=True) -> dict:
    responses = {"200": {"description": summary, "content": {**content, **_HTML}}}
    if errors:
        responses["400"] = _ERROR
        responses["404"] = _NOT_FOUND
    return {"get": {"summary": summary, "operationId": operation_id, "tags": ["Features"],
                    "parameters": [{"$ref": "#/components/parameters/f"}, *parameters],
                    "responses": responses}}


def openapi_document(base_url: str, collection_ids: list[str]) -> dict:
    """The document for the server at `base_url` (the landing page, with a trailing slash);
    `collection_ids` lists the collections the caller may see."""
    collection_id = _param("collectionId", "Identifiant de la collection.",
                           {"type": "string", **({"enum": collection_ids} if collection_ids
                                                 else {})}, where="path", required=True)
    feature_id = _param("featureId", "Identifiant de l'entité (numéro de ligne).",
                        {"type": "integer", "minimum": 1}, where="path", required=True)
    crs = _param("crs", "Système de coordonnées des géométries renvoyées. " + _CRS_HELP,
                 {"type": "string", "format": "uri", "default": CRS84_URI}, style="form",
                 explode=False)
    items_params = [
        collection_id, crs,
        _param("limit", f"Nombre d'entités par page (au plus {MAX_LIMIT}).",
               {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT}, style="form", explode=False),
        _param("offset", "Nombre d'entités à sauter.",
               {"type": "integer", "minimum": 0, "default": 0}),
        _param("bbox", "Emprise : lon min, lat min, lon max, lat max (CRS84), ou dans "
               "l'ordre des axes du système de « bbox-crs ».",
               {"type": "array", "minItems": 4, "maxItems": 6,
                "items": {"type": "number"}}, style="form", explode=False),
        _param("bbox-crs", "Système de coordonnées de « bbox ». " + _CRS_HELP,
               {"type": "string", "format": "uri", "default": CRS84_URI}, style="form",
               explode=False),
        _param("filter", "Filtre CQL2 sur les propriétés (voir /queryables) et la géométrie, "
               "par exemple nom LIKE 'Saint%' AND S_INTERSECTS(geometry, BBOX(5,43,6,44)).",
               {"type": "string", "maxLength": MAX_FILTER_LENGTH}, style="form",
               explode=False),
        _param("filter-lang", "Encodage du filtre.",
               {"type": "string", "enum": list(LANGUAGES), "default": LANGUAGES[0]},
               style="form", explode=False),
        _param("filter-crs", "Système de coordonnées des géométries du filtre. " + _CRS_HELP,
               {"type": "string", "format": "uri", "default": CRS84_URI}, style="form",
               explode=False),
        _param("datetime", "Date ou intervalle RFC 3339 (« .. » pour une borne ouverte), "
               "appliqué à la première propriété de type date.", {"type": "string"},
               style="form", explode=False),
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "DataSud — OGC API Features",
                 "description": "Les données géographiques de DataSud, plateforme des données "
                                "ouvertes de la Région Sud, selon OGC API Features (parties 1, 2 "
                                "et 3 : systèmes de coordonnées, filtres CQL2). Chaque "
                                "propriété d'une collection est aussi un filtre d'égalité "
                                "sur /items.",
                 "version": "1.0.0",
                 "license": {"name": "Licence de chaque jeu de données"}},
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": {
            "/": _get("Page d'accueil", "getLandingPage", _JSON, errors=False),
            "/conformance": _get("Classes de conformité", "getConformance", _JSON,
                                 errors=False),
            "/api": {"get": {"summary": "Ce document", "operationId": "getApi",
                             "tags": ["Features"], "responses": {"200": {
                                 "description": "OpenAPI 3.0",
                                 "content": {"application/vnd.oai.openapi+json;version=3.0":
                                             {"schema": {"type": "object"}}}}}}},
            "/collections": _get("Collections", "getCollections", _JSON, errors=False),
            "/collections/{collectionId}": _get("Une collection", "describeCollection",
                                                _JSON, [collection_id]),
            "/collections/{collectionId}/items": _get("Entités d'une collection",
                                                      "getFeatures", _GEOJSON, items_params),
            "/collections/{collectionId}/items/{featureId}": _get(
                "Une entité", "getFeature", _GEOJSON, [collection_id, feature_id, crs]),
            "/collections/{collectionId}/queryables": _get(
                "Propriétés filtrables (JSON Schema)", "getQueryables", _SCHEMA_JSON,
                [collection_id]),
            **_tiles_paths(collection_id),
        },
        "components": {
            "parameters": {"f": _param("f", "Format de la réponse.",
                                       {"type": "string", "enum": ["json", "html"]},
                                       style="form", explode=False)},
            "schemas": {"exception": {"type": "object", "required": ["code"], "properties": {
                "code": {"type": "string"}, "description": {"type": "string"}}}},
        },
    }


def _tiles_paths(collection_id: dict) -> dict:
    """OGC API - Tiles (vector tiles): tile matrix sets, tilesets and tiles."""
    tms = _param("tileMatrixSetId", "Découpage en tuiles (seul WebMercatorQuad est proposé).",
                 {"type": "string", "enum": ["WebMercatorQuad"]}, where="path", required=True)
    numbers = [
        _param("tileMatrix", "Niveau de zoom (0 à 22).", {"type": "string"}, where="path",
               required=True),
        _param("tileRow", "Ligne de la tuile (depuis le nord).",
               {"type": "integer", "minimum": 0}, where="path", required=True),
        _param("tileCol", "Colonne de la tuile (depuis l'ouest).",
               {"type": "integer", "minimum": 0}, where="path", required=True),
    ]
    mvt = {"application/vnd.mapbox-vector-tile": {"schema": {"type": "string",
                                                             "format": "binary"}}}

    def tiles_get(summary, operation_id, content, parameters=()):
        operation = _get(summary, operation_id, content, parameters)
        operation["get"]["tags"] = ["Tiles"]
        operation["get"]["responses"]["200"]["content"] = content
        return operation

    tile = tiles_get("Une tuile vectorielle", "getCollectionTile", mvt,
                     [collection_id, tms, *numbers])
    tile["get"]["responses"]["204"] = {"description": "Tuile vide."}
    return {
        "/tileMatrixSets": tiles_get("Découpages en tuiles", "getTileMatrixSets", _JSON),
        "/tileMatrixSets/{tileMatrixSetId}": tiles_get(
            "Définition d'un découpage", "getTileMatrixSet", _JSON, [tms]),
        "/collections/{collectionId}/tiles": tiles_get(
            "Jeux de tuiles d'une collection", "getCollectionTileSets", _JSON,
            [collection_id]),
        "/collections/{collectionId}/tiles/{tileMatrixSetId}": tiles_get(
            "Un jeu de tuiles", "getCollectionTileSet", _JSON, [collection_id, tms]),
        "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}":
            tile,
    }
