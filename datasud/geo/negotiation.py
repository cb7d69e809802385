"""Which format an OGC API request wants: `f=` first, then the Accept header.

JSON is the default (GIS clients and scripts send `*/*` or JSON); browsers, which put
text/html first in Accept, get the HTML pages.
"""
from __future__ import annotations

from django.http import HttpRequest

from datasud.datastore.errors import QueryError

FORMATS = {"json": "json", "geojson": "json", "html": "html", "jsonld": "json"}


def wanted_format(request: HttpRequest) -> str:
    """"json" or "html"; QueryError for an unknown `f`."""
    asked = request.GET.get("f", "").strip().lower()
    if asked:
        if asked not in FORMATS:
            raise QueryError(f"Format inconnu : « {asked[:20]} ». Formats : json, html.",
                             parameter="f")
        return FORMATS[asked]
    accept = request.headers.get("Accept", "")
    for item in accept.split(","):
        media = item.split(";")[0].strip().lower()
        if media == "text/html":
            return "html"
        if media.endswith("json"):
            return "json"
    return "json"
