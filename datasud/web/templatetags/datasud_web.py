"""Template helpers of the base layout: which section of the site a page belongs to, and
links that change one query parameter."""
from django import template

from datasud.web.pagination import url_with

register = template.Library()

# url_name -> section of the main navigation it belongs to.
SECTIONS = {
    "catalog:search": "datasets",
    "catalog:dataset": "datasets",
    "catalog:dataset_create": "datasets",
    "catalog:dataset_edit": "datasets",
    "catalog:dataset_delete": "datasets",
    "catalog:resource_add": "datasets",
    "catalog:resource_edit": "datasets",
    "catalog:resource_delete": "datasets",
    "datastore:resource": "datasets",
    "catalog:organisations": "organisations",
    "catalog:organisation": "organisations",
    "catalog:reuses": "reuses",
    "catalog:reuse": "reuses",
    "catalog:reuse_create": "reuses",
    "territories:index": "territories",
    "territories:detail": "territories",
    "accounts:account": "account",
    "accounts:token_create": "account",
}
# The list page of each section: there the link is the current page, elsewhere its section.
SECTION_HOMES = {"catalog:search", "catalog:organisations", "catalog:reuses",
                 "territories:index", "accounts:account"}


@register.simple_tag
def nav_current(request, section: str) -> str:
    """The value of `aria-current` for the navigation link of `section` ("" if none)."""
    match = getattr(request, "resolver_match", None) if request else None
    if match is None:
        return ""
    if SECTIONS.get(match.view_name) != section:
        return ""
    return "page" if match.view_name in SECTION_HOMES else "true"


@register.simple_tag(takes_context=True)
def query_with(context, **params) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    return url_with(context["request"], **params)
