"""DCAT catalogues (DCAT-AP, DCAT-AP FR...) published as RDF: Turtle, RDF/XML, JSON-LD or
N-Triples, read with rdflib, paged with Hydra (`hydra:next`, or `hydra:nextPage` of the
older vocabulary that CKAN's ckanext-dcat and udata write).

JSON-LD with a remote `@context` is refused: resolving it would make the parser fetch an
address that is not the source. Documents declaring XML entities are refused too.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS, SKOS

from ..http import Reply
from .base import (
    Backend,
    RecordError,
    RemoteDataset,
    RemoteEntry,
    RemoteResource,
    SourceError,
    http_url,
    parse_date,
    parse_datetime,
)

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
ACCEPT = ("text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8, "
          "application/n-triples;q=0.7")
FORMATS = {
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/ld+json": "json-ld", "application/json": "json-ld",
    "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "application/n-triples": "nt", "text/n3": "n3",
}
SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml",
            ".xml": "xml", ".nt": "nt", ".n3": "n3"}
MAX_PAGES = 1000


class DcatBackend(Backend):
    def entries(self) -> Iterator[RemoteEntry]:
        url, visited, seen = self.url, set(), set()
        total = None
        while url and len(visited) < MAX_PAGES:
            visited.add(url)
            graph = parse_rdf(self.fetcher.get(url, accept=ACCEPT))
            datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
            if not datasets and not visited - {url} and not _has_catalog(graph):
                raise SourceError(f"Aucun catalogue DCAT dans ce document : {url}")
            for node in datasets:
                remote_id = _identifier(graph, node)
                if remote_id in seen:
                    continue
                seen.add(remote_id)
                yield RemoteEntry(remote_id, (graph, node), _text(graph, node, DCTERMS.title))
            page_total, url = _paging(graph)
            total = page_total if page_total is not None else total
            if url in visited:
                break
        if total is not None and len(seen) < total:
            raise SourceError(f"Le catalogue DCAT annonce {total} jeux de données mais ses pages "
                              f"n'en donnent que {len(seen)} : réessayez.")

    def to_dataset(self, entry: RemoteEntry) -> RemoteDataset:
        graph, node = entry.raw
        title = _text(graph, node, DCTERMS.title)
        if not entry.remote_id:
            raise RecordError("jeu de données sans identifiant")
        if not title:
            raise RecordError("jeu de données sans titre (dct:title)")
        publisher = graph.value(node, DCTERMS.publisher)
        contact = graph.value(node, DCAT.contactPoint)
        temporal = graph.value(node, DCTERMS.temporal)
        licence = graph.value(node, DCTERMS.license) or next(
            (graph.value(d, DCTERMS.license) for d in graph.objects(node, DCAT.distribution)
             if graph.value(d, DCTERMS.license) is not None), None)
        email = str(graph.value(contact, VCARD.hasEmail) or "") if contact else ""
        landing = graph.value(node, DCAT.landingPage)
        return RemoteDataset(
            remote_id=entry.remote_id,
            title=title,
            description=_text(graph, node, DCTERMS.description),
            remote_url=http_url(landing) or (http_url(node) if isinstance(node, URIRef) else ""),
            modified=parse_datetime(graph.value(node, DCTERMS.modified)
                                    or graph.value(node, DCTERMS.issued)),
            organisation=_name(graph, publisher),
            organisation_id=str(publisher) if isinstance(publisher, URIRef) else "",
            licence=_name(graph, licence) if isinstance(licence, BNode) else str(licence or ""),
            licence_url=str(licence) if isinstance(licence, URIRef) else "",
            tags=sorted({str(k) for k in graph.objects(node, DCAT.keyword)}),
            frequency=str(graph.value(node, DCTERMS.accrualPeriodicity) or ""),
            temporal_start=parse_date(_first(graph, temporal, DCAT.startDate, SCHEMA.startDate)),
            temporal_end=parse_date(_first(graph, temporal, DCAT.endDate, SCHEMA.endDate)),
            contact_name=str(graph.value(contact, VCARD.fn) or "") if contact else "",
            contact_email=email.removeprefix("mailto:"),
            zones=sorted({_name(graph, s) for s in graph.objects(node, DCTERMS.spatial)} - {""}),
            resources=_distributions(graph, node),
        )


def parse_rdf(reply: Reply) -> Graph:
    content_type = reply.content_type.split(";")[0].strip().lower()
    fmt = FORMATS.get(content_type)
    if fmt is None:
        path = reply.url.split("?")[0].lower()
        fmt = next((f for suffix, f in SUFFIXES.items() if path.endswith(suffix)), None)
    head = reply.body[:1000].lstrip().lower()
    if fmt is None or "html" in content_type or head.startswith((b"<!doctype html", b"<html")):
        if head.startswith((b"<!doctype html", b"<html")) or "html" in content_type:
            raise SourceError(f"La source a renvoyé une page HTML au lieu d'un catalogue DCAT : "
                              f"{reply.url}")
        fmt = "xml" if head.startswith(b"<") else "turtle"
    if b"<!ENTITY" in reply.body[:10_000]:
        raise SourceError(f"Document RDF/XML avec entités XML, refusé : {reply.url}")
    if fmt == "json-ld":
        _check_local_contexts(reply)
    graph = Graph()
    try:
        graph.parse(data=reply.body, format=fmt, publicID=reply.url)
    except Exception as exc:  # each rdflib parser raises its own kinds of errors
        raise SourceError(f"RDF illisible ou tronqué ({fmt}) : {str(exc)[:200]} — "
                          f"{reply.url}") from exc
    return graph


def _check_local_contexts(reply: Reply) -> None:
    try:
        document = json.loads(reply.body)
    except ValueError as exc:
        raise SourceError(f"JSON-LD illisible ({exc}) : {reply.url}") from exc

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "@context" and _is_remote(item):
                    raise SourceError("Ce JSON-LD demande un contexte distant, que le "
                                      "moissonnage ne télécharge pas : publiez le catalogue "
                                      f"en Turtle ou RDF/XML, ou avec un contexte intégré "
                                      f"({reply.url}).")
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)


def _is_remote(context) -> bool:
    if isinstance(context, str):
        return True
    if isinstance(context, list):
        return any(isinstance(c, str) for c in context)
    return False


def _has_catalog(graph: Graph) -> bool:
    return any(True for _ in graph.subjects(RDF.type, DCAT.Catalog))


def _paging(graph: Graph) -> tuple[int | None, str | None]:
    """(total announced, next page URL) of a Hydra-paged document."""
    total, next_url = None, None
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for value in graph.objects(None, predicate):
            next_url = str(value)
    for value in graph.objects(None, HYDRA.totalItems):
        try:
            total = int(value)
        except (TypeError, ValueError):
            pass
    return total, next_url


def _identifier(graph: Graph, node) -> str:
    identifier = graph.value(node, DCTERMS.identifier)
    if identifier is not None and str(identifier).strip():
        return str(identifier).strip()[:255]
    return str(node)[:255] if isinstance(node, URIRef) else ""


def _text(graph: Graph, node, predicate) -> str:
    """The French value of a literal property, else the one without language, else any."""
    values = [v for v in graph.objects(node, predicate) if isinstance(v, Literal)]
    for wanted in ("fr", None):
        for value in values:
            if value.language == wanted:
                return str(value).strip()
    return str(values[0]).strip() if values else ""


def _name(graph: Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node).strip()
    for predicate in (FOAF.name, SKOS.prefLabel, RDFS.label, DCTERMS.title, VCARD.fn):
        text = _text(graph, node, predicate)
        if text:
            return text
    return str(node) if isinstance(node, URIRef) else ""


def _first(graph: Graph, node, *predicates):
    if node is None:
        return None
    for predicate in predicates:
        value = graph.value(node, predicate)
        if value is not None:
            return value
    return None


def _distributions(graph: Graph, node) -> list[RemoteResource]:
    resources = []
    for distribution in sorted(graph.objects(node, DCAT.distribution), key=str):
        url = http_url(graph.value(distribution, DCAT.downloadURL)) or http_url(
            graph.value(distribution, DCAT.accessURL))
        if not url:
            continue
        fmt = graph.value(distribution, DCTERMS.format) or graph.value(distribution,
                                                                       DCAT.mediaType)
        fmt = _name(graph, fmt) if isinstance(fmt, BNode) else str(fmt or "")
        key = str(distribution) if isinstance(distribution, URIRef) else url
        resources.append(RemoteResource(
            key=key, url=url, format=fmt.rstrip("/").rsplit("/", 1)[-1],
            title=_text(graph, distribution, DCTERMS.title) or url,
            description=_text(graph, distribution, DCTERMS.description),
        ))
    return resources
