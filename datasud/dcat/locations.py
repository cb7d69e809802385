"""Spatial coverage: territories as dct:Location with their bounding box."""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from datasud.territories.models import Territory

from . import uris
from .namespaces import DCAT, DCTERMS, GSP, OWL, RDF, SKOS


def bbox_wkt(bbox) -> str | None:
    """`[min_lon, min_lat, max_lon, max_lat]` as a WKT polygon (lon lat, EPSG:4326)."""
    try:
        west, south, east, north = (float(value) for value in bbox)
    except (TypeError, ValueError):
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    ring = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    return "POLYGON((" + ", ".join(f"{x:g} {y:g}" for x, y in ring) + "))"


def add_territory(graph: Graph, territory: Territory) -> URIRef:
    node = uris.territory(territory)
    if (node, RDF.type, DCTERMS.Location) in graph:
        return node
    graph.add((node, RDF.type, DCTERMS.Location))
    graph.add((node, SKOS.prefLabel, Literal(territory.name, lang="fr")))
    graph.add((node, DCTERMS.identifier, Literal(territory.key)))
    insee = uris.insee(territory)
    if insee is not None:
        # The same place in INSEE's official geographic code, for harvesters that know it.
        graph.add((node, OWL.sameAs, insee))
    wkt = bbox_wkt(territory.bbox)
    if wkt:
        graph.add((node, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
    return node


def add_extent(graph: Graph, dataset, territories: list[Territory]) -> BNode | None:
    """The dataset's own extent (`Dataset.spatial_bbox`: its geo data's, else its
    territories') as a dct:Location with a dcat:bbox, as GeoDCAT-AP harvesters read it;
    None when unknown or when one of its `territories` already has that very bbox."""
    wkt = bbox_wkt(dataset.spatial_bbox)
    if wkt is None or any(bbox_wkt(t.bbox) == wkt for t in territories):
        return None
    node = BNode(f"extent-{dataset.pk}")
    graph.add((node, RDF.type, DCTERMS.Location))
    graph.add((node, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
    return node
