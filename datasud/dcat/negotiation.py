"""Content negotiation: which RDF serialisation (or the HTML page) a request asks for.

A browser cannot set Accept, so `?format=ttl|jsonld|rdf` and the `.ttl|.jsonld|.rdf` suffix
URLs ask explicitly; otherwise the Accept header decides, q-values included (RFC 9110
§12.5.1): the most specific matching range gives each offer its quality, the highest
quality wins, and ties go to the server's order of preference.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RdfFormat:
    key: str  # suffix and `format` value
    media_type: str
    rdflib_name: str


FORMATS = {
    "ttl": RdfFormat("ttl", "text/turtle", "turtle"),
    "jsonld": RdfFormat("jsonld", "application/ld+json", "json-ld"),
    "rdf": RdfFormat("rdf", "application/rdf+xml", "pretty-xml"),
}
HTML = "html"
# Other names clients use for the same formats.
FORMAT_ALIASES = {"turtle": "ttl", "json-ld": "jsonld", "xml": "rdf", "rdfxml": "rdf"}
MEDIA_TYPES = {fmt.media_type: key for key, fmt in FORMATS.items()}
MEDIA_TYPES.update({"application/x-turtle": "ttl", "text/n3": "ttl"})
HTML_TYPES = ("text/html", "application/xhtml+xml")


class UnknownFormat(ValueError):
    def __init__(self, value: str):
        super().__init__(f"Format inconnu « {value[:40]} » : les formats proposés sont "
                         + ", ".join(FORMATS) + ".")


def parse_accept(header: str) -> list[tuple[str, float]]:
    """`text/turtle;q=0.9, */*;q=0.1` → [("text/turtle", 0.9), ("*/*", 0.1)]; malformed
    parts are skipped, a malformed q counts as 1 (what most servers do)."""
    ranges = []
    for part in (header or "").split(","):
        media_range, *params = [piece.strip() for piece in part.split(";")]
        if "/" not in media_range:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 1.0
        ranges.append((media_range.lower(), quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    kind = offer.split("/")[0]
    best, specificity = 0.0, -1
    for media_range, quality in ranges:
        if media_range == offer:
            rank = 2
        elif media_range == f"{kind}/*":
            rank = 1
        elif media_range == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            best, specificity = quality, rank
    return best


def best_offer(header: str, offers: list[str]) -> str | None:
    """The offered media type the Accept header prefers, or None if it accepts none.
    No header at all accepts anything: the first offer."""
    ranges = parse_accept(header)
    if not (header or "").strip():
        return offers[0]
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(offers)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None


def format_parameter(request: HttpRequest) -> str | None:
    """The `format` query parameter as a key of FORMATS (or HTML), None when absent."""
    value = request.GET.get("format")
    if value is None or not value.strip():
        return None
    key = value.strip().lower()
    key = FORMAT_ALIASES.get(key, key)
    if key in FORMATS or key == HTML:
        return key
    raise UnknownFormat(value)


def rdf_offers() -> list[str]:
    return [fmt.media_type for fmt in FORMATS.values()] + ["application/x-turtle", "text/n3"]


def negotiate_rdf(request: HttpRequest) -> str | None:
    """The RDF format an RDF-only address should answer with (Turtle when anything goes),
    None when the client accepts none of them."""
    chosen = format_parameter(request)
    if chosen is not None and chosen != HTML:
        return chosen
    offer = best_offer(request.headers.get("Accept", ""), rdf_offers())
    return MEDIA_TYPES[offer] if offer else None


def negotiate_page(request: HttpRequest) -> str | None:
    """For an HTML page that also has RDF: the RDF format asked for, or None for the page.
    HTML wins ties, so browsers (and `*/*`) always get the page."""
    chosen = format_parameter(request)
    if chosen is not None:
        return None if chosen == HTML else chosen
    offer = best_offer(request.headers.get("Accept", ""), [*HTML_TYPES, *rdf_offers()])
    return MEDIA_TYPES.get(offer) if offer else None
