"""The catalogue as a DCAT-AP 3 dcat:Catalog, served by pages of datasets (Hydra paging).

One page holds `PAGE_SIZE` datasets in a stable order (oldest first, by id), so that a
harvester walking first → next → last sees every dataset once, and a new dataset lands on
the last page without shifting the others. Each page is built from one slice of the
public datasets: the whole catalogue is never in memory at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Min
from rdflib import Graph, Literal, URIRef

from datasud.catalog.models import Organisation
from datasud.territories.models import Territory

from . import uris
from .agents import add_organisation
from .datasets import add_common_concepts, add_dataset, timestamp
from .locations import add_territory
from .namespaces import DCAT, DCTERMS, FOAF, HYDRA, RDF, SKOS, XSD, new_graph
from .queries import public_datasets, with_rdf_relations
from .services import add_platform_services
from .vocabularies import EU_AUTHORITY, SCHEME_TITLES

PAGE_SIZE = 100
TITLE = "DataSud, les données ouvertes de la Région Sud"
DESCRIPTION = ("Catalogue des données ouvertes publiées sur DataSud par la Région Sud "
               "Provence-Alpes-Côte d'Azur, les collectivités et les organismes publics de "
               "son territoire.")
REGION_NAME = "Région Sud Provence-Alpes-Côte d'Azur"


class PageOutOfRange(Exception):
    def __init__(self, number: int, pages: int):
        super().__init__(f"La page {number} n'existe pas : le catalogue en compte {pages}.")
        self.number, self.pages = number, pages


@dataclass
class CataloguePage:
    graph: Graph
    number: int
    pages: int
    total: int


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def add_publisher(graph: Graph) -> URIRef:
    """The Région's own organisation when the catalogue has it, else the Région itself."""
    region = (Organisation.objects.filter(territory__level=Territory.Level.REGION,
                                          type=Organisation.Type.CONSEIL_REGIONAL)
              .order_by("pk").first())
    if region is not None:
        return add_organisation(graph, region)
    node = URIRef(uris.absolute("/#region"))
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(REGION_NAME, lang="fr")))
    return node


def add_catalogue(graph: Graph, stats: dict) -> URIRef:
    node = uris.catalogue()
    graph.add((node, RDF.type, DCAT.Catalog))
    graph.add((node, DCTERMS.title, Literal(TITLE, lang="fr")))
    graph.add((node, DCTERMS.description, Literal(DESCRIPTION, lang="fr")))
    publisher = add_publisher(graph)
    graph.add((node, DCTERMS.publisher, publisher))
    home = uris.site()
    graph.add((node, FOAF.homepage, home))
    graph.add((home, RDF.type, FOAF.Document))
    add_common_concepts(graph, node)
    themes = URIRef(f"{EU_AUTHORITY}data-theme")
    graph.add((node, DCAT.themeTaxonomy, themes))
    graph.add((themes, RDF.type, SKOS.ConceptScheme))
    graph.add((themes, DCTERMS.title, Literal(SCHEME_TITLES["data-theme"], lang="en")))
    region = Territory.objects.filter(level=Territory.Level.REGION).defer("geometry").first()
    if region is not None:
        graph.add((node, DCTERMS.spatial, add_territory(graph, region)))
    if stats.get("first"):
        graph.add((node, DCTERMS.issued, timestamp(stats["first"])))
    if stats.get("last"):
        graph.add((node, DCTERMS.modified, timestamp(stats["last"])))
    for service in add_platform_services(graph, publisher):
        graph.add((node, DCAT.service, service))
    return node


def add_paging(graph: Graph, catalogue: URIRef, number: int, pages: int, total: int,
               fmt: str | None) -> URIRef:
    """Hydra paging: a `PartialCollectionView` (Hydra core), with the older `PagedCollection`
    terms alongside for CKAN's and opendata.swiss's harvesters, which read those."""
    view = uris.catalogue_page(number, fmt)
    links = {"first": 1, "last": pages}
    if number > 1:
        links["previous"] = number - 1
    if number < pages:
        links["next"] = number + 1
    graph.add((catalogue, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((catalogue, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, RDF.type, HYDRA.PagedCollection))
    graph.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((view, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer)))
    for name, target in links.items():
        target_uri = uris.catalogue_page(target, fmt)
        graph.add((view, HYDRA[name], target_uri))
        graph.add((view, HYDRA[f"{name}Page"], target_uri))
    return view


def build_page(number: int = 1, fmt: str | None = None) -> CataloguePage:
    """Page `number` (1-based) of the catalogue; `fmt` only shapes the paging links."""
    datasets = public_datasets().order_by("pk")
    stats = datasets.aggregate(total=Count("pk"), first=Min("created_at"),
                               last=Max("modified_at"))
    total = stats["total"]
    pages = page_count(total)
    if not 1 <= number <= pages:
        raise PageOutOfRange(number, pages)
    graph = new_graph()
    catalogue = add_catalogue(graph, stats)
    start = (number - 1) * PAGE_SIZE
    for dataset in with_rdf_relations(datasets[start:start + PAGE_SIZE]):
        graph.add((catalogue, DCAT.dataset, add_dataset(graph, dataset)))
    add_paging(graph, catalogue, number, pages, total, fmt)
    return CataloguePage(graph=graph, number=number, pages=pages, total=total)

