"""The HTTP edge of the CKAN Action API: read the parameters as CKAN does, find the
caller, run the action, answer with CKAN's envelope.

    {"help": ".../api/3/action/help_show?name=package_show", "success": true, "result": ...}
    {"help": ..., "success": false, "error": {"__type": "Not Found Error", "message": ...}}

Callers: a personal API token in `Authorization: <token>` (CKAN's way),
`Authorization: Bearer <token>` or `X-CKAN-API-Key: <token>`; reads also accept the
signed-in session of the site. A wrong token is refused, never taken as anonymous.
"""
from __future__ import annotations

import json
import logging

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from datasud.accounts.scopes import need_for, user_for_token
from datasud.catalog.services import CatalogError
from datasud.datastore.errors import QueryError

from .actions import ACTIONS
from .actions.datastore import query_error
from .context import Context
from .errors import BadRequest, CkanError, NotAuthorized, NotFound, ValidationError

logger = logging.getLogger(__name__)

# Catalogue fields -> the CKAN names clients sent them as.
CKAN_FIELDS = {"title": "title", "description": "notes", "licence": "license_id",
               "organisation": "owner_org", "themes": "groups", "file": "url",
               "contact_email": "maintainer_email", "contact_name": "maintainer"}


def api_version(request: HttpRequest) -> JsonResponse:
    """GET /api/3/: the API version, as CKAN answers it."""
    return JsonResponse({"version": 3})


def _respond(status: int, body: dict, user=None) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Answers depend on who asks: never share them between callers in a cache.
    patch_vary_headers(response, ["Authorization", "X-CKAN-API-Key", "Cookie"])
    if user is not None and user.is_authenticated:
        response["Cache-Control"] = "private, no-store"
    return response


def _mixed(query_dict) -> dict:
    """CKAN's parameters from a query string or form: one value, or a list of several."""
    return {key: values[0] if len(values) == 1 else values
            for key, values in query_dict.lists()}


def _request_data(request: HttpRequest, side_effect_free: bool) -> dict:
    if request.method == "GET":
        if not side_effect_free:
            raise BadRequest("JSON Error: Invalid request. Please use POST method for your "
                             "request")
        return _mixed(request.GET)
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = request.POST
        if not form and not request.FILES:
            return _mixed(request.GET) if side_effect_free else {}
        values = list(form.values())
        if len(form) == 1 and values[0] in ("1", "") and not request.FILES:
            # Old clients post the JSON document as the form's only key.
            data = _json(next(iter(form.keys())))
        else:
            data = _mixed(form)
        data.update(request.FILES.dict())
        return data
    body = request.body
    if not body.strip():
        return _mixed(request.GET) if side_effect_free else {}
    return _json(body)


def _json(text) -> dict:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest(f"JSON Error: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest(f"Bad request data: Request data JSON decoded to {data!r} but it "
                         f"needs to be a dictionary.")
    data.pop("callback", None)  # JSONP is not served
    return data


def _context(request: HttpRequest, name: str, side_effect_free: bool) -> Context:
    header = request.headers.get("Authorization", "").strip()
    scheme, _sep, rest = header.partition(" ")
    raw = rest.strip() if scheme.lower() in ("bearer", "token") and rest.strip() else header
    raw = raw or request.headers.get("X-CKAN-API-Key", "").strip()
    if raw:
        # The token's scopes (`accounts.scopes`): a write action needs `ecriture` (403
        # otherwise), a read without its scope is answered as to an anonymous caller.
        need = need_for("GET" if side_effect_free else "POST",
                        datastore=name.startswith("datastore_"))
        user = user_for_token(raw, need)
        if user is None:
            raise NotAuthorized(_("jeton d'API invalide, expiré ou révoqué."))
        return Context(request, user, by_token=True)
    user = request.user if request.user.is_authenticated else AnonymousUser()
    return Context(request, user)


def _error(exc: Exception) -> CkanError | None:
    """The CKAN error of an exception raised by the catalogue or the datastore."""
    if isinstance(exc, CkanError):
        return exc
    if isinstance(exc, CatalogError):
        return ValidationError.on(CKAN_FIELDS.get(exc.field or "", exc.field or "message"),
                                  str(exc))
    if isinstance(exc, PermissionDenied):
        return NotAuthorized(str(exc))
    if isinstance(exc, Http404):
        return NotFound(str(exc))
    if isinstance(exc, QueryError):
        return query_error(exc)
    return None


@csrf_exempt
def action(request: HttpRequest, name: str) -> JsonResponse:
    """/api/3/action/<name> (and /api/action/<name>), GET or POST."""
    prefix = request.path.rsplit("/action/", 1)[0]
    help_url = request.build_absolute_uri(f"{prefix}/action/help_show?name={name}")
    body: dict = {"help": help_url}
    registered = ACTIONS.get(name)
    ctx = None
    try:
        if registered is None:
            raise BadRequest(f"Action name not known: {name}")
        if request.method not in ("GET", "POST"):
            raise BadRequest(_("Méthode %(m)s non prise en charge : GET ou POST.")
                             % {"m": request.method})
        ctx = _context(request, name, registered.side_effect_free)
        data = _request_data(request, registered.side_effect_free)
        result = registered.function(ctx, data)
    except Exception as exc:  # noqa: BLE001 - every failure answers in CKAN's envelope
        error = _error(exc)
        if error is None:
            logger.exception("CKAN action %s failed", name)
            body.update(success=False, error={"__type": "Internal Server Error",
                                              "message": "Internal Server Error"})
            return _respond(500, body)
        body.update(success=False, error=error.as_dict())
        return _respond(error.status, body, ctx.user if ctx else None)
    body.update(success=True, result=result)
    return _respond(200, body, ctx.user)
