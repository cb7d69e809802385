"""Content Security Policy: the browser runs only what the platform itself serves.

Every script, stylesheet, font and image comes from the platform (no CDN: sovereignty and
privacy), so the policy can be strict: no inline script, no `eval`, no plugin, no framing,
forms posting only to the platform. Two allowances, each for a reason:
- `style-src-attr 'unsafe-inline'`: `style="width: 42%"` attributes draw the profile bars of
  the datastore and are set by Swagger UI on the API docs page; an attribute cannot load or
  run anything, unlike a `<style>` element, which stays forbidden (`style-src 'self'`).
- `img-src data:`: icons embedded in stylesheets (Swagger UI, the admin).
Maps (MapLibre, `geo/map.js`) need no allowance: MapLibre starts its web worker as a module
from its own same-origin file, which `script-src 'self'` covers (`worker-src` falls back to
it); it would want `blob:` only if served from another origin, which the platform never does.

`DATASUD_CSP_REPORT_ONLY=1` sends the same policy as `Content-Security-Policy-Report-Only`,
for trying a change on a live site before enforcing it.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

DEFAULT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every HTML answer (JSON, files and feeds need none: a browser
    never runs them as a page). A view may send its own header; it is then left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.value = policy_header(getattr(settings, "DATASUD_CSP", DEFAULT_POLICY))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith(("text/html", "image/svg+xml")) and not (
                response.has_header("Content-Security-Policy")
                or response.has_header("Content-Security-Policy-Report-Only")):
            report_only = getattr(settings, "DATASUD_CSP_REPORT_ONLY", False)
            header = ("Content-Security-Policy-Report-Only" if report_only
                      else "Content-Security-Policy")
            response[header] = self.value
        return response


class RejectNulBytesMiddleware:
    """A NUL character in an address or a query parameter is refused with 400 at the door.

    No text of the platform may contain one (PostgreSQL cannot even store it), so it is
    only ever a probe or garbage; without this check it would travel down to a database
    error (a 500) on PostgreSQL and mean nothing on SQLite."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            message = "Caractère nul (%00) refusé dans l'adresse ou ses paramètres."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            from datasud.web.views import bad_request

            return bad_request(request)
        return self.get_response(request)
