"""schema.org `Dataset` markup for dataset pages, following Google's dataset guidelines
(https://developers.google.com/search/docs/appearance/structured-data/dataset)."""
from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from datasud.catalog.models import Dataset, Resource
from datasud.territories.models import Territory

from . import uris
from .locations import bbox_wkt
from .vocabularies import file_format

# What must never appear raw inside <script>: "</script>", "<!--" and friends.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


def _organisation(dataset: Dataset) -> dict:
    organisation = dataset.organisation
    node = {"@type": "Organization", "@id": str(uris.organisation(organisation)),
            "name": organisation.name, "url": str(uris.organisation(organisation))}
    if organisation.siren:
        node["identifier"] = organisation.siren
    return node


def _place(territory: Territory) -> dict:
    place = {"@type": "Place", "@id": str(uris.territory(territory)), "name": territory.name}
    bbox = territory.bbox
    if bbox and bbox_wkt(bbox):
        west, south, east, north = bbox
        # schema.org boxes are "south west north east" (lat lon lat lon).
        place["geo"] = {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"}
    return place


def _download(resource: Resource) -> dict | None:
    link = uris.file_url(resource.download_url)
    if link is None:
        return None
    fmt = file_format(resource.format)
    node = {"@type": "DataDownload", "name": resource.title, "contentUrl": str(link)}
    encoding = resource.media_type or fmt.media_type or resource.format
    if encoding:
        node["encodingFormat"] = encoding
    if resource.size is not None:
        node["contentSize"] = f"{resource.size} B"
    return node


def _temporal(dataset: Dataset) -> str | None:
    start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
    end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
    return None if start == end == ".." else f"{start}/{end}"


def dataset_markup(dataset: Dataset, resources, tags, territories) -> dict:
    """The schema.org description of a public dataset, as a JSON-LD dict."""
    url = str(uris.dataset(dataset))
    # Google requires 50 to 5,000 characters; short descriptions are completed.
    description = dataset.description.strip()
    if len(description) < 50:
        description = (f"{description} — " if description else "") + (
            f"« {dataset.title} », jeu de données publié par {dataset.organisation.name} "
            "sur DataSud, la plateforme des données ouvertes de la Région Sud.")
    markup = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "name": dataset.title,
        "description": description[:5000],
        "url": url,
        "identifier": url,
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "creator": _organisation(dataset),
        "publisher": _organisation(dataset),
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "DataSud",
                                  "url": str(uris.site())},
        "dateCreated": (dataset.published_at or dataset.created_at).isoformat(),
        "dateModified": dataset.modified_at.isoformat(),
    }
    keywords = [tag.name for tag in tags]
    if keywords:
        markup["keywords"] = keywords
    licence = dataset.licence
    if licence is not None:
        markup["license"] = licence.url or licence.title
    places = [_place(territory) for territory in territories]
    if places:
        markup["spatialCoverage"] = places if len(places) > 1 else places[0]
    temporal = _temporal(dataset)
    if temporal:
        markup["temporalCoverage"] = temporal
    downloads = [node for node in map(_download, resources) if node]
    if downloads:
        markup["distribution"] = downloads
    return markup


def script_tag(markup: dict) -> SafeString:
    """`markup` in a <script type="application/ld+json"> element that no text in it can
    close early: <, > and & are written as JSON escapes (\\u003C...)."""
    text = json.dumps(markup, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(  # noqa: S308 - every markup character is escaped above
        '<script type="application/ld+json">' + text.translate(_SCRIPT_ESCAPES)
        + "</script>")
