"""URLs of the API v1, included at /api/1/: the routers of each domain, the OpenAPI document
(/api/1/openapi.json), its docs page (/api/1/docs) and an index (/api/1/).

Every answer under /api/1/ is JSON, errors included: an unknown address is a JSON 404 (and a
missing trailing slash a redirect that keeps the method), a wrong method a JSON 405.
"""
from functools import wraps

from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import Resolver404, URLPattern, path, re_path, resolve, reverse
from django.views.decorators.csrf import csrf_exempt

from datasud.accounts.api import router as accounts_router
from datasud.api import api
from datasud.catalog.api import datasets, reference, resources
from datasud.catalog.api_organisations import router as organisations_router
from datasud.catalog.api_reuses import router as reuses_router
from datasud.datastore.api import router as datastore_router
from datasud.territories.api import router as territories_router

api.add_router("/datasets/", datasets)
api.add_router("/datasets/", resources)
api.add_router("/organisations/", organisations_router)
api.add_router("/reuses/", reuses_router)
api.add_router("/", reference)
api.add_router("/territories/", territories_router)
api.add_router("/", accounts_router)
api.add_router("/datastore/", datastore_router)
api.add_router("/employment/", "datasud.employment.api.router")
api.add_router("/programmes/", "datasud.programmes.api.router")
api.add_router("/", "datasud.intelligence.api.router")
api.add_router("/datasets/", "datasud.discovery.api.related_router")
api.add_router("/colonnes/", "datasud.discovery.api.columns_router")
api.add_router("/datasets/", "datasud.quality.api.router")

NOT_FOUND_NAME = "api-not-found"


def _json_405(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {"detail": f"Méthode {request.method} non autorisée ici (permises : {allowed})."},
                status=405)
            response["Allow"] = allowed
        return response

    return wrapper


def _with_json_405(pattern: URLPattern) -> URLPattern:
    return URLPattern(pattern.pattern, _json_405(pattern.callback), pattern.default_args,
                      pattern.name)


def index(request: HttpRequest):
    """/api/1/: where to start."""
    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"{app_name}:{name}"))

    return JsonResponse({
        "title": api.title, "version": api.version,
        "docs": url("openapi-view"), "openapi": url("openapi-json"),
        "endpoints": {name: url(name) for name in (
            "datasets", "organisations", "reuses", "themes", "licences", "territories",
            "datastore")},
    })


def _exists(path: str) -> bool:
    try:
        return resolve(path).url_name != NOT_FOUND_NAME
    except Resolver404:
        return False


@csrf_exempt
def not_found(request: HttpRequest, rest: str = ""):
    """Unknown address: a redirect to the same address with (or without) its trailing slash
    if that one exists (308 keeps the method and the body), else a JSON 404."""
    path = request.path
    other = path[:-1] if path.endswith("/") else path + "/"
    if _exists(other):
        query = request.META.get("QUERY_STRING", "")
        response = JsonResponse({"detail": f"Adresse exacte : {other}"}, status=308)
        response["Location"] = other + (f"?{query}" if query else "")
        return response
    return JsonResponse({"detail": f"Adresse inconnue dans l'API : {path}"}, status=404)


_patterns, _ninja, app_name = api.urls  # app_name "api-1": the namespace ninja reverses in
urlpatterns = [
    path("", index, name="index"),  # before ninja's own (empty) root
    *[(_with_json_405(p) if isinstance(p, URLPattern) else p) for p in _patterns],
    re_path(r"^(?P<rest>[\s\S]*)$", not_found, name=NOT_FOUND_NAME),
]
