"""Publishers and contact points: organisations as foaf:Agent, contacts as vcard:Kind."""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from datasud.catalog.models import Dataset, Organisation

from . import uris
from .namespaces import ADMS, DCTERMS, FOAF, RDF, SKOS, VCARD

ADMS_PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
# Organisation.Type → ADMS publisher type; types that may be local or national (public
# establishments, GIP, chambers...) are left without one rather than guessed.
PUBLISHER_TYPES = {
    Organisation.Type.CONSEIL_REGIONAL: ("RegionalAuthority", "Autorité régionale"),
    Organisation.Type.CONSEIL_DEPARTEMENTAL: ("LocalAuthority", "Autorité locale"),
    Organisation.Type.METROPOLE: ("LocalAuthority", "Autorité locale"),
    Organisation.Type.COMMUNAUTE_AGGLOMERATION: ("LocalAuthority", "Autorité locale"),
    Organisation.Type.COMMUNAUTE_COMMUNES: ("LocalAuthority", "Autorité locale"),
    Organisation.Type.COMMUNE: ("LocalAuthority", "Autorité locale"),
    Organisation.Type.SYNDICAT_MIXTE: ("LocalAuthority", "Autorité locale"),
    Organisation.Type.SERVICE_ETAT: ("NationalAuthority", "Autorité nationale"),
    Organisation.Type.RECHERCHE: ("Academia-ScientificOrganisation",
                                  "Organisation universitaire ou scientifique"),
    Organisation.Type.ENSEIGNEMENT: ("Academia-ScientificOrganisation",
                                     "Organisation universitaire ou scientifique"),
    Organisation.Type.ASSOCIATION: ("NonProfitOrganisation", "Organisation à but non lucratif"),
    Organisation.Type.ENTREPRISE: ("Company", "Entreprise"),
}


def add_organisation(graph: Graph, organisation: Organisation) -> URIRef:
    node = uris.organisation(organisation)
    if (node, RDF.type, FOAF.Agent) in graph:
        return node
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, Literal(organisation.name, lang="fr")))
    if organisation.acronym:
        graph.add((node, SKOS.altLabel, Literal(organisation.acronym, lang="fr")))
    website = uris.file_url(organisation.website)
    if website is not None:
        graph.add((node, FOAF.homepage, website))
    if organisation.siren:
        # The SIREN is the French registry number of legal entities.
        graph.add((node, DCTERMS.identifier, Literal(organisation.siren)))
        identifier = BNode()
        graph.add((node, ADMS.identifier, identifier))
        graph.add((identifier, RDF.type, ADMS.Identifier))
        graph.add((identifier, SKOS.notation, Literal(organisation.siren)))
    kind = PUBLISHER_TYPES.get(organisation.type)
    if kind:
        code, label = kind
        concept = URIRef(ADMS_PUBLISHER_TYPES + code)
        scheme = URIRef(ADMS_PUBLISHER_TYPES + "1.0")
        graph.add((node, DCTERMS.type, concept))
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme))
        graph.add((concept, SKOS.prefLabel, Literal(label, lang="fr")))
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, DCTERMS.title, Literal("ADMS publisher type", lang="en")))
    return node


def add_contact_point(graph: Graph, dataset: Dataset) -> URIRef | None:
    if not (dataset.contact_name or dataset.contact_email):
        return None
    node = uris.contact_point(dataset)
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal(dataset.contact_name or dataset.organisation.name)))
    if dataset.contact_email and uris.is_safe_iri(dataset.contact_email):
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    return node
