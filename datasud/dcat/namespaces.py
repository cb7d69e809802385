"""The RDF vocabularies the catalogue is written in, bound to their usual prefixes."""
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# EU Publications Office authority tables (named authority lists).
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

PREFIXES = {
    "adms": ADMS, "dcat": DCAT, "dcatap": DCATAP, "dct": DCTERMS, "foaf": FOAF, "gsp": GSP,
    "hydra": HYDRA, "locn": LOCN, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "skos": SKOS,
    "spdx": SPDX, "vcard": VCARD, "xsd": XSD,
}


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="core")  # core: rdf, rdfs, xsd, owl and xml (xml:lang)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


__all__ = ["ADMS", "DCAT", "DCATAP", "DCTERMS", "EU_AUTHORITY", "FOAF", "GSP", "HYDRA",
           "IANA_MEDIA_TYPES", "LOCN", "OWL", "RDF", "RDFS", "SKOS", "SPDX", "VCARD", "XSD",
           "new_graph"]
