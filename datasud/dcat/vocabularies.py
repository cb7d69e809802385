"""Controlled vocabularies of DCAT-AP: the EU Publications Office authority tables and IANA
media types, and how DataSud's own values map onto them.

Sources (checked January 2026):
- data themes: http://publications.europa.eu/resource/authority/data-theme (13 concepts);
- file types: http://publications.europa.eu/resource/authority/file-type;
- frequencies: http://publications.europa.eu/resource/authority/frequency (the same mapping
  as udata, data.gouv.fr's software, `EU_RDF_REQUENCIES`);
- licences: http://publications.europa.eu/resource/authority/licence (`ETALAB_2_0` is the
  Licence Ouverte 2.0, `ODC_BL` the ODbL);
- languages, access rights: .../language/FRA, .../access-right/PUBLIC;
- media types: https://www.iana.org/assignments/media-types/ (registered types only).
The tables are documented in docs/dcat.md; a value with no match is left out of the RDF
rather than written with a made-up URI (the SHACL shapes would reject it anyway).
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from .namespaces import DCTERMS, EU_AUTHORITY, IANA_MEDIA_TYPES, RDF, SKOS

DATA_THEMES = {
    "AGRI": "Agriculture, pêche, sylviculture et alimentation",
    "ECON": "Économie et finances",
    "EDUC": "Éducation, culture et sport",
    "ENER": "Énergie",
    "ENVI": "Environnement",
    "GOVE": "Gouvernement et secteur public",
    "HEAL": "Santé",
    "INTR": "Questions internationales",
    "JUST": "Justice, système juridique et sécurité publique",
    "REGI": "Régions et villes",
    "SOCI": "Population et société",
    "TECH": "Science et technologie",
    "TRAN": "Transports",
}

# The 16 DataSud themes (catalog/data/themes.json) → EU data themes, most specific first.
THEME_TO_EU = {
    "administration-et-action-publique": ["GOVE"],
    "agriculture-sylviculture-et-peche": ["AGRI"],
    "amenagement-et-urbanisme": ["REGI"],
    "citoyennete-et-democratie": ["GOVE", "SOCI"],
    "culture-patrimoine-et-tourisme": ["EDUC", "ECON"],
    "economie-et-entreprises": ["ECON"],
    "energies-et-reseaux": ["ENER"],
    "environnement-et-climat": ["ENVI"],
    "equipements-batiments-et-logement": ["REGI", "SOCI"],
    "formation-education-et-emploi": ["EDUC", "SOCI"],
    "imagerie-et-occupation-du-sol": ["ENVI", "REGI"],
    "limites-administratives-et-referentiels": ["REGI", "GOVE"],
    "mer-littoral-et-montagne": ["ENVI", "REGI"],
    "mobilite-et-transports": ["TRAN"],
    "sciences-recherche-et-innovation": ["TECH"],
    "social-sante-et-sports": ["HEAL", "SOCI", "EDUC"],
}

# Dataset.Frequency → EU frequency, with its French label.
FREQUENCY_TO_EU = {
    "unknown": ("UNKNOWN", "inconnue"),
    "continuous": ("CONT", "continue"),
    "daily": ("DAILY", "quotidienne"),
    "weekly": ("WEEKLY", "hebdomadaire"),
    "monthly": ("MONTHLY", "mensuelle"),
    "quarterly": ("QUARTERLY", "trimestrielle"),
    "semiannual": ("ANNUAL_2", "semestrielle"),
    "annual": ("ANNUAL", "annuelle"),
    "biennial": ("BIENNIAL", "biennale"),
    "irregular": ("IRREG", "irrégulière"),
    # A one-off publication is never updated: udata maps NEVER to "punctual" too.
    "punctual": ("NEVER", "jamais"),
}

# Licence slugs (catalog/data/licences.json) → EU licence. The others (Licence Ouverte 1.0,
# "other-*", "notspecified") have no EU concept: their own address is used, if any.
LICENCE_TO_EU = {
    "lov2": "ETALAB_2_0",
    "odc-odbl": "ODC_BL",
    "odc-by": "ODC_BY",
    "odc-pddl": "ODC_PDDL",
    "cc-by": "CC_BY_4_0",
    "cc-by-sa": "CC_BYSA_4_0",
    "cc-zero": "CC0",
}


@dataclass(frozen=True)
class FileFormat:
    file_type: str | None  # code in the EU file-type table
    media_type: str | None  # registered IANA media type
    # False for what is not a file to download: web pages, map and feature services...
    downloadable: bool = True


FORMATS = {
    "7z": FileFormat("7Z", None),
    "csv": FileFormat("CSV", "text/csv"),
    "doc": FileFormat("DOC", "application/msword"),
    "docx": FileFormat(
        "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "geojson": FileFormat("GEOJSON", "application/geo+json"),
    "geotiff": FileFormat("GEOTIFF", "image/tiff"),
    "gml": FileFormat("GML", "application/gml+xml"),
    "gpkg": FileFormat("GPKG", "application/geopackage+sqlite3"),
    "gpx": FileFormat("GPX", None),
    "gtfs": FileFormat("GTFS", "application/zip"),
    "gtfs-rt": FileFormat(None, None, downloadable=False),
    "html": FileFormat("HTML", "text/html", downloadable=False),
    "jpeg": FileFormat("JPEG", "image/jpeg"),
    "json": FileFormat("JSON", "application/json"),
    "jsonl": FileFormat(None, None),
    "kml": FileFormat("KML", "application/vnd.google-earth.kml+xml"),
    "kmz": FileFormat("KMZ", "application/vnd.google-earth.kmz"),
    "las": FileFormat("LAS", None),
    "laz": FileFormat("LAZ", None),
    "ods": FileFormat("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "odt": FileFormat("ODT", "application/vnd.oasis.opendocument.text"),
    "parquet": FileFormat("PARQUET", "application/vnd.apache.parquet"),
    "pdf": FileFormat("PDF", "application/pdf"),
    "png": FileFormat("PNG", "image/png"),
    "rdf": FileFormat("RDF_XML", "application/rdf+xml"),
    "shp": FileFormat("SHP", None),
    "svg": FileFormat("SVG", "image/svg+xml"),
    "tab": FileFormat("TAB", None),
    "tiff": FileFormat("TIFF", "image/tiff"),
    "tsv": FileFormat("TSV", "text/tab-separated-values"),
    "txt": FileFormat("TXT", "text/plain"),
    "wfs": FileFormat("WFS_SRVC", None, downloadable=False),
    "wms": FileFormat("WMS_SRVC", None, downloadable=False),
    "wmts": FileFormat("WMTS_SRVC", None, downloadable=False),
    "xls": FileFormat("XLS", "application/vnd.ms-excel"),
    "xlsx": FileFormat(
        "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xml": FileFormat("XML", "application/xml"),
    "zip": FileFormat("ZIP", "application/zip"),
}
# Other names under which catalogues give the same formats.
FORMAT_ALIASES = {
    "excel non structuré": "xls", "microsoft word": "doc", "jpg": "jpeg", "tif": "tiff",
    "geo+json": "geojson", "shapefile": "shp", "esri shapefile": "shp", "text": "txt",
    "xlsm": "xlsx", "ndjson": "jsonl",
}
UNKNOWN_FORMAT = FileFormat(None, None)


def file_format(name: str) -> FileFormat:
    key = (name or "").strip().lower()
    return FORMATS.get(FORMAT_ALIASES.get(key, key), UNKNOWN_FORMAT)


def iana_uri(media_type: str) -> URIRef | None:
    """The IANA page of a `type/subtype` media type (parameters dropped), or None."""
    base = (media_type or "").split(";")[0].strip().lower()
    kind, _, subtype = base.partition("/")
    if not kind or not subtype or kind.startswith("x-") or subtype.startswith("x-") \
            or not all(c.isalnum() or c in "+-._" for c in kind + subtype):
        return None
    return URIRef(f"{IANA_MEDIA_TYPES}{kind}/{subtype}")


SCHEME_TITLES = {
    "access-right": "Access right", "data-theme": "Data theme", "file-type": "File type",
    "frequency": "Frequency", "language": "Language", "licence": "Licence",
}


def authority_uri(table: str, code: str) -> URIRef:
    return URIRef(f"{EU_AUTHORITY}{table}/{code}")


def add_concept(graph: Graph, table: str, code: str, label: str,
                classes: tuple[URIRef, ...] = ()) -> URIRef:
    """Describe an authority-table concept (its scheme, label and classes) and return it.

    Harvesters resolve these URIs themselves; the description is there so that the
    document validates on its own against the DCAT-AP range and vocabulary shapes.
    """
    concept = authority_uri(table, code)
    scheme = URIRef(f"{EU_AUTHORITY}{table}")
    graph.add((concept, RDF.type, SKOS.Concept))
    for cls in classes:
        graph.add((concept, RDF.type, cls))
    graph.add((concept, SKOS.inScheme, scheme))
    graph.add((concept, SKOS.prefLabel, Literal(label, lang="fr")))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal(SCHEME_TITLES.get(table, table), lang="en")))
    return concept


def add_media_type(graph: Graph, media_type: str) -> URIRef | None:
    uri = iana_uri(media_type)
    if uri is not None:
        graph.add((uri, RDF.type, DCTERMS.MediaType))
    return uri
