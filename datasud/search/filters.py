"""Facet filters as querysets: AND between facets, OR within one facet.

Each filter is a `Q` on `Dataset` built from id subqueries, so that filtering on a
many-to-many relation never multiplies rows (no DISTINCT needed, counts stay exact).

For counting the facets of anonymous searches without text, the same filters are also
written as ranges of the index's facet rows (`indexed_set_sql`): sets of thousands of
public datasets are then intersected inside one narrow index instead of checking the
catalogue's rows one by one.
"""
from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import Q, QuerySet

from datasud.catalog.models import Dataset, Licence, Organisation, Tag, Theme
from datasud.territories.models import Territory

from .area import intersecting
from .models import DatasetFacet
from .query import SearchQuery


def _themes(values: list[str]) -> Q:
    through = Dataset.themes.through.objects.filter(theme__slug__in=values)
    return Q(id__in=through.values("dataset_id"))


def _tags(values: list[str]) -> Q:
    through = Dataset.tags.through.objects.filter(tag__name__in=values)
    return Q(id__in=through.values("dataset_id"))


def _formats(values: list[str]) -> Q:
    # The index's facet values, as the format facet counts them (one row per dataset and
    # format, where resources may be hundreds).
    return Q(id__in=DatasetFacet.objects.filter(facet="format", value__in=values)
             .values("dataset_id"))


def _partner(values: list[str]) -> Q:
    return Q(organisation__partnership_signed_on__isnull=values != ["true"])


def territory_ids_covering(keys: list[str]) -> QuerySet:
    """Ids of the territories `keys` name ("commune:13055"), and of all their ancestors.

    A dataset about a département is about each of its communes too: searching for a
    commune finds the datasets declared on it, on its EPCI, its département and the région.
    The hierarchy is three levels deep at most (commune < EPCI, département < région).
    Malformed or unknown keys match nothing.
    """
    # Starts false without being an empty IN (), which Django refuses to turn into SQL.
    wanted = Q(pk__isnull=True)
    for key in keys:
        level, _, code = key.partition(":")
        if level and code:
            wanted |= Q(level=level, code=code)
    selected = Territory.objects.filter(wanted).values("id")
    links = Territory.parents.through.objects
    parents = links.filter(from_territory_id__in=selected).values("to_territory_id")
    grandparents = links.filter(from_territory_id__in=parents).values("to_territory_id")
    return Territory.objects.filter(
        Q(id__in=selected) | Q(id__in=parents) | Q(id__in=grandparents)
    ).values("id")


def _territories(values: list[str]) -> Q:
    through = Dataset.territories.through.objects.filter(
        territory_id__in=territory_ids_covering(values)
    )
    return Q(id__in=through.values("dataset_id"))


FILTERS: dict[str, Callable[[list[str]], Q]] = {
    "theme": _themes,
    "organisation": lambda values: Q(organisation__slug__in=values),
    "tag": _tags,
    "licence": lambda values: Q(licence__slug__in=values),
    "format": _formats,
    "territory": _territories,
    "partner": _partner,
}


def filter_datasets(datasets: QuerySet, query: SearchQuery, skip: str | None = None) -> QuerySet:
    """`datasets` narrowed by every facet selected in `query`, except the facet `skip`.

    Leaving one facet's own filter out is what its counts are computed over, so that the
    other values of that facet keep meaningful counts once one is selected (OR within it).
    """
    for facet, values in query.selected().items():
        if values and facet != skip:
            datasets = datasets.filter(FILTERS[facet](values))
    if query.bbox is not None:  # not a facet: always applied
        datasets = datasets.filter(intersecting(query.bbox))
    return datasets


# How the selected values of a facet name their `DatasetFacet` values (ids as text).
_INDEXED_VALUES = {"theme": (Theme, "slug"), "organisation": (Organisation, "slug"),
                   "licence": (Licence, "slug"), "tag": (Tag, "name")}


def _indexed_values(facet: str, values: list[str],
                    memo: dict | None = None) -> tuple[str, str, list]:
    """The `DatasetFacet` facet and an SQL list of the values that `values` select.

    Ids are looked up first (a short query per facet) and written as values: PostgreSQL
    then knows how many datasets a value has, where a subquery hides it (it estimated a
    dozen datasets for a theme of 13,000 and read them all to sort a page). `memo` keeps
    them for the other statements of one search (its counts and its page).
    """
    if memo is None:
        return _look_up_values(facet, values)
    key = (facet, tuple(values))
    if key not in memo:
        memo[key] = _look_up_values(facet, values)
    return memo[key]


def _look_up_values(facet: str, values: list[str]) -> tuple[str, str, list]:
    if facet == "partner":
        # Non-partners are thousands of producers: a subquery, not a list.
        table = connection.ops.quote_name(Organisation._meta.db_table)
        signed = "IS NOT NULL" if values == ["true"] else "IS NULL"
        return ("organisation", f"SELECT CAST(id AS TEXT) FROM {table} "
                                f"WHERE partnership_signed_on {signed}", [])
    if facet == "format":
        found = list(values)
    elif facet == "territory":
        found = [str(pk) for pk in territory_ids_covering(values).values_list("id", flat=True)]
    else:
        # Plain SQL: the ORM took longer to build this query than the database to run it.
        model, column = _INDEXED_VALUES[facet]
        marks = ", ".join(["%s"] * len(values))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {connection.ops.quote_name(model._meta.db_table)} "
                           f"WHERE {connection.ops.quote_name(column)} IN ({marks})",
                           list(values))
            found = [str(row[0]) for row in cursor.fetchall()]
    if not found:
        return facet, "NULL", []  # `value IN (NULL)`: nothing
    return facet, ", ".join(["%s"] * len(found)), found


def indexed_ids_sql(query: SearchQuery, scopes: tuple[int, ...], skip: str | None = None,
                    memo: dict | None = None) -> tuple[str, list] | None:
    """SQL listing the ids (`dataset_id`) of the indexed datasets of `scopes`
    (`DatasetFacet.Scope`) that match the filters of `query` but `skip`'s, read from the
    index's facet rows alone; None without filters, or when a filter has no such rows (the
    map area).

    For anonymous visitors' counts, which trust the index's scopes as the running totals
    do: who may see a page of datasets is still decided by the catalogue (`Dataset.
    objects.visible_to`). Each filter is one range of the index (facet, value, scope), in
    dataset order: the first filter's range is read, the others probed for each of its
    datasets (or, on PostgreSQL, merged with it). A filter with one value drives where
    there is one: its range has no dataset twice, where a dataset with two of a filter's
    values would be listed twice (hence DISTINCT then). `memo`: see `_indexed_values`.
    """
    if query.bbox is not None:
        return None
    table = connection.ops.quote_name(DatasetFacet._meta.db_table)
    scope_marks = ", ".join(["%s"] * len(scopes))
    ranges = []
    for facet, values in query.selected().items():
        if values and facet != skip:
            # A territory stands for itself and the areas around it: several values.
            count = len(values) + (facet == "territory")
            ranges.append((facet, count, *_indexed_values(facet, values, memo)))
    if not ranges:
        return None
    ranges.sort(key=lambda found: found[1] != 1)  # a single value first (stable)
    facet, count, name, values_sql, params = ranges[0]
    repeats = count > 1 and facet in ("theme", "tag", "territory", "format")
    sql = (f"SELECT {'DISTINCT ' if repeats else ''}a.dataset_id FROM {table} a "
           f"WHERE a.facet = %s AND a.value IN ({values_sql}) AND a.scope IN ({scope_marks})")
    params = [name, *params, *scopes]
    for _, _, name, values_sql, values_params in ranges[1:]:
        sql += (f" AND EXISTS (SELECT 1 FROM {table} b WHERE b.dataset_id = a.dataset_id "
                f"AND b.facet = %s AND b.value IN ({values_sql}) AND b.scope IN ({scope_marks}))")
        params += [name, *values_params, *scopes]
    return sql, params


def indexed_checks_sql(query: SearchQuery, id_column: str,
                       probe: Callable[[str], str] = str,
                       memo: dict | None = None) -> tuple[str, list] | None:
    """An SQL condition checking that the dataset whose id is in `id_column` matches the
    filters of `query`, one probe of the index's facet rows per filter; None as for
    `indexed_ids_sql`.

    For reading a sorted page down an index of the catalogue when the filters keep many
    datasets: a few hundred datasets probed, where listing the filters' ranges would read
    thousands of rows. Sparse filters are the opposite case (see `_Search.page`). `probe`
    rewrites each probe's subquery where the database would turn it into a join (see
    `SearchBackend.probe`).
    """
    if query.bbox is not None:
        return None
    table = connection.ops.quote_name(DatasetFacet._meta.db_table)
    checks, params = [], []
    for facet, values in query.selected().items():
        if not values:
            continue
        name, values_sql, values_params = _indexed_values(facet, values, memo)
        checks.append("EXISTS (" + probe(
            f"SELECT 1 FROM {table} x WHERE x.dataset_id = {id_column} "
            f"AND x.facet = %s AND x.value IN ({values_sql})") + ")")
        params += [name, *values_params]
    if not checks:
        return None
    return " AND ".join(checks), params


def indexed_set_sql(query: SearchQuery, scopes: tuple[int, ...], skip: str | None = None,
                    producers: bool = True, memo: dict | None = None) -> tuple[str, list] | None:
    """SQL listing (id, organisation_id, licence_id) of the datasets of `indexed_ids_sql`;
    without `producers`, the last two are NULL (read from the index's rows in memory)."""
    found = indexed_ids_sql(query, scopes, skip, memo)
    if found is None:
        return None
    ids, params = found
    if not producers:
        return (f"SELECT s.dataset_id, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) "
                f"FROM ({ids}) AS s", params)
    table = connection.ops.quote_name(DatasetFacet._meta.db_table)
    # The producer and licence from the dataset's own rows of the index (one probe of
    # its unique index each), where the catalogue's row would be read past its text.
    return (f"SELECT s.dataset_id, (SELECT CAST(o.value AS BIGINT) FROM {table} o "
            f"WHERE o.dataset_id = s.dataset_id AND o.facet = 'organisation'), "
            f"(SELECT CAST(l.value AS BIGINT) FROM {table} l "
            f"WHERE l.dataset_id = s.dataset_id AND l.facet = 'licence') "
            f"FROM ({ids}) AS s", params)
