"""Dataset search: full text, facets, sort and pagination, for pages and API alike.

TEMPORARY naive implementation (icontains); the search helper replaces its internals with
the FTS5 / PostgreSQL backends, keeping `SearchQuery`, `SearchResult` and `search_datasets`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from datasud.catalog.models import Dataset

SORTS = {
    "relevance": None,
    "-modified": "-modified_at",
    "modified": "modified_at",
    "-created": "-created_at",
    "created": "created_at",
    "title": "title",
    "-title": "-title",
}
FACETS = ["theme", "organisation", "tag", "licence", "format", "territory", "partner"]


@dataclass
class SearchQuery:
    q: str = ""
    themes: list[str] = field(default_factory=list)          # Theme.slug
    organisations: list[str] = field(default_factory=list)   # Organisation.slug
    tags: list[str] = field(default_factory=list)            # Tag.name
    licences: list[str] = field(default_factory=list)        # Licence.slug
    formats: list[str] = field(default_factory=list)         # Resource.format
    territories: list[str] = field(default_factory=list)     # Territory.key "commune:13055"
    partner: bool | None = None                              # producer is a partner
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    datasets: list[Dataset]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def search_datasets(user, query: SearchQuery, facet_limit: int = 10) -> SearchResult:
    qs = Dataset.objects.visible_to(user)
    if query.q:
        qs = qs.filter(Q(title__icontains=query.q) | Q(description__icontains=query.q))
    if query.themes:
        qs = qs.filter(themes__slug__in=query.themes)
    if query.organisations:
        qs = qs.filter(organisation__slug__in=query.organisations)
    qs = qs.distinct()
    total = qs.count()
    order = SORTS.get(query.sort) or "-modified_at"
    start = (query.page - 1) * query.page_size
    datasets = list(qs.select_related("organisation", "licence")
                    .order_by(order)[start:start + query.page_size])
    facets = {
        "theme": [FacetValue(r["themes__slug"], r["themes__name"], r["n"])
                  for r in qs.values("themes__slug", "themes__name")
                  .annotate(n=Count("id")).order_by("-n")[:facet_limit] if r["themes__slug"]],
    }
    return SearchResult(datasets, total, query.page, query.page_size, facets)
