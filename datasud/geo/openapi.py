"""The OpenAPI 3.0 document of the OGC API Features service (Part 1 Core + GeoJSON)."""
from __future__ import annotations

from .features import DEFAULT_LIMIT, MAX_LIMIT

_JSON = {"application/json": {"schema": {"type": "object"}}}
_GEOJSON = {"application/geo+json": {"schema": {"type": "object"}}}
_HTML = {"text/html": {"schema": {"type": "string"}}}
_EXCEPTION = {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}
_ERROR = {"description": "Requête invalide (message dans « description »).",
          "content": _EXCEPTION}
_NOT_FOUND = {"description": "Introuvable.", "content": _EXCEPTION}


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
    items_params = [
        collection_id,
        _param("limit", f"Nombre d'entités par page (au plus {MAX_LIMIT}).",
               {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT}, style="form", explode=False),
        _param("offset", "Nombre d'entités à sauter.",
               {"type": "integer", "minimum": 0, "default": 0}),
        _param("bbox", "Emprise : lon min, lat min, lon max, lat max (CRS84).",
               {"type": "array", "minItems": 4, "maxItems": 6,
                "items": {"type": "number"}}, style="form", explode=False),
        _param("datetime", "Date ou intervalle RFC 3339 (« .. » pour une borne ouverte), "
               "appliqué à la première propriété de type date.", {"type": "string"},
               style="form", explode=False),
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "DataSud — OGC API Features",
                 "description": "Les données géographiques de DataSud, plateforme des données "
                                "ouvertes de la Région Sud, selon OGC API Features (partie 1). "
                                "Chaque propriété d'une collection est aussi un filtre "
                                "d'égalité sur /items.",
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
                "Une entité", "getFeature", _GEOJSON, [collection_id, feature_id]),
        },
        "components": {
            "parameters": {"f": _param("f", "Format de la réponse.",
                                       {"type": "string", "enum": ["json", "html"]},
                                       style="form", explode=False)},
            "schemas": {"exception": {"type": "object", "required": ["code"], "properties": {
                "code": {"type": "string"}, "description": {"type": "string"}}}},
        },
    }
