"""The column search page: /colonnes/?q=siret lists the datasets with such a column."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from datasud.web.pagination import page_number, pagination

from .columns import ColumnQueryError, search_columns
from .kinds import KINDS

PAGE_SIZE = 20
MAX_PAGE = 10_000
# Examples offered on the empty page: what reusers look for most.
EXAMPLES = ["code INSEE", "SIRET", "code postal", "latitude", "date", "courriel"]


def column_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    context = {"query": query, "examples": EXAMPLES, "kinds": KINDS, "result": None, "error": None}
    status = 200
    if query.strip():
        page = min(page_number(request), MAX_PAGE)
        try:
            result = search_columns(request.user, query, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        except ColumnQueryError as exc:
            context["error"] = str(exc)
            status = 400
        else:
            context["result"] = result
            pages = max(1, -(-result.total // PAGE_SIZE))
            context["pagination"] = pagination(request, page, pages)
    return render(request, "discovery/column_search.html", context, status=status)
