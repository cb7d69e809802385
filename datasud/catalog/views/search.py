"""The dataset search page: a GET form (query, facets, sort) that works without JavaScript."""
from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from datasud.catalog.models import Theme
from datasud.search.area import BBox, InvalidBBox, format_bbox, parse_bbox
from datasud.search.services import RANKINGS, SORTS, FacetValue, SearchQuery, search_datasets
from datasud.web.pagination import page_number, pagination

PAGE_SIZE = 20
FACET_LIMIT = 10
# Query parameter of each facet -> (SearchQuery field, legend). The order is the page's.
FACET_PARAMS = {
    "theme": ("themes", _("Thèmes")),
    "organisation": ("organisations", _("Producteurs")),
    "territory": ("territories", _("Territoires")),
    "tag": ("tags", _("Mots-clés")),
    "format": ("formats", _("Formats")),
    "licence": ("licences", _("Licences")),
    "partner": ("partner", _("Partenariat")),
}
SORT_LABELS = {
    "relevance": _("Pertinence"),
    "-modified": _("Mis à jour récemment"),
    "modified": _("Mis à jour il y a longtemps"),
    "-created": _("Ajoutés récemment"),
    "created": _("Ajoutés il y a longtemps"),
    "title": _("Titre, de A à Z"),
    "-title": _("Titre, de Z à A"),
    "qualite": _("Meilleure qualité des métadonnées"),
}
RANKING_LABELS = {
    "hybride": _("Pertinence (synonymes, fautes de frappe)"),
    "texte": _("Texte seul (mots tels que saisis)"),
}
# The map area's four fields of the form (the `bbox` parameter says the same in one).
AREA_FIELDS = ("west", "south", "east", "north")
AREA_LABELS = {"west": _("Ouest (longitude)"), "south": _("Sud (latitude)"),
               "east": _("Est (longitude)"), "north": _("Nord (latitude)")}
PARTNER_LABELS = {"true": _("Producteurs partenaires"), "false": _("Autres producteurs")}


@dataclass
class Facet:
    param: str
    legend: str
    values: list[FacetValue]


@dataclass
class ActiveFilter:
    legend: str
    label: str
    remove_url: str


def search_query(request: HttpRequest) -> SearchQuery:
    """The search the query string asks for (unknown or malformed values are ignored)."""
    get = request.GET
    partner_values = set(get.getlist("partner")) & {"true", "false"}
    sort = get.get("sort", "relevance")
    ranking = get.get("ranking", "hybride")
    return SearchQuery(
        q=get.get("q", ""),
        themes=get.getlist("theme"),
        organisations=get.getlist("organisation"),
        tags=get.getlist("tag"),
        licences=get.getlist("licence"),
        formats=get.getlist("format"),
        territories=get.getlist("territory"),
        # Both boxes ticked means no filter, as with any other facet.
        partner=(partner_values == {"true"}) if len(partner_values) == 1 else None,
        sort=sort if sort in SORTS else "relevance",
        page=page_number(request),
        page_size=PAGE_SIZE,
        ranking=ranking if ranking in RANKINGS else "hybride",
        correct=get.get("correct", "") not in ("0", "false", "non"),
    )


def search_area(request: HttpRequest) -> tuple[BBox | None, str]:
    """The map area asked (`bbox=ouest,sud,est,nord`, or the form's four fields), and the
    French message explaining why it cannot be read ("" when fine)."""
    get = request.GET
    edges = [get.get(name, "").strip() for name in AREA_FIELDS]
    try:
        if get.get("bbox", "").strip():
            return parse_bbox(get["bbox"]), ""
        if not any(edges):
            return None, ""
        if not all(edges):
            raise InvalidBBox(_("Indiquez les quatre limites de la zone (ouest, sud, est, "
                                "nord)."))
        # A decimal comma is what French keyboards type.
        return parse_bbox(",".join(edge.replace(",", ".") for edge in edges)), ""
    except InvalidBBox as exc:
        return None, str(exc)


def _without_area(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in ("bbox", *AREA_FIELDS, "page"):
        query.pop(name, None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def _without(request: HttpRequest, param: str, value: str) -> str:
    query = request.GET.copy()
    query.setlist(param, [v for v in query.getlist(param) if v != value])
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def _with_query(request: HttpRequest, q: str, correct: bool) -> str:
    """This search, for the text `q` (never corrected if not `correct`), from page 1."""
    query = request.GET.copy()
    query["q"] = q
    query.pop("page", None)
    query.pop("correct", None)
    if not correct:
        query["correct"] = "0"
    return f"{request.path}?{query.urlencode()}"


def _facets(found: dict[str, list[FacetValue]]) -> list[Facet]:
    english = (get_language() or "").startswith("en")
    theme_names = dict(Theme.objects.exclude(name_en="").values_list("slug", "name_en")) \
        if english else {}
    facets = []
    for param, (_field, legend) in FACET_PARAMS.items():
        values = found.get(param, [])
        for value in values:
            if param == "partner":
                value.label = str(PARTNER_LABELS.get(value.value, value.value))
            elif param == "theme":
                value.label = theme_names.get(value.value, value.label)
        facets.append(Facet(param=param, legend=str(legend), values=values))
    return facets


def search(request: HttpRequest) -> HttpResponse:
    # "colonne:siret" asks for datasets by the columns of their tables (datasud/discovery).
    if request.GET.get("q", "").strip().lower().startswith("colonne:"):
        return redirect(f"{reverse('discovery:columns')}?"
                        f"{urlencode({'q': request.GET['q'].strip()})}")
    query = search_query(request)
    bbox, area_error = search_area(request)
    query = replace(query, bbox=bbox)
    result = search_datasets(request.user, query, facet_limit=FACET_LIMIT)
    facets = _facets(result.facets)
    active = [ActiveFilter(facet.legend, value.label, _without(request, facet.param, value.value))
              for facet in facets for value in facet.values if value.selected]
    if bbox is not None:
        active.append(ActiveFilter(str(_("Zone géographique")), _area_label(bbox),
                                   _without_area(request)))
    # The form shows the area asked, as typed when it could not be read.
    values = ([repr(value) for value in bbox] if bbox
              else [request.GET.get(name, "") for name in AREA_FIELDS])
    return render(request, "catalog/search.html", {
        "area_fields": [(name, AREA_LABELS[name], value)
                        for name, value in zip(AREA_FIELDS, values, strict=True)],
        "area_bbox": format_bbox(bbox) if bbox else "",
        "area_remove_url": _without_area(request) if bbox else "",
        "area_error": area_error,
        "query": query,
        "result": result,
        "facets": [facet for facet in facets if facet.values],
        "active_filters": active,
        "sorts": [(name, SORT_LABELS[name]) for name in SORTS if name in SORT_LABELS],
        "rankings": [(name, RANKING_LABELS[name]) for name in RANKINGS],
        # "Résultats pour « corrigé ». Rechercher plutôt « saisi »", or "Vouliez-vous dire".
        "typed_url": _with_query(request, query.q, correct=False) if result.corrected else "",
        "suggestion_url": (_with_query(request, result.suggestion, correct=True)
                           if result.suggestion and not result.corrected else ""),
        "pagination": pagination(request, result.page, result.pages),
        "clear_url": f"{request.path}?{urlencode({'q': query.q})}" if query.q else request.path,
    }, status=400 if area_error else 200)


def _area_label(bbox: BBox) -> str:
    # Decimal comma in French: number_format follows the page's language.
    west, south, east, north = (number_format(round(value, 4)) for value in bbox)
    return _("longitude %(w)s à %(e)s ; latitude %(s)s à %(n)s") % {
        "w": west, "e": east, "s": south, "n": north}
