"""The DataSud HTTP API v1 (Django Ninja): the API object, authentication, errors, paging.

Routers live with their domain (`catalog/api.py`, `accounts/api.py`, `territories/api.py`)
and are mounted in `api_urls.py`. Handlers stay thin: parse, call a service, serialise.

Authentication:
- writes need a personal API token (`Authorization: Bearer <token>`, also `Token <token>`
  or `X-API-KEY: <token>`) or a signed-in session (with its CSRF token, for the platform's
  own pages);
- reads are open to everybody; a token, when given, makes the request its owner's (and a
  wrong token is refused rather than ignored, so that a mistake never looks like "no data").
"""
from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.db import DataError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer

from datasud import api_errors
from datasud.accounts.scopes import need_for, user_for_token
from datasud.catalog.services import CatalogError
from datasud.catalog.uploads import UploadTooLarge

DESCRIPTION = """\
**FR** — L'API de DataSud, la plateforme régionale des données ouvertes de la Région Sud
Provence-Alpes-Côte d'Azur : rechercher et lire le catalogue (jeux de données, ressources,
organisations, réutilisations, thèmes, licences, territoires) et, avec un jeton personnel,
publier et mettre à jour ses données.

La lecture est libre et anonyme. L'écriture demande un jeton d'API personnel, créé depuis
votre compte et envoyé dans l'en-tête `Authorization: Bearer <jeton>` (ou `X-API-KEY`).
Un jeton a des portées (`lecture`, `ecriture`, `datastore` : toutes par défaut) et peut
être limité à une organisation (voir `docs/api-tokens.md`) ; sans la portée, une écriture
répond 403 et une lecture est celle d'un visiteur anonyme.
Les listes sont paginées (`page`, `page_size`) et renvoient `total` et des liens `next` /
`prev`. Les erreurs sont en JSON, messages en français : `{"detail": "message",
"errors": [{"field", "message"}]}`.

**EN** — The API of DataSud, the open-data platform of Région Sud (France): search and read
the catalogue (datasets, resources, organisations, reuses, themes, licences, territories)
and, with a personal token, publish and update your data.

Reading is open and anonymous. Writing needs a personal API token, created from your
account and sent as `Authorization: Bearer <token>` (or `X-API-KEY`). A token has scopes
(`lecture`, `ecriture`, `datastore`: all by default) and may be restricted to one
organisation; without the scope, a write is refused (403) and a read is an anonymous one.
Lists are paginated (`page`, `page_size`) and return `total` and `next` / `prev` links.
Errors are JSON, messages in French: `{"detail": "message", "errors": [{"field",
"message"}]}`.
"""

TAGS = [
    {"name": "Jeux de données / Datasets",
     "description": "Recherche, lecture et publication des jeux de données et de leur "
                    "historique. Search, read and publish datasets and their history."},
    {"name": "Ressources / Resources",
     "description": "Fichiers déposés et liens distants d'un jeu de données. "
                    "Uploaded files and remote links of a dataset."},
    {"name": "Organisations",
     "description": "Producteurs de données et leurs membres. Data producers and members."},
    {"name": "Réutilisations / Reuses",
     "description": "Applications, visualisations, articles... qui utilisent les données. "
                    "Applications, visualisations, articles... built on the data."},
    {"name": "Référentiels / Reference data",
     "description": "Thèmes et licences. Themes and licences."},
    {"name": "Territoires / Territories",
     "description": "Région, départements, intercommunalités (EPCI) et communes. "
                    "Région, départements, intercommunalities (EPCI) and communes."},
    {"name": "Entrepôt de données / Datastore",
     "description": "Les ressources tabulaires chargées : lignes filtrées et triées, "
                    "regroupements, profil, schémas, exports, SQL en lecture seule. "
                    "Loaded tabular resources: filtered and sorted records, group-by, "
                    "profile, schemas, exports, read-only SQL."},
    {"name": "Emploi : diagnostic de mobilité",
     "description": "Le diagnostic d'un projet de mobilité professionnelle (métiers, écart de "
                    "compétences, mobilités, salaires, tensions), pour les outils des "
                    "conseillers. The career-mobility diagnostic, for advisors' tools."},
    {"name": "Programmes",
     "description": "Les programmes de la Région (Sud Labs, Parcours Sud Smart Territoires, "
                    "Coach Digital...) : indicateurs, appels, lieux, candidatures. Regional "
                    "programmes: indicators, calls, places, applications."},
    {"name": "Suggestions",
     "description": "Thèmes, mots-clés, licence, fréquence et territoires proposés pour un jeu "
                    "de données en cours de description. Metadata suggestions for a dataset "
                    "being described."},
    {"name": "Compte / Account",
     "description": "Votre compte et vos jetons d'API. Your account and your API tokens."},
]


# --- Authentication -----------------------------------------------------------------------

#: Operations under this path read the datastore (the token's `datastore` scope).
DATASTORE_PATH = "/api/1/datastore/"


def _user_for_token(request: HttpRequest, raw: str, signed_in: bool):
    """The user the token acts as for this request, through its scopes (`accounts.scopes`):
    a refused scope is a 403 (`ScopeDenied`), an unknown token a 401."""
    # Every write operation is for signed-in callers (SIGNED_IN); those open to anyone
    # change nothing, even when posted to (SQL, suggestions): they are reads.
    need = need_for(request.method if signed_in else "GET", signed_in=signed_in,
                    datastore=request.path_info.startswith(DATASTORE_PATH))
    user = user_for_token(raw.strip(), need)
    if user is None:
        raise AuthenticationError(401, "Jeton d'API invalide, expiré ou révoqué.")
    request.user = user
    return user


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; `Authorization: Token <token>` is accepted too.
    `signed_in`: the operation is only for signed-in people (no anonymous answer)."""

    def __init__(self, signed_in: bool = True) -> None:
        super().__init__()
        self.signed_in = signed_in

    def __call__(self, request: HttpRequest):
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token") or not raw.strip():
            return None
        return self.authenticate(request, raw)

    def authenticate(self, request: HttpRequest, token: str):
        return _user_for_token(request, token, self.signed_in)


class ApiKey(APIKeyHeader):
    """`X-API-KEY: <token>`, for clients that cannot set the Authorization header."""

    param_name = "X-API-KEY"

    def __init__(self, signed_in: bool = True) -> None:
        super().__init__()
        self.signed_in = signed_in

    def authenticate(self, request: HttpRequest, key: str | None):
        return _user_for_token(request, key, self.signed_in) if key else None


class Session(APIKeyCookie):
    """The signed-in user of the platform's own pages; unsafe methods need the CSRF token.

    Unlike ninja's `django_auth`, an anonymous request is "not authenticated" (401) rather
    than "CSRF failed" (403): the CSRF check only matters once there is a session to abuse.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user


def _anyone(request: HttpRequest):
    # The session user or AnonymousUser: both truthy, so ninja takes them as "authenticated".
    return request.user


bearer_token, api_key, session = BearerToken(), ApiKey(), Session()
#: For writes and private reads: a token or a session is required (401 otherwise).
SIGNED_IN = [bearer_token, api_key, session]
#: For public reads: `request.auth` is the token's owner, the session user or AnonymousUser
#: (also for a token without the scope of the read: it reads the public catalogue).
ANYONE = [BearerToken(signed_in=False), ApiKey(signed_in=False), _anyone]
#: Lets the OpenAPI document say that a token is optional on public reads.
PUBLIC = {"auth": ANYONE, "openapi_extra": {"security": [{}]}}


# --- Errors -------------------------------------------------------------------------------

class FieldError(Schema):
    field: str | None = Field(None, examples=["title"])
    message: str = Field(examples=["Le titre est obligatoire."])


class ErrorOut(Schema):
    detail: str = Field(examples=["Jeu de données introuvable."])
    errors: list[FieldError] | None = None


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """`response=` entries documenting the error statuses an operation may answer."""
    return {code: ErrorOut for code in codes}


# Where ninja puts a parameter in an error's `loc`, and the names handlers give to their
# schema parameters (`payload: DatasetIn`, `filters: Query[...]`), which clients never see.
_LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie"}
SCHEMA_PARAMS = {"payload", "filters", "paging", "form"}


def _field_name(loc: list | tuple) -> str | None:
    """`("body", "payload", "contact_point", "email")` -> `"contact_point.email"`."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in SCHEMA_PARAMS:
        parts = parts[1:]
    return ".".join(parts) or None


class DataSudAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Handler names are unique across routers: `list_datasets` beats the module path.
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_common_errors(schema)
        return schema


_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_COMMON_ERRORS = {
    "400": "Requête refusée (caractère nul, valeur hors limites...), expliquée dans `detail` / "
           "rejected request (NUL character, value out of range...), explained in `detail`.",
    "401": "Jeton absent, invalide, expiré ou révoqué / missing or invalid token.",
    "404": "Objet introuvable (ou invisible pour vous) / not found (or not visible to you).",
    "422": "Paramètre ou champ invalide, détaillé dans `errors` / invalid parameter or "
           "field, detailed in `errors`.",
}


def _document_common_errors(schema: dict) -> None:
    """Every operation documents the errors any handler of its shape may answer, so that
    clients (and generated ones) expect them: 400 and 422 when it takes parameters or a
    body (the request guards and the validation every operation gets), 404 when its path
    names an object, 401 when it needs or accepts a token. Handlers add their own specific
    codes (403, 409, 413...)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in components:
        definition = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definition.pop("$defs", {}))
        components["ErrorOut"] = definition
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            parameters = operation.get("parameters", [])
            codes = []
            if parameters or "requestBody" in operation:
                codes += ["400", "422"]
            if any(p.get("in") == "path" for p in parameters):
                codes.append("404")
            if "security" in operation:
                # Public reads too: a wrong token is refused, never ignored.
                codes.append("401")
            # Ninja keys the handlers' own responses by int (400), ours are strings: one
            # key per code, or the JSON document repeats "400" and Swagger UI refuses it.
            responses = {str(code): response
                         for code, response in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for code in codes:
                responses.setdefault(code, {
                    "description": _COMMON_ERRORS[code],
                    "content": {"application/json": {"schema": _ERROR_REF}}})


class DataSudDocs(Swagger):
    """Swagger UI in a page of the platform: its language, a title and a link home."""

    template = "web/api_docs.html"


api = DataSudAPI(
    title="DataSud API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    openapi_extra={"tags": TAGS},
    docs=DataSudDocs(),
)


def _error(request, status: int, detail: str, errors: list[dict] | None = None,
           **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def _on_validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        field = _field_name(error.get("loc", ()))
        message = api_errors.message(error)
        if field is None and error.get("type") == "missing":  # no body at all
            message = api_errors.MISSING_BODY
        errors.append({"field": field, "message": message})
    return _error(request, 422, "Données invalides.", errors)


@api.exception_handler(CatalogError)
def _on_catalog_error(request, exc: CatalogError):
    return _error(request, 400, str(exc), [{"field": exc.field, "message": str(exc)}])


@api.exception_handler(PermissionDenied)
def _on_permission_denied(request, exc: PermissionDenied):
    return _error(request, 403, str(exc) or "Action non autorisée.")


@api.exception_handler(Http404)
def _on_not_found(request, exc: Http404):
    return _error(request, 404, str(exc) or "Introuvable.")


@api.exception_handler(ObjectDoesNotExist)
def _on_does_not_exist(request, exc: ObjectDoesNotExist):
    return _error(request, 404, "Introuvable.")


@api.exception_handler(AuthenticationError)
def _on_authentication_error(request, exc: AuthenticationError):
    detail = exc.message if exc.message != "Unauthorized" else (
        "Authentification requise : envoyez un jeton d'API "
        "(Authorization: Bearer <jeton>) ou connectez-vous.")
    response = _error(request, 401, detail)
    response["WWW-Authenticate"] = 'Bearer realm="DataSud API"'
    return response


@api.exception_handler(HttpError)
def _on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code,
                  api_errors.unreadable_body(exc.message) or exc.message)


@api.exception_handler(UploadTooLarge)
def _on_upload_too_large(request, exc: UploadTooLarge):
    # Raised by the streaming size check while the body is read: nothing has been stored.
    return _error(request, 413, str(exc), limit=exc.limit)


@api.exception_handler(RequestDataTooBig)
def _on_request_too_big(request, exc: RequestDataTooBig):
    return _error(request, 413, "La requête est trop volumineuse.")


@api.exception_handler(MultiPartParserError)
def _on_bad_multipart(request, exc: MultiPartParserError):
    return _error(request, 400, f"Corps multipart illisible : {exc}")


@api.exception_handler(DataError)
def _on_data_error(request, exc: DataError):
    # A value the database refuses (a NUL character in a JSON body, a number out of
    # range): the client's input, not a server fault.
    return _error(request, 400, "Valeur refusée : caractère nul ou nombre hors limites.")


def get_or_404(queryset: QuerySet, message: str, **lookup):
    """The one object of `queryset` matching `lookup`, or a 404 saying `message`.

    Give it a queryset already narrowed to what the user may see (`visible_to(user)`), so
    that what exists but is hidden answers exactly like what does not exist.
    """
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404(message)
    return obj


# --- Pagination ---------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
T = TypeVar("T")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Numéro de page / page number")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE,
                           description="Éléments par page / items per page")


class PageLinks(Schema):
    next: str | None = Field(None, examples=["https://www.datasud.fr/api/1/datasets/?page=2"])
    prev: str | None = None


class Page(Schema, Generic[T]):
    """A page of a list; subclass it with a name (`class ReusePage(Page[ReuseOut])`) for a
    readable OpenAPI document."""

    data: list[T]
    total: int = Field(examples=[42])
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[DEFAULT_PAGE_SIZE])
    links: PageLinks


def page_links(request: HttpRequest, page: int, page_size: int, total: int) -> dict:
    """Absolute links to the next and previous pages, keeping every other parameter."""

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        params["page_size"] = str(page_size)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    last = max(1, -(-total // page_size))
    return {"next": link(page + 1) if page < last else None,
            "prev": link(min(page - 1, last)) if page > 1 else None}


def page_of(request: HttpRequest, data: list, total: int, page: int, page_size: int) -> dict:
    """The paginated envelope every list of the API answers with."""
    return {"data": data, "total": total, "page": page, "page_size": page_size,
            "links": page_links(request, page, page_size, total)}


def paginate(request: HttpRequest, queryset: QuerySet, params: PageParams) -> dict:
    """One page of `queryset` (ordered) in the paginated envelope; past the end is empty."""
    total = queryset.count()
    offset = (params.page - 1) * params.page_size
    data = list(queryset[offset:offset + params.page_size]) if offset < total else []
    return page_of(request, data, total, params.page, params.page_size)


def absolute_url(request: HttpRequest, path: str | None) -> str | None:
    return request.build_absolute_uri(path) if path else None
