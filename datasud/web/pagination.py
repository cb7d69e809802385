"""Page links shared by every paginated page (search results, lists).

Links keep the rest of the query string (query, filters, sort) and change only the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


@dataclass
class PageLink:
    number: int | None  # None stands for a gap ("…")
    url: str = ""
    current: bool = False


@dataclass
class Pagination:
    page: int
    pages: int
    previous_url: str = ""
    next_url: str = ""
    links: list[PageLink] = field(default_factory=list)


def url_with(request: HttpRequest, **params) -> str:
    """The current query string with `params` replaced (a None value removes the key)."""
    query = request.GET.copy()
    for key, value in params.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


def pagination(request: HttpRequest, page: int, pages: int, window: int = 2) -> Pagination:
    """Links to the first and last pages and to `window` pages either side of `page`."""

    def url(number: int) -> str:
        return url_with(request, page=None if number == 1 else str(number))

    result = Pagination(page=page, pages=pages)
    if page > 1:
        result.previous_url = url(min(page - 1, pages))
    if page < pages:
        result.next_url = url(page + 1)
    shown = sorted({1, pages, *range(max(1, page - window), min(pages, page + window) + 1)})
    previous = 0
    for number in shown:
        if number - previous > 1:
            result.links.append(PageLink(None))
        result.links.append(PageLink(number, url(number), number == page))
        previous = number
    return result


def page_number(request: HttpRequest) -> int:
    """The `page` query parameter as a positive number (1 when absent or malformed)."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def paginate(request: HttpRequest, items, per_page: int = 20) -> tuple[Page, Pagination]:
    """The page of `items` the request asks for (the last one if past the end), and its
    links."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(page_number(request))
    return page, pagination(request, page.number, paginator.num_pages)
