"""Data services: the datastore API of each loaded table, and the platform's own APIs."""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from datasud.catalog.models import Dataset, Resource

from . import uris
from .namespaces import DCAT, DCTERMS, FOAF, RDF, RDFS

OPENAPI = URIRef("https://spec.openapis.org/oas/v3.1.0")
CKAN_API = URIRef("https://docs.ckan.org/en/2.11/api/")


def _standard(graph: Graph, node: URIRef, title: str) -> URIRef:
    graph.add((node, RDF.type, DCTERMS.Standard))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    return node


def _service(graph: Graph, node: URIRef, title: str, endpoint: URIRef,
             description: str) -> URIRef:
    graph.add((node, RDF.type, DCAT.DataService))
    graph.add((node, DCTERMS.title, Literal(title, lang="fr")))
    graph.add((node, DCTERMS.description, Literal(description, lang="fr")))
    graph.add((node, DCAT.endpointURL, endpoint))
    graph.add((endpoint, RDF.type, RDFS.Resource))
    return node


def _openapi_description(graph: Graph, node: URIRef) -> None:
    document = URIRef(uris.absolute("/api/1/openapi.json"))
    graph.add((node, DCAT.endpointDescription, document))
    graph.add((document, RDF.type, RDFS.Resource))
    graph.add((node, DCTERMS.conformsTo, _standard(graph, OPENAPI, "OpenAPI 3.1")))


def add_datastore_service(graph: Graph, resource: Resource, dataset: Dataset,
                          licence: URIRef | BNode | None) -> URIRef:
    """The records API of a tabular resource loaded in the datastore."""
    node = _service(
        graph, uris.datastore_service(resource),
        f"API des données : {resource.title}", uris.datastore_endpoint(resource),
        "Interrogation des lignes de la ressource (filtres, tri, agrégats, pages) et exports "
        "CSV, JSON, Parquet et XLSX par l'entrepôt de données de DataSud.")
    graph.add((node, DCAT.servesDataset, uris.dataset(dataset)))
    _openapi_description(graph, node)
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    return node


def add_platform_services(graph: Graph, publisher: URIRef) -> list[URIRef]:
    """The APIs of the whole catalogue: DataSud's own (v1) and the CKAN-compatible one."""
    api = _service(
        graph, URIRef(uris.absolute("/api/1/")), "API DataSud",
        URIRef(uris.absolute("/api/1/")),
        "Jeux de données, ressources, organisations, réutilisations, territoires et entrepôt "
        "de données, en JSON.")
    _openapi_description(graph, api)
    docs = URIRef(uris.absolute("/api/1/docs"))
    graph.add((api, DCAT.landingPage, docs))
    graph.add((docs, RDF.type, FOAF.Document))
    ckan = _service(
        graph, URIRef(uris.absolute("/api/3/")), "API compatible CKAN",
        URIRef(uris.absolute("/api/3/action/")),
        "Les actions de lecture de l'API CKAN (package_search, package_show...), pour les "
        "outils et moissonneurs qui parlent CKAN.")
    graph.add((ckan, DCTERMS.conformsTo, _standard(graph, CKAN_API, "CKAN Action API")))
    for node in (api, ckan):
        graph.add((node, DCTERMS.publisher, publisher))
    return [api, ckan]
