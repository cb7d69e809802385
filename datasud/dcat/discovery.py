"""How crawlers and browsers find the platform: robots.txt and the OpenSearch description."""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import uris

# Pages with nothing for a search engine: forms, accounts, the back office.
ROBOTS_DISALLOW = ["/admin/", "/compte/", "/publier/", "/i18n/"]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "",
             f"Sitemap: {request.build_absolute_uri(reverse('dcat:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    """OpenSearch 1.1 description: lets browsers add DataSud as a search engine."""
    search = uris.absolute(reverse("catalog:search")) + "?q={searchTerms}"
    api = uris.absolute("/api/1/datasets/") + "?q={searchTerms}"
    icon = uris.absolute(static("web/favicon.svg"))
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>DataSud</ShortName>
  <Description>Rechercher des jeux de données ouvertes de la Région Sud</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Language>fr</Language>
  <Image type="image/svg+xml">{icon}</Image>
  <Url type="text/html" method="get" template={quoteattr(search)}/>
  <Url type="application/json" method="get" template={quoteattr(api)}/>
  <Url type="application/opensearchdescription+xml" rel="self"
       template={quoteattr(uris.absolute(reverse("dcat:opensearch")))}/>
</OpenSearchDescription>
"""
    return HttpResponse(body, content_type="application/opensearchdescription+xml; charset=utf-8")
