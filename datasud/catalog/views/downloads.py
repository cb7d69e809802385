"""Downloading a resource's uploaded file, with the dataset's permissions.

Uploaded files are never served straight from the media folder: a draft or private
dataset's file would be readable by anyone who guessed its address. This view checks that
the user may see the dataset, then hands the file over:
- in production, through the reverse proxy (`DATASUD_MEDIA_ACCEL_PREFIX`, e.g.
  `/_protected/`: an nginx `internal` location aliased to the media folder; the proxy
  streams the file, Python does not);
- otherwise, streamed by Django.
Always as an attachment, with `nosniff` and a sandboxing policy: a producer's HTML or SVG
file must never run as a page of the platform's origin.
"""
from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from datasud.accounts.scopes import need_for, user_for_token
from datasud.catalog.models import Dataset, Resource

# What a browser may do with a downloaded file opened in a tab: nothing.
SANDBOX = "sandbox; default-src 'none'"


def _user(request: HttpRequest):
    """The signed-in user, or the owner of an API token (scripts download private files
    with the token they read the API with). A wrong token is refused, never ignored."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() in ("bearer", "token") and raw.strip():
        # The token's `lecture` scope (`accounts.scopes`); without it, public files only.
        user = user_for_token(raw.strip(), need_for("GET"))
        if user is None:
            raise PermissionDenied("Jeton d'API invalide, expiré ou révoqué.")
        return user
    return request.user


def resource_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.select_related("dataset"), pk=pk, kind=Resource.Kind.FILE,
        dataset__in=Dataset.objects.visible_to(_user(request)))
    if not resource.file:
        raise Http404("Cette ressource n'a pas de fichier.")
    filename = PurePosixPath(resource.file.name).name
    content_type = (resource.media_type or mimetypes.guess_type(filename)[0]
                    or "application/octet-stream")
    prefix = getattr(settings, "DATASUD_MEDIA_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(resource.file.name)
        response["Content-Disposition"] = (f"attachment; filename*=UTF-8''"
                                           f"{quote(filename)}")
    else:
        try:
            handle = resource.file.open("rb")
        except FileNotFoundError:
            raise Http404("Le fichier de cette ressource est introuvable.") from None
        response = FileResponse(handle, as_attachment=True, filename=filename,
                                content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    # Public files may be cached by anyone; others only by the browser that asked.
    response["Cache-Control"] = ("public, max-age=3600" if resource.dataset.is_public
                                 else "private, max-age=0")
    return response
