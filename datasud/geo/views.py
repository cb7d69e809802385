"""OGC API Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS; Part 3 CQL2
filters and queryables) over the datastore's geo tables. Thin: parse, ask `collections` /
`features` / `queryables`, render JSON or an HTML page.

Callers are the signed-in user of the pages, or an API token (`Authorization: Bearer`,
`X-API-KEY`) for GIS software; what they may not see answers 404, like what does not exist.
"""
from __future__ import annotations

import functools
import json
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from datasud.accounts.scopes import need_for, user_for_token
from datasud.datastore.errors import QueryError

from .collections import Collection, get_collection, visible_collections
from .crs import CRS84_URI, crs_label, crs_uri
from .features import get_feature, output_crs, parse_items_query, query_items
from .negotiation import wanted_format
from .openapi import openapi_document
from .queryables import queryables as queryables_document

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/arithmetic",
    # OGC API - Tiles, vector tiles of each collection (ogc_tiles.py).
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
]
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
TILESETS_REL = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
TILING_SCHEMES_REL = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
SCHEMA_JSON = "application/schema+json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


class Unauthorised(Exception):
    pass


def authenticate_token(request: HttpRequest) -> None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    key = request.headers.get("X-API-KEY", "")
    if scheme.lower() in ("bearer", "token") and raw.strip():
        key = raw
    if key:
        # Geo tables are datastore tables: the token's `datastore` scope (`accounts.scopes`);
        # without it, the request sees what an anonymous visitor sees.
        user = user_for_token(key.strip(), need_for("GET", datastore=True))
        if user is None:
            raise Unauthorised
        request.user = user


def _html(request: HttpRequest, template: str, label: str, context: dict,
          status: int = 200) -> HttpResponse:
    return render(request, template, {**context, "page_label": label}, status=status)


def _error(request: HttpRequest, fmt: str, status: int, code: str, message: str):
    if fmt == "html":
        return _html(request, "geo/error.html", "Erreur", {"message": message, "status": status},
                     status=status)
    return JsonResponse({"code": code, "description": message}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def ogc_view(view):
    """Authentication, format negotiation, and errors as OGC exceptions (JSON or HTML)."""

    @functools.wraps(view)
    @require_safe
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            fmt = wanted_format(request)
        except QueryError as exc:
            return _error(request, "json", 400, "InvalidParameterValue", exc.message)
        try:
            authenticate_token(request)
            response = view(request, fmt, *args, **kwargs)
        except Unauthorised:
            return _error(request, fmt, 401, "Unauthorized",
                          "Jeton d'API invalide, expiré ou révoqué.")
        except QueryError as exc:
            return _error(request, fmt, 400, "InvalidParameterValue", exc.message)
        except Http404 as exc:
            return _error(request, fmt, 404, "NotFound", str(exc) or "Introuvable.")
        response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ("Accept", "Authorization", "X-API-KEY", "Cookie"))
        return response

    return wrapper


def _url(request: HttpRequest, name: str, *args, **query) -> str:
    path = reverse(f"geo:{name}", args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return request.build_absolute_uri(path) + (f"?{urlencode(query)}" if query else "")


def _json(data: dict, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=content_type)


def _links(request: HttpRequest, name: str, *args, json_type: str = "application/json",
           **query) -> list[dict]:
    return [
        {"href": _url(request, name, *args, f="json", **query), "rel": "self",
         "type": json_type, "title": "Ce document (JSON)"},
        {"href": _url(request, name, *args, f="html", **query), "rel": "alternate",
         "type": "text/html", "title": "Ce document (HTML)"},
    ]


@ogc_view
def landing(request: HttpRequest, fmt: str):
    links = _links(request, "landing") + [
        {"href": _url(request, "openapi"), "rel": "service-desc", "type": OPENAPI,
         "title": "Définition de l'API (OpenAPI 3.0)"},
        {"href": _url(request, "openapi", f="html"), "rel": "service-doc",
         "type": "text/html", "title": "Documentation de l'API"},
        {"href": _url(request, "conformance"), "rel": "conformance",
         "type": "application/json", "title": "Classes de conformité"},
        {"href": _url(request, "collections"), "rel": "data", "type": "application/json",
         "title": "Collections"},
        {"href": _url(request, "tile_matrix_sets"), "rel": TILING_SCHEMES_REL,
         "type": "application/json", "title": "Découpages en tuiles"},
    ]
    data = {"title": "DataSud — données géographiques (OGC API Features)",
            "description": "Les données géographiques publiées sur DataSud, plateforme des "
                           "données ouvertes de la Région Sud, consultables depuis un SIG "
                           "(QGIS, ArcGIS...) selon la norme OGC API Features.",
            "links": links}
    if fmt == "html":
        return _html(request, "geo/landing.html", "OGC API Features", {"data": data,
                                                    "json_url": links[0]["href"]})
    return _json(data)


@ogc_view
def conformance(request: HttpRequest, fmt: str):
    if fmt == "html":
        return _html(request, "geo/conformance.html", "Conformité",
                     {"classes": CONFORMANCE})
    return _json({"conformsTo": CONFORMANCE})


@ogc_view
def openapi(request: HttpRequest, fmt: str):
    ids = [c.id for c in visible_collections(request.user)]
    document = openapi_document(_url(request, "landing"), ids)
    if fmt == "html" and request.GET.get("f") == "html":
        return _html(request, "geo/openapi.html", "OpenAPI", {
            "document": document, "json_url": _url(request, "openapi")})
    return _json(document, OPENAPI)


def _collection_json(request: HttpRequest, collection: Collection) -> dict:
    bbox = collection.geo.get("bbox")
    data = {
        "id": collection.id, "title": collection.title,
        "description": collection.description[:2000], "itemType": "feature",
        "crs": [crs_uri(code) for code in collection.offered_crs], "storageCrs": CRS84_URI,
        "links": _links(request, "collection", collection.id) + [
            {"href": _url(request, "items", collection.id), "rel": "items",
             "type": GEOJSON, "title": "Entités (GeoJSON)"},
            {"href": _url(request, "items", collection.id, f="html"), "rel": "items",
             "type": "text/html", "title": "Entités (HTML)"},
            {"href": _url(request, "queryables", collection.id), "rel": QUERYABLES_REL,
             "type": SCHEMA_JSON, "title": "Propriétés filtrables (JSON Schema)"},
            {"href": _url(request, "ogc_tilesets", collection.id), "rel": TILESETS_REL,
             "type": "application/json", "title": "Tuiles vectorielles (OGC API Tiles)"},
            {"href": request.build_absolute_uri(collection.dataset_url), "rel": "describedby",
             "type": "text/html", "title": f"Jeu de données : {collection.dataset_title}"},
        ],
    }
    if bbox:
        data["extent"] = {"spatial": {"bbox": [bbox], "crs": CRS84_URI}}
    return data


@ogc_view
def collections(request: HttpRequest, fmt: str):
    found = [_collection_json(request, c) for c in visible_collections(request.user)]
    data = {"links": _links(request, "collections"), "collections": found}
    if fmt == "html":
        return _html(request, "geo/collections.html", "Collections", {"data": data,
                                                        "json_url": data["links"][0]["href"]})
    return _json(data)


@ogc_view
def collection(request: HttpRequest, fmt: str, collection_id: str):
    found = get_collection(request.user, collection_id)
    data = _collection_json(request, found)
    if fmt == "html":
        return _html(request, "geo/collection.html", found.title, {
            "data": data, "collection": found, "json_url": data["links"][0]["href"],
            "properties": found.properties, "geo": found.geo,
            "crs_list": [(crs_uri(code), crs_label(code)) for code in found.offered_crs]})
    return _json(data)


@ogc_view
def items(request: HttpRequest, fmt: str, collection_id: str):
    found = get_collection(request.user, collection_id)
    query = parse_items_query(request.GET, found)
    page = query_items(found, query)
    kept = {k: v for k, v in request.GET.items() if k not in ("f", "offset", "limit")}
    links = _links(request, "items", collection_id, json_type=GEOJSON, limit=query.limit,
                   offset=query.offset or None, **kept)
    if query.offset + page.number_returned < page.number_matched:
        links.append({"href": _url(request, "items", collection_id, f="json",
                                   limit=query.limit, offset=query.offset + query.limit,
                                   **kept),
                      "rel": "next", "type": GEOJSON, "title": "Page suivante"})
    if query.offset > 0:
        links.append({"href": _url(request, "items", collection_id, f="json",
                                   limit=query.limit,
                                   offset=max(query.offset - query.limit, 0) or None, **kept),
                      "rel": "prev", "type": GEOJSON, "title": "Page précédente"})
    links.append({"href": _url(request, "collection", collection_id), "rel": "collection",
                  "type": "application/json", "title": found.title})
    if fmt == "html":
        features = [json.loads(f) for f in page.features]
        return _html(request, "geo/items.html", found.title, {
            "collection": found, "features": features, "page": page, "query": query,
            "names": [n for n, _ in found.properties], "links": links,
            "json_url": links[0]["href"], "first": query.offset + 1,
            "last": query.offset + page.number_returned,
            "next": _html_link(links, "next"), "prev": _html_link(links, "prev"),
            "filter_text": request.GET.get("filter", "") if request.GET.get(
                "filter-lang", "cql2-text") == "cql2-text" else "",
            "queryables_url": _url(request, "queryables", collection_id, f="html")})
    head = {"type": "FeatureCollection", "numberMatched": page.number_matched,
            "numberReturned": page.number_returned,
            "timeStamp": _now(), "links": links}
    # The features are already GeoJSON text: splice them in rather than re-encode them.
    body = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",".join(
        page.features) + "]}"
    return _with_crs(HttpResponse(body, content_type=GEOJSON), query.crs)


def _with_crs(response: HttpResponse, code: str) -> HttpResponse:
    # Part 2: the CRS of the coordinates, always said, even for the default CRS84.
    response["Content-Crs"] = f"<{crs_uri(code)}>"
    return response


def _html_link(links: list[dict], rel: str) -> str | None:
    href = next((link["href"] for link in links if link["rel"] == rel), None)
    return href.replace("f=json", "f=html") if href else None


def _now() -> str:
    from django.utils import timezone

    return timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")


@ogc_view
def item(request: HttpRequest, fmt: str, collection_id: str, feature_id: str):
    found = get_collection(request.user, collection_id)
    crs = output_crs(request.GET, found)
    feature = get_feature(found, feature_id, crs)
    if feature is None:
        raise Http404("Entité introuvable.")
    links = _links(request, "item", collection_id, feature_id, json_type=GEOJSON) + [
        {"href": _url(request, "collection", collection_id), "rel": "collection",
         "type": "application/json", "title": found.title}]
    if fmt == "html":
        return _html(request, "geo/item.html", f"{found.title} — {feature_id}", {
            "collection": found, "feature": json.loads(feature), "json_url": links[0]["href"]})
    body = feature[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False) + "}"
    return _with_crs(HttpResponse(body, content_type=GEOJSON), crs)


@ogc_view
def queryables(request: HttpRequest, fmt: str, collection_id: str):
    found = get_collection(request.user, collection_id)
    data = queryables_document(found, _url(request, "queryables", collection_id))
    if fmt == "html":
        return _html(request, "geo/queryables.html", found.title, {
            "collection": found, "data": data,
            "json_url": _url(request, "queryables", collection_id, f="json")})
    return _json(data, SCHEMA_JSON)
