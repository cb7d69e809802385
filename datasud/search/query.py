"""What a search asks (`SearchQuery`) and what it answers (`SearchResult`, `FacetValue`).

Re-exported by `datasud.search.services`, which is where pages and the API import them from.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from datasud.catalog.models import Dataset

from .area import InvalidBBox, check_bbox
from .text import MAX_QUERY_LENGTH

# Sort names accepted from users -> dataset ordering; "relevance" needs a text query and
# falls back to "-modified" without one. The id breaks ties so that pages never overlap.
SORTS = {
    "relevance": None,
    "-modified": ("-modified_at", "-id"),
    "modified": ("modified_at", "id"),
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    # Metadata quality score (datasud/quality): best first; "-qualite" reverses it.
    "qualite": ("-quality_score", "-id"),
    "-qualite": ("quality_score", "id"),
}
DEFAULT_SORT = "-modified"
# How "relevance" ranks: "hybride" (default) expands the query with synonyms, ranks the
# words as typed first and corrects misspelt words when nothing matches them; "texte" is
# the plain full-text match and rank of the words as typed (kept to compare with).
RANKINGS = ("hybride", "texte")
DEFAULT_RANKING = "hybride"
FACETS = ["theme", "organisation", "tag", "licence", "format", "territory", "partner"]
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any real catalogue; keeps OFFSET within what databases accept.
MAX_PAGE = 100_000
# Values accepted per filter: more is abuse, not a search.
MAX_FILTER_VALUES = 50


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
    # Map area (west, south, east, north in WGS84): datasets whose extent intersects it.
    bbox: tuple[float, float, float, float] | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    # Archived datasets (no longer maintained) are left out unless asked for.
    include_archived: bool = False
    ranking: str = DEFAULT_RANKING
    # False: search the words as typed even if a correction would find more (the link
    # "Rechercher plutôt « ... »" after a corrected search).
    correct: bool = True

    def selected(self) -> dict[str, list[str]]:
        """Selected filter values per facet name (partner as "true" / "false")."""
        partner = [] if self.partner is None else ["true" if self.partner else "false"]
        return {"theme": self.themes, "organisation": self.organisations, "tag": self.tags,
                "licence": self.licences, "format": self.formats,
                "territory": self.territories, "partner": partner}

    def normalised(self) -> SearchQuery:
        """A copy safe to run: numbers clamped, lists deduplicated, unknown sort replaced."""
        return replace(
            self,
            q=str(self.q or "").strip()[:MAX_QUERY_LENGTH],
            themes=_values(self.themes),
            organisations=_values(self.organisations),
            tags=_values(self.tags, lower=True),
            licences=_values(self.licences),
            formats=_values(self.formats, lower=True),
            territories=_values(self.territories),
            partner=None if self.partner is None else bool(self.partner),
            bbox=_bbox(self.bbox),
            sort=self.sort if self.sort in SORTS else "relevance",
            page=min(max(_int(self.page, 1), 1), MAX_PAGE),
            page_size=min(max(_int(self.page_size, DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE),
            include_archived=bool(self.include_archived),
            ranking=self.ranking if self.ranking in RANKINGS else DEFAULT_RANKING,
            correct=bool(self.correct),
        )


def _bbox(value) -> tuple[float, float, float, float] | None:
    # Edges parse and explain bad areas (`area.parse_bbox`); here an unsound one is dropped.
    if value is None:
        return None
    try:
        return check_bbox(*value)
    except (InvalidBBox, TypeError, ValueError):
        return None


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _values(values, lower: bool = False) -> list[str]:
    if isinstance(values, str):  # a lone value passed where a list is expected
        values = [values]
    cleaned: list[str] = []
    for value in values or ():
        value = str(value).strip()
        value = value.lower() if lower else value
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned[:MAX_FILTER_VALUES]


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
    #: The sort actually applied ("relevance" becomes "-modified" without a text query).
    sort: str = DEFAULT_SORT
    #: True when no dataset had all the words and the results have any of them instead.
    relaxed: bool = False
    #: A spelling correction of the query ("" if none): with `corrected`, the query whose
    #: results these are (the one typed found nothing); without, a "did you mean".
    suggestion: str = ""
    corrected: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))
