"""Template helpers of the base layout: which section of the site a page belongs to, links
that change one query parameter, and dates given as ISO text written as people read them."""
import datetime as dt

from django import template

from datasud.web.dates import format_date
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
    "datastore:reload": "datasets",
    "datastore:declare_schema": "datasets",
    "catalog:organisations": "organisations",
    "catalog:organisation": "organisations",
    "catalog:organisation_create": "organisations",
    "catalog:organisation_edit": "organisations",
    "catalog:organisation_join": "organisations",
    "catalog:organisation_members": "organisations",
    "catalog:member_add": "organisations",
    "catalog:member_role": "organisations",
    "catalog:member_remove": "organisations",
    "catalog:request_accept": "organisations",
    "catalog:request_refuse": "organisations",
    "catalog:reuses": "reuses",
    "catalog:reuse": "reuses",
    "catalog:reuse_create": "reuses",
    "catalog:reuse_edit": "reuses",
    "catalog:reuse_delete": "reuses",
    "territories:index": "territories",
    "territories:detail": "territories",
    # The pages of one's account, and those that lead to one (signing up or in, a forgotten
    # password): the "account" link shows only to signed-in people, who see it current.
    "accounts:account": "account",
    "accounts:token_create": "account",
    "accounts:token_revoke": "account",
    "accounts:account_delete": "account",
    "accounts:password_change": "account",
    "accounts:login": "account",
    "accounts:signup": "account",
    "accounts:signup_done": "account",
    "accounts:signup_resend": "account",
    "accounts:signup_confirm": "account",
    "accounts:password_reset": "account",
    "accounts:password_reset_done": "account",
    "accounts:password_reset_confirm": "account",
    "accounts:password_reset_complete": "account",
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


@register.filter
def iso_date(value) -> str:
    """A date given as ISO 8601 text (as the API's dicts carry them: "2027-09-06") written
    in the page's language ("6 septembre 2027"); anything else is returned unchanged."""
    try:
        return format_date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return value
