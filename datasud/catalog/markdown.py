"""Descriptions written in Markdown by producers, turned into HTML safe to show on any page.

Producers' text is untrusted: the HTML Markdown produces (raw HTML included) goes through
nh3, which keeps a short list of harmless tags, drops scripts, styles, event handlers and
`javascript:` URLs, and marks every link `rel="nofollow noopener"`.
"""
from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Markdown's headings start at <h1>, but on a page the description sits under the page's
# <h1> and its section's <h2>: "# Titre" becomes <h3>, and so on, down to <h6>.
_HEADING = re.compile(r"<(/?)h([1-6])(\s|>)", re.IGNORECASE)


def _shift_heading(match: re.Match) -> str:
    level = min(int(match.group(2)) + 2, 6)
    return f"<{match.group(1)}h{level}{match.group(3)}"


def render_markdown(text: str | None) -> SafeString:
    """HTML of the Markdown `text`, sanitised: safe to insert in a page as it is."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"],
                                 output_format="html")
    html = _HEADING.sub(_shift_heading, html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
    return mark_safe(cleaned)  # sanitised by nh3 just above


def markdown_excerpt(text: str | None, length: int = 220) -> str:
    """Plain text of the Markdown `text`, cut at `length` characters (for result lists)."""
    if not text:
        return ""
    plain = " ".join(strip_tags(render_markdown(text)).split())
    return Truncator(plain).chars(length)
