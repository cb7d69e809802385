"""package_search: CKAN's search parameters translated for the platform search
(`search.services.search_datasets`), so that results, ranking, facets and visibility are
those of the web page."""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset, Organisation
from datasud.search.area import InvalidBBox, parse_bbox
from datasud.search.query import MAX_PAGE, MAX_PAGE_SIZE
from datasud.search.services import SearchQuery, search_datasets

from .. import dictize, ids, solr_query
from ..context import Context
from ..errors import SearchQueryError
from ..params import as_bool, as_int, json_list, names_list, optional_str

DEFAULT_SORT = "score desc, metadata_modified desc"
# CKAN's ckan.search.rows_max and its default page.
ROWS_MAX = 1000
DEFAULT_ROWS = 10
DEFAULT_FACET_LIMIT = 50
# facet.limit=-1 means "all values"; counting stays bounded.
ALL_FACET_VALUES = 1000
#: CKAN facet field -> the platform search's facet.
FACETS = {"organization": "organisation", "groups": "theme", "tags": "tag",
          "res_format": "format", "license_id": "licence"}
#: CKAN sort field -> (ascending, descending) platform sort.
SORTS = {
    "score": (None, "relevance"),
    "metadata_modified": ("modified", "-modified"),
    "metadata_created": ("created", "-created"),
    "title_string": ("title", "-title"),
    "title": ("title", "-title"),
    # Names are made from titles: the title order is the closest the search offers.
    "name": ("title", "-title"),
    # Harvesters page through a catalogue sorted by id to get a stable order; ours are
    # opaque, so creation order (by date, then row id) is what they get: new datasets come
    # last and never shift the pages already read.
    "id": ("created", "-created"),
    # DataSud's metadata quality score (datasud/quality): "qualite desc" is best first.
    "qualite": ("-qualite", "qualite"),
}


def _sort(text: str, has_text: bool) -> str:
    """The platform sort of a CKAN `sort` ("metadata_modified desc, name asc")."""
    keys = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        name, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if name not in SORTS or len(words) > 2 or direction not in ("asc", "desc"):
            raise SearchQueryError(_("tri « %(s)s » non pris en charge (champs : %(f)s, "
                                     "suivis de asc ou desc).")
                                   % {"s": part.strip(), "f": ", ".join(SORTS)})
        sort = SORTS[name][direction == "desc"]
        if sort is None:
            raise SearchQueryError(_("« score asc » n'est pas pris en charge."))
        keys.append(sort)
    if not keys:
        return "relevance"
    # Without words, relevance means nothing: the next key says what the client wants.
    if keys[0] == "relevance" and not has_text and len(keys) > 1:
        return keys[1]
    return keys[0]


def _translate(data: dict) -> tuple[str, solr_query.Translation]:
    """The free text and the filters that q, fq and fq_list ask for together."""
    q = optional_str(data, "q").strip()
    parts, words = [], []
    if q and solr_query.has_fields(q):
        parts.append(solr_query.translate(q, "q", allow_text=True))
    elif q:
        words.append(q)  # plain words: the platform search reads them as the web page does
    fq = optional_str(data, "fq").strip()
    if fq:
        parts.append(solr_query.translate(fq))
    for item in _fq_list(data):
        parts.append(solr_query.translate(item, "fq_list"))
    combined = solr_query.combine(parts)
    return " ".join(words + combined.text).strip(), combined


def _fq_list(data: dict) -> list[str]:
    value = data.get("fq_list")
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return [value]  # one fq sent as a query parameter
    return json_list(data, "fq_list")


def _organisation_names(values: set[str]) -> list[str]:
    """`owner_org` values are ids; the search filters organisations by name."""
    names = []
    for value in values:
        pk = ids.parse(ids.ORGANISATION, value)
        if pk is not None:
            value = Organisation.objects.filter(pk=pk).values_list("slug", flat=True).first() \
                or value
        names.append(value)
    return names


def _facets(result_facets: dict, fields: list[str], mincount: int) -> tuple[dict, dict]:
    facets, search_facets = {}, {}
    for name in fields:
        values = [v for v in result_facets.get(FACETS[name], []) if v.count >= mincount]
        items = [{"name": dictize.ckan_format(v.value) if name == "res_format" else v.value,
                  "display_name": v.label, "count": v.count} for v in values]
        facets[name] = {item["name"]: item["count"] for item in items}
        search_facets[name] = {"title": name, "items": items}
    return facets, search_facets


def package_search(ctx: Context, data: dict) -> dict:
    """Search datasets: q, fq (Solr subset), rows, start, sort, facet.field, facet.limit,
    facet.mincount, include_private (and include_drafts), include_archived, fl, and
    ckanext-spatial's ext_bbox (minx,miny,maxx,maxy in WGS84)."""
    rows = as_int(data, "rows", DEFAULT_ROWS, maximum=ROWS_MAX)
    start = as_int(data, "start", 0)
    sort_text = optional_str(data, "sort").strip() or DEFAULT_SORT
    facet_fields = json_list(data, "facet.field") if as_bool(data, "facet", True) else []
    unknown = [f for f in facet_fields if f not in FACETS]
    if unknown:
        raise SearchQueryError(_("facette non prise en charge : %(f)s (facettes : %(k)s).")
                               % {"f": ", ".join(unknown), "k": ", ".join(FACETS)})
    facet_limit = as_int(data, "facet.limit", DEFAULT_FACET_LIMIT, minimum=-1)
    facet_limit = ALL_FACET_VALUES if facet_limit < 0 else min(facet_limit, ALL_FACET_VALUES)
    mincount = as_int(data, "facet.mincount", 1)
    # Without include_private, CKAN shows the public catalogue to everybody; with it, what
    # the user may see: here, exactly the web page's search for them.
    own_view = as_bool(data, "include_private") or as_bool(data, "include_drafts")
    user = ctx.user if own_view else AnonymousUser()
    fl = names_list(data, "fl")
    text, translated = _translate(data)
    sort = _sort(sort_text, bool(text))
    try:
        bbox = parse_bbox(optional_str(data, "ext_bbox"))
    except InvalidBBox as exc:
        raise SearchQueryError(_("ext_bbox invalide : %(m)s") % {"m": exc}) from None
    empty_facets = _facets({}, facet_fields, mincount)
    if translated.matches_nothing:
        return {"count": 0, "results": [], "sort": sort_text, "facets": empty_facets[0],
                "search_facets": empty_facets[1]}
    filters = translated.filters
    query = SearchQuery(
        q=text, themes=sorted(filters.get("themes", ())),
        organisations=_organisation_names(filters.get("organisations", set())),
        tags=sorted(filters.get("tags", ())), licences=sorted(filters.get("licences", ())),
        formats=sorted(filters.get("formats", ())), sort=sort, bbox=bbox,
        include_archived=as_bool(data, "include_archived"),
        # CKAN's answer has no field saying that the query was corrected: never correct.
        correct=False)
    found, total, facets = _window(user, query, start, rows,
                                   facet_limit if facet_fields else 0)
    facets_out, search_facets = _facets(facets, facet_fields, mincount)
    loaded = {d.pk: d for d in dictize.with_related(Dataset.objects.filter(pk__in=found))}
    results = dictize.package_dicts(ctx, [loaded[pk] for pk in found if pk in loaded])
    if fl:
        results = [{key: item.get(key) for key in fl} for item in results]
    return {"count": total, "results": results, "sort": sort_text, "facets": facets_out,
            "search_facets": search_facets}


def _window(user, query: SearchQuery, start: int, rows: int,
            facet_limit: int) -> tuple[list[int], int, dict]:
    """Ids of results start..start+rows, the total and the facets, from the search's pages
    (which are aligned on their size: an arbitrary window takes one to a few of them)."""
    size = min(max(rows, 1), MAX_PAGE_SIZE)
    first = start // size + 1
    last = (start + max(rows, 1) - 1) // size + 1
    if last > MAX_PAGE:  # beyond any real catalogue: nothing there, but count anyway
        result = search_datasets(user, _page(query, 1, 1), facet_limit=facet_limit)
        return [], result.total, result.facets
    found: list[int] = []
    total, facets = 0, {}
    for number in range(first, last + 1):
        result = search_datasets(user, _page(query, number, size),
                                 facet_limit=facet_limit if number == first else 0)
        if number == first:
            total, facets = result.total, result.facets
        found += [d.pk for d in result.datasets]
        if len(result.datasets) < size:
            break
    skip = start - (first - 1) * size
    return found[skip:skip + rows], total, facets


def _page(query: SearchQuery, page: int, size: int) -> SearchQuery:
    return SearchQuery(**{**query.__dict__, "page": page, "page_size": size})
