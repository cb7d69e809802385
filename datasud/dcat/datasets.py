"""A dataset and its distributions in DCAT-AP 3.

`add_dataset` expects a dataset fetched through `queries.with_rdf_relations` (it reads the
prefetched themes, tags, territories and resources, and each resource's `in_datastore`).
"""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef

from datasud.catalog.models import Dataset, Licence, Resource

from . import uris
from .agents import add_contact_point, add_organisation
from .locations import add_extent, add_territory
from .namespaces import ADMS, DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, SPDX, XSD
from .services import add_datastore_service
from .vocabularies import (
    DATA_THEMES,
    FREQUENCY_TO_EU,
    LICENCE_TO_EU,
    THEME_TO_EU,
    UNKNOWN_FORMAT,
    add_concept,
    add_media_type,
    file_format,
)

# The DCAT-AP 3.0.0 vocabulary shapes (which data.europa.eu validates against) require the
# algorithm IRI to start with "https://spdx.org/rdf/terms", while the SPDX ontology itself
# says "http://": the https IRI is published, declared the same as the SPDX one.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")


def timestamp(value: datetime | date) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def add_common_concepts(graph: Graph, node: URIRef) -> None:
    """Language and access rights: every published dataset is French and public."""
    language = add_concept(graph, "language", "FRA", "français", (DCTERMS.LinguisticSystem,))
    graph.add((node, DCTERMS.language, language))


def add_licence(graph: Graph, licence: Licence | None) -> URIRef | BNode | None:
    if licence is None:
        return None
    code = LICENCE_TO_EU.get(licence.slug)
    if code:
        node = add_concept(graph, "licence", code, licence.title, (DCTERMS.LicenseDocument,))
    else:
        # No EU concept: the licence's own text, or a described node when it has no address.
        node = uris.file_url(licence.url) or BNode(f"licence-{licence.slug}")
        graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, RDFS.label, Literal(licence.title, lang="fr")))
    return node


def add_dataset(graph: Graph, dataset: Dataset) -> URIRef:
    node = uris.dataset(dataset)
    organisation = dataset.organisation
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, Literal(dataset.title, lang="fr")))
    # DCAT-AP requires a description; when the producer wrote none, say what is known.
    description = dataset.description.strip() or (
        f"« {dataset.title} », jeu de données publié par {organisation.name} sur DataSud.")
    graph.add((node, DCTERMS.description, Literal(description, lang="fr")))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    if dataset.source_id:
        identifier = BNode(f"source-{dataset.pk}")
        graph.add((node, ADMS.identifier, identifier))
        graph.add((identifier, RDF.type, ADMS.Identifier))
        graph.add((identifier, SKOS.notation, Literal(dataset.source_id)))
    graph.add((node, DCAT.landingPage, node))
    graph.add((node, RDF.type, FOAF.Document))
    graph.add((node, DCTERMS.issued, timestamp(dataset.published_at or dataset.created_at)))
    graph.add((node, DCTERMS.modified, timestamp(dataset.modified_at)))
    graph.add((node, DCTERMS.publisher, add_organisation(graph, organisation)))
    contact = add_contact_point(graph, dataset)
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    add_common_concepts(graph, node)
    graph.add((node, DCTERMS.accessRights, add_concept(
        graph, "access-right", "PUBLIC", "public", (DCTERMS.RightsStatement,))))
    _add_themes(graph, node, dataset)
    for tag in dataset.tags.all():
        graph.add((node, DCAT.keyword, Literal(tag.name, lang="fr")))
    if dataset.frequency in FREQUENCY_TO_EU:
        code, label = FREQUENCY_TO_EU[dataset.frequency]
        graph.add((node, DCTERMS.accrualPeriodicity,
                   add_concept(graph, "frequency", code, label, (DCTERMS.Frequency,))))
    _add_temporal(graph, node, dataset)
    territories = list(dataset.territories.all())
    for territory in territories:
        graph.add((node, DCTERMS.spatial, add_territory(graph, territory)))
    extent = add_extent(graph, dataset, territories)
    if extent is not None:
        graph.add((node, DCTERMS.spatial, extent))
    licence = add_licence(graph, dataset.licence)
    for resource in dataset.resources.all():
        graph.add((node, DCAT.distribution,
                   add_distribution(graph, resource, dataset, licence)))
    return node


def _add_themes(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    codes: list[str] = []
    for theme in dataset.themes.all():
        codes += [code for code in THEME_TO_EU.get(theme.slug, []) if code not in codes]
    for code in codes:
        concept = add_concept(graph, "data-theme", code, DATA_THEMES[code])
        graph.add((node, DCAT.theme, concept))


def _add_temporal(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    if not (dataset.temporal_start or dataset.temporal_end):
        return
    period = BNode(f"period-{dataset.pk}")
    graph.add((node, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if dataset.temporal_start:
        graph.add((period, DCAT.startDate, timestamp(dataset.temporal_start)))
    if dataset.temporal_end:
        graph.add((period, DCAT.endDate, timestamp(dataset.temporal_end)))


def _is_download(resource: Resource, link: str) -> bool:
    """Whether the link gives the file itself: a stored file, or an address ending with a
    file name (remote links are often a page about the data, which is no download)."""
    if resource.kind == Resource.Kind.FILE:
        return True
    name = urlsplit(link).path.rsplit("/", 1)[-1].lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    return bool(extension) and file_format(extension).downloadable \
        and file_format(extension) is not UNKNOWN_FORMAT


def add_distribution(graph: Graph, resource: Resource, dataset: Dataset,
                     licence: URIRef | BNode | None) -> URIRef:
    node = uris.distribution(resource, dataset.slug)
    fmt = file_format(resource.format)
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(resource.title, lang="fr")))
    if resource.description.strip():
        graph.add((node, DCTERMS.description, Literal(resource.description, lang="fr")))
    link = uris.file_url(resource.download_url)
    # The resource's page always gives access (preview, API, download link).
    access = link if link is not None else node
    graph.add((node, DCAT.accessURL, access))
    graph.add((access, RDF.type, RDFS.Resource))
    if link is not None and _is_download(resource, str(link)):
        graph.add((node, DCAT.downloadURL, link))
    if fmt.file_type:
        graph.add((node, DCTERMS.format, add_concept(
            graph, "file-type", fmt.file_type, fmt.file_type, (DCTERMS.MediaTypeOrExtent,))))
    media_type = add_media_type(graph, resource.media_type or fmt.media_type or "")
    if media_type is not None:
        graph.add((node, DCAT.mediaType, media_type))
    if resource.size is not None and resource.size >= 0:
        graph.add((node, DCAT.byteSize,
                   Literal(resource.size, datatype=XSD.nonNegativeInteger)))
    if resource.checksum:
        checksum = BNode(f"checksum-{resource.pk}")
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SHA256))
        graph.add((checksum, SPDX.checksumValue,
                   Literal(resource.checksum.lower(), datatype=XSD.hexBinary)))
        graph.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
        graph.add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    graph.add((node, DCTERMS.issued, timestamp(resource.created_at)))
    graph.add((node, DCTERMS.modified, timestamp(resource.modified_at)))
    if getattr(resource, "in_datastore", False):
        service = add_datastore_service(graph, resource, dataset, licence)
        graph.add((node, DCAT.accessService, service))
    return node
