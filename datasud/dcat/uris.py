"""Stable URIs of what the catalogue publishes.

Every URI is built on `settings.SITE_URL`, the platform's public address, never on the
host of the request: a harvester must get the same identifier for a dataset whichever
address it used to fetch it. Each URI is also the address of the thing's page, so that it
can be dereferenced (HTML for people, RDF by content negotiation).
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from rdflib import URIRef

from datasud.catalog.models import Dataset, Organisation, Resource
from datasud.territories.models import Territory

# INSEE's linked-data identifiers of the official geographic code (COG).
INSEE_GEO = "http://id.insee.fr/geo/"
INSEE_LEVELS = {Territory.Level.REGION: "region", Territory.Level.DEPARTEMENT: "departement",
                Territory.Level.COMMUNE: "commune"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def site() -> URIRef:
    return URIRef(absolute("/"))


def catalogue() -> URIRef:
    return URIRef(absolute(reverse("dcat:catalogue")))


def catalogue_page(page: int, fmt: str | None = None) -> URIRef:
    """Address of one page of the catalogue; page 1 has no parameter (a stable entry)."""
    path = reverse("dcat:catalogue_format", args=[fmt]) if fmt else reverse("dcat:catalogue")
    query = urlencode({"page": page}) if page > 1 else ""
    return URIRef(absolute(path) + (f"?{query}" if query else ""))


def dataset(item: Dataset) -> URIRef:
    return URIRef(absolute(item.get_absolute_url()))


def distribution(item: Resource, dataset_slug: str) -> URIRef:
    return URIRef(absolute(reverse("datastore:resource", args=[dataset_slug, item.pk])))


def datastore_service(item: Resource) -> URIRef:
    return URIRef(absolute(f"/api/1/datastore/{item.pk}/"))


def datastore_endpoint(item: Resource) -> URIRef:
    return URIRef(absolute(f"/api/1/datastore/{item.pk}/records/"))


def organisation(item: Organisation) -> URIRef:
    return URIRef(absolute(item.get_absolute_url()))


def territory(item: Territory) -> URIRef:
    return URIRef(absolute(item.get_absolute_url()))


def insee(item: Territory) -> URIRef | None:
    level = INSEE_LEVELS.get(item.level)
    return URIRef(f"{INSEE_GEO}{level}/{item.code}") if level else None


def contact_point(item: Dataset) -> URIRef:
    return URIRef(f"{dataset(item)}#contact")


def file_url(url: str) -> URIRef | None:
    """An address of a resource as an absolute URI (stored files have a site path)."""
    url = (url or "").strip()
    if not url:
        return None
    if url.startswith("/"):
        return URIRef(absolute(url))
    if url.startswith(("http://", "https://", "ftp://")) and is_safe_iri(url):
        return URIRef(url)
    return None


# Characters that IRIs may not hold (RFC 3987) and that would break Turtle or RDF/XML.
_UNSAFE = set('<>"{}|\\^`') | {chr(c) for c in range(0x21)} | {chr(0x7F)}


def is_safe_iri(text: str) -> bool:
    return bool(text) and not any(char in _UNSAFE for char in text)
