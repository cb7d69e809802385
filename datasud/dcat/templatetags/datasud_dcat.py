"""Template tags of the linked-data app: schema.org markup and RDF alternate links."""
from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..negotiation import FORMATS
from ..schemaorg import dataset_markup, script_tag

register = template.Library()


@register.simple_tag
def dataset_schemaorg(dataset, resources, tags, territories) -> SafeString:
    """`<script type="application/ld+json">` with the schema.org Dataset, for public
    datasets only (drafts and private datasets are not for search engines)."""
    if not dataset.is_public:
        return SafeString("")
    return script_tag(dataset_markup(dataset, resources, tags, territories))


@register.simple_tag
def dataset_rdf_links(dataset) -> SafeString:
    """`<link rel="alternate">` to the dataset's Turtle, JSON-LD and RDF/XML."""
    if not dataset.is_public:
        return SafeString("")
    return format_html_join("\n", '<link rel="alternate" type="{}" href="{}">', (
        (fmt.media_type, reverse("dcat:dataset_format", args=[dataset.slug, key]))
        for key, fmt in FORMATS.items()))


@register.simple_tag
def site_discovery_links() -> SafeString:
    """OpenSearch description and the catalogue in DCAT, for every page's <head>."""
    return format_html(
        '<link rel="search" type="application/opensearchdescription+xml" title="DataSud" '
        'href="{}">\n<link rel="alternate" type="text/turtle" title="Catalogue DCAT-AP" '
        'href="{}">', reverse("dcat:opensearch"), reverse("dcat:catalogue_format",
                                                            args=["ttl"]))
