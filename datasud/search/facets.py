"""Facet counts: the total and every facet's top values, labelled in one SQL statement.

Values are counted over `DatasetFacet`, one narrow row per dataset and facet value written
by the indexer, in one pass per set of datasets. The sets are prepared by `services` as
common table expressions: `base`, the matching datasets, plus `base_<facet>` for a facet
with selected values, which leaves that facet's own filter out (with theme A ticked, theme B
still shows how many datasets ticking it too would add). The full-text match and the
visibility rules are thus evaluated once per set, whatever the number of facets.

A set that is the whole public catalogue (no text, no other filter, an anonymous search)
need not be listed at all: its counts are read from `FacetCount`, the indexer's running
totals per public scope, and only each facet's biggest values, from an index sorted by
count: the same few rows whatever the size of the catalogue. A signed-in user's whole
catalogue is the public one plus the drafts and private datasets they may see (`extra`,
listed and counted live, and added to the totals): the two never overlap.

Likewise an anonymous set narrowed by one value of a theme, producer, licence or format
(and nothing else) is read from `FacetPairCount`, the indexer's totals within each such
value: browsing a theme, or the "other values" set of each facet of a two-filter search.

The other sets are listed (text matches, filters no total gives, a signed-in user's view).
When the process holds the index's facet rows in memory (`columns`, for the index's
current token), a first statement lists those sets and they are counted there
(`_counted_in_memory`); the statement of the labels then reads their counts as rows.
Without it, they are counted in SQL, in the one statement.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils.translation import gettext

from datasud.catalog.models import Licence, Organisation, Tag, Theme
from datasud.territories.models import Territory

from .backends import SearchBackend
from .columns import FacetColumns, top_codes
from .models import DatasetFacet, FacetCount, FacetPairCount
from .query import FACETS, FacetValue
from .text import unaccent

BASE = "base"
# Facets counted from `DatasetFacet` rows when listing the matching datasets.
LINKED = ["theme", "tag", "format", "territory"]
# How a selected value (slug, name, "level:code") names its `DatasetFacet.value` (an id).
SELECTED_IDS = {
    "theme": (Theme, "slug"),
    "organisation": (Organisation, "slug"),
    "licence": (Licence, "slug"),
    "tag": (Tag, "name"),
    "territory": (Territory, "level || ':' || code"),
}
PARTNER = "CASE WHEN o.partnership_signed_on IS NULL THEN 'false' ELSE 'true' END"
# A CTE of the partner producers' ids as facet values, listed once per statement: joined
# per row of the totals instead, SQLite (without statistics) and PostgreSQL (unsure how many
# rows one value has within another) read every producer for each of hundreds of rows.
PARTNERS = "search_partners"


@dataclass
class Counted:
    """A set of datasets to count facets over: a CTE listing them (`cte`, named after it,
    with columns id, organisation_id, licence_id), or the public catalogue of `scopes`,
    read from `FacetCount`, plus, if given, the datasets of the CTE `extra` (none of them
    in those scopes); the total is then the size of `extra` plus that of `public`, SQL
    and parameters listing the public datasets of those scopes from the catalogue."""

    cte: str | None = None
    scopes: tuple[int, ...] = ()
    extra: str | None = None
    public: tuple[str, list] | None = None
    # The public catalogue narrowed to one value (facet, selected value: a slug, a format)
    # of a facet of `FacetPairCount.WITHIN_FACETS`: read from `FacetPairCount`.
    within: tuple[str, str] | None = None
    # Rows (facet, value, n) counted already (see `_counted_in_memory`): each facet's
    # values that may make its first ones, ties and selected values included.
    rows: list[tuple[str, str, int]] | None = None
    # The CTE's producers and licences are left NULL: counted from the index's rows in
    # memory (see `_counted_in_memory`, which counts every listed set when given
    # columns), as `filters.indexed_set_sql` would read them.
    producers_indexed: bool = False
    # (set, facet): the datasets of the listed set `set` with one of the selected values
    # of `facet` (a producer or a licence: columns of the listing), narrowed in memory.
    narrowed: tuple[str, str] | None = None


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _kept_sql(facet: str, values: list[str]) -> tuple[str, list]:
    """SQL condition on `value` keeping the counts of `facet`'s selected `values`."""
    if not values:
        return "1 = 0", []
    if facet in SELECTED_IDS:
        model, column = SELECTED_IDS[facet]
        return (f"value IN (SELECT CAST(id AS TEXT) FROM {_table(model)} "
                f"WHERE {column} IN ({_marks(values)}))", list(values))
    return f"value IN ({_marks(values)})", list(values)


def _counted_live(name: str, cte: str, facets: list[str],
                  partner_rows: bool = False) -> tuple[str, list]:
    """Rows (base, facet, value, n) counting `facets` over the datasets of the CTE `cte`
    (columns id, organisation_id, licence_id). The partner facet is counted from the
    producers' rows, all of them (see `_facet_sql`), unless `partner_rows`: then it has
    rows of its own, like those of the running totals."""
    parts, params = [], []
    if "" in facets:
        # The total from the set itself: a dataset not indexed yet still counts.
        parts.append(f"SELECT '{name}', '', '', COUNT(*) FROM {cte}")
    # Producers and licences from the set's own columns (the partner facet adds up the
    # producers' counts), the others from the index's rows, in one pass.
    for facet, column in (("organisation", "organisation_id"), ("licence", "licence_id")):
        if (facet in facets
                or (facet == "organisation" and "partner" in facets and not partner_rows)):
            parts.append(f"SELECT '{name}', '{facet}', CAST({column} AS TEXT), COUNT(*) "
                         f"FROM {cte} WHERE {column} IS NOT NULL GROUP BY {column}")
    if "partner" in facets and partner_rows:
        parts.append(f"SELECT '{name}', 'partner', {PARTNER}, COUNT(*) FROM {cte} b "
                     f"JOIN {_table(Organisation)} o ON o.id = b.organisation_id "
                     f"GROUP BY {PARTNER}")
    stored = [facet for facet in facets if facet in LINKED]
    # CROSS JOIN makes SQLite start from the matching datasets: it cannot tell that the
    # CTE is small and would otherwise scan the whole table. PostgreSQL plans freely.
    if stored:
        parts.append(f"SELECT '{name}', f.facet, f.value, COUNT(*) FROM {cte} b "
                     f"CROSS JOIN {_table(DatasetFacet)} f WHERE f.dataset_id = b.id "
                     f"AND f.facet IN ({_marks(stored)}) GROUP BY f.facet, f.value")
        params += stored
    return " UNION ALL ".join(parts), params


def _totals_where(scopes: tuple[int, ...], within: tuple[str, str] | None,
                  alias: str = "") -> tuple[str, list]:
    """SQL condition on the rows of the running totals of `scopes` (within a value, if
    given, in the pairs), the columns prefixed with `alias`."""
    column = f"{alias}." if alias else ""
    sql, params = f"{column}scope IN ({_marks(scopes)})", list(scopes)
    if within is not None:
        facet, value = within
        if facet in SELECTED_IDS:
            model, key = SELECTED_IDS[facet]
            value_sql = f"(SELECT CAST(id AS TEXT) FROM {_table(model)} WHERE {key} = %s)"
        else:
            value_sql = "%s"
        sql += f" AND {column}within_facet = %s AND {column}within_value = {value_sql}"
        params += [facet, value]
    return sql, params


def _counted_totals(name: str, scopes: tuple[int, ...], facets: list[str],
                    top: dict[str, tuple[int, tuple[str, list]]],
                    within: tuple[str, str] | None = None) -> tuple[str, list]:
    """Rows (base, facet, value, n) of `facets` for the public catalogue of `scopes`, read
    from the running totals (`within` one value of a facet: from its pairs).

    Of one scope, a facet of `top` (facet -> the limit and a condition on `value` keeping
    selected values) is read from the index sorted by count: its first values only, ties
    at the last place included. Partners: the datasets of partner producers, and the rest.
    """
    table = _table(FacetPairCount if within is not None else FacetCount)
    where, where_params = _totals_where(scopes, within)
    parts, params = [], []
    for facet in facets:
        if facet == "partner":
            where_c, where_c_params = _totals_where(scopes, within, "c")
            partners = (f"(SELECT COALESCE(SUM(c.n), 0) FROM {table} c WHERE {where_c} "
                        f"AND c.facet = 'organisation' "
                        f"AND c.value IN (SELECT value FROM {PARTNERS}))")
            parts.append(f"SELECT '{name}', 'partner', 'true', {partners}")
            parts.append(f"SELECT '{name}', 'partner', 'false', "
                         f"(SELECT COALESCE(SUM(n), 0) FROM {table} "
                         f"WHERE {where} AND facet = '') - {partners}")
            params += [*where_c_params, *where_params, *where_c_params]
        elif len(scopes) == 1 and facet in top:
            limit, (kept, kept_params) = top[facet]
            parts.append(
                f"SELECT '{name}', facet, value, n FROM {table} WHERE {where} AND facet = %s "
                f"AND (n >= COALESCE((SELECT n FROM {table} WHERE {where} AND facet = %s "
                f"ORDER BY n DESC LIMIT 1 OFFSET %s), 0) OR {kept})")
            params += [*where_params, facet, *where_params, facet, limit - 1, *kept_params]
        else:
            parts.append(f"SELECT '{name}', facet, value, SUM(n) FROM {table} "
                         f"WHERE {where} AND facet = %s GROUP BY facet, value")
            params += [*where_params, facet]
    # Subqueries, for a compound SELECT takes no ORDER BY in its parts.
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) AS t{i}" for i, part in enumerate(parts))
    return sql, params


def _counted_totals_and_extra(name: str, source: Counted, facets: list[str],
                              top: dict[str, tuple[int, tuple[str, list]]]) -> tuple[str, list]:
    """Rows (base, facet, value, n) of `facets` for the public catalogue of
    `source.scopes` (within `source.within`, if given) plus the datasets of `source.extra`;
    the total is counted from the catalogue (`source.public` and `source.extra`), so that
    it is never stale, or, without `source.public`, from the totals and `source.extra`.

    Adding the extra datasets' counts to each facet's first values in the totals (ties at
    the last place included) and to nothing else is exact: a value the extra datasets do
    not have and whose total is outside those first values cannot enter them either.
    """
    # Without `source.public`, the public part of the total is the totals' own.
    facet_names = [facet for facet in facets if facet or source.public is None]
    parts, params = [], []
    if "" in facets and source.public is not None:
        public, public_params = source.public
        parts.append(f"SELECT '{name}', '', '', (SELECT COUNT(*) FROM ({public}) AS p) "
                     f"+ (SELECT COUNT(*) FROM {source.extra})")
        params += public_params
    totals, totals_params = _counted_totals(name, source.scopes, facet_names, top,
                                            source.within)
    extra, extra_params = _counted_live(name, source.extra, facet_names, partner_rows=True)
    if facet_names:
        # The empty first row names the columns (SQLite takes no column list after AS).
        added = " UNION ALL ".join(
            ["SELECT NULL AS base, NULL AS facet, NULL AS value, NULL AS n WHERE 1 = 0"]
            + [part for part in (totals, extra) if part])
        parts.append(f"SELECT '{name}', s.facet, s.value, SUM(s.n) FROM ({added}) AS s "
                     f"GROUP BY s.facet, s.value")
        params += totals_params + extra_params
    return " UNION ALL ".join(parts), params


def _facet_sql(facet: str, base: str, live: bool) -> str:
    """SQL of the rows (value, label, n) of `facet`, from the counts of the set `base`
    (`live`: listed, else read from the running totals).

    Rows are grouped on ids first, the biggest counts kept (`top`), and only those given
    their slug and label: the joins to label tables touch a few rows per facet, not one
    per dataset or per value (tags have tens of thousands).
    """
    where = f"c.base = '{base}' AND c.facet = '{facet}' AND c.n > 0"
    joined = {
        "theme": ("t.slug", "t.name", Theme),
        "organisation": ("t.slug", "t.name", Organisation),
        "tag": ("t.name", "t.name", Tag),
        "licence": ("t.slug", "t.title", Licence),
        # Declared territories only: the hierarchy widens filters, not counts.
        "territory": ("t.level || ':' || t.code", "t.name", Territory),
    }
    if facet in joined:
        value, label, model = joined[facet]
        return (f"SELECT {value} AS value, {label} AS label, c.n FROM top c "
                f"JOIN {_table(model)} t ON t.id = CAST(c.value AS BIGINT) WHERE {where}")
    if facet == "partner" and live:
        # All the producers' counts, not only the biggest: read before `top`.
        return (f"SELECT {PARTNER} AS value, '' AS label, SUM(c.n) AS n FROM counted c "
                f"JOIN {_table(Organisation)} o ON o.id = CAST(c.value AS BIGINT) "
                f"WHERE c.base = '{base}' AND c.facet = 'organisation' GROUP BY {PARTNER}")
    return f"SELECT c.value AS value, c.value AS label, c.n FROM top c WHERE {where}"


def _counted_in_memory(with_sql: str, with_params: list, sources: dict[str, Counted],
                       wanted: dict[str, list[str]], selected: dict[str, list[str]],
                       limit: int, backend: SearchBackend, columns: FacetColumns,
                       scores: str | None = None,
                       scored: list | None = None) -> dict[str, Counted]:
    """`sources`, those listed in SQL (`cte`) counted here instead: their datasets' ids,
    producers and licences listed by one statement, the other facets counted from
    `columns`, the index's rows held in memory. Each facet keeps the values that may make
    its first `limit` (ties at the last place included) and its selected values, and the
    partner facet its two rows, so that `count` ranks and labels them as it would have.
    With `scores`, the set of that name has a column `score` too (the text match's), and
    the datasets of `base` are added to `scored` as (id, score). A source `narrowed` is
    the rows of another set with one of the selected producers or licences."""
    live = [name for name in wanted if sources[name].cte is not None]
    listed, found_scores = _listed(with_sql, with_params, sources, live, selected, backend,
                                   scores)
    partners = {row[0] for row in listed.get("partners", [])}
    kept = {facet: {str(row[0]) for row in listed.get(f"kept {facet}", [])}
            for facet in SELECTED_IDS}
    kept["format"] = set(selected.get("format", []))
    narrowed = [name for name in wanted if sources[name].narrowed is not None]
    for name in narrowed:
        parent, facet = sources[name].narrowed
        column = 1 if facet == "organisation" else 2
        listed[name] = [row for row in listed.get(parent, [])
                        if row[column] is not None and str(row[column]) in kept[facet]]
    if scored is not None:
        in_base = {row[0] for row in listed.get(BASE, [])}
        scored += [pair for pair in found_scores if pair[0] in in_base]
    counted = dict(sources)
    for name in live + narrowed:
        counted[name] = Counted(rows=_set_rows(
            listed.get(name, []), wanted[name], sources[name].producers_indexed, columns,
            partners, kept, limit))
    return counted


def _listed(with_sql: str, with_params: list, sources: dict[str, Counted], live: list[str],
            selected: dict[str, list[str]], backend: SearchBackend,
            scores: str | None) -> tuple[dict[str, list[tuple]], list[tuple[int, float]]]:
    """One statement listing the datasets (id, producer, licence) of each `live` set, by
    set name, the partner organisations (`partners`) and the ids of the selected values
    (`kept <facet>`); and the (id, score) pairs of the set `scores`."""
    parts = []
    for name in live:
        score = "score" if name == scores else "NULL"
        parts.append(f"SELECT '{name}', id, organisation_id, licence_id, {score} "
                     f"FROM {sources[name].cte}")
    params = list(with_params)
    parts.append(f"SELECT 'partners', id, NULL, NULL, NULL FROM {_table(Organisation)} "
                 f"WHERE partnership_signed_on IS NOT NULL")
    for facet, values in selected.items():
        if values and facet in SELECTED_IDS:
            model, column = SELECTED_IDS[facet]
            parts.append(f"SELECT 'kept {facet}', id, NULL, NULL, NULL FROM {_table(model)} "
                         f"WHERE {column} IN ({_marks(values)})")
            params += values
    sql = " UNION ALL ".join(parts)
    listed: dict[str, list[tuple]] = {}
    found_scores = []
    for row in backend.query(f"{with_sql} {sql}" if with_sql else sql, params):
        listed.setdefault(row[0], []).append(row[1:4])
        if row[4] is not None:
            found_scores.append((row[1], float(row[4])))
    return listed, found_scores


def _set_rows(listed: list[tuple], needs: list[str], producers_indexed: bool,
              columns: FacetColumns, partners: set[int], kept: dict[str, set[str]],
              limit: int) -> list[tuple[str, str, int]]:
    """Rows (facet, value, n) of the facets `needs` of one listed set (its (id, producer,
    licence) rows): producers and licences from the listing, or from `columns` when the
    listing left them out (`producers_indexed`), the other facets from `columns`."""
    rows = np.array(listed, dtype=object).reshape(-1, 3)
    ids = rows[:, 0].astype(np.int64)
    found: list[tuple[str, str, int]] = [("", "", len(ids))] if "" in needs else []
    counts = (columns.counts(ids)
              if producers_indexed or any(facet in LINKED for facet in needs) else None)
    for facet, column in (("organisation", 1), ("licence", 2)):
        if facet in needs or (facet == "organisation" and "partner" in needs):
            if producers_indexed:
                values, n = columns.ids_counted(counts, facet)
            else:
                values, n = np.unique(np.array(
                    [value for value in rows[:, column] if value is not None],
                    dtype=np.int64), return_counts=True)
            found += _producer_rows(facet, values, n, needs, partners, kept[facet], limit)
    for facet in needs:
        if facet in LINKED:
            found += [(facet, value, n)
                      for value, n in columns.rows(counts, facet, limit, kept[facet])]
    return found


def _producer_rows(facet: str, values: np.ndarray, counts: np.ndarray, needs: list[str],
                   partners: set[int], kept: set[str],
                   limit: int) -> list[tuple[str, str, int]]:
    """Rows (facet, value, n) of the producers or licences `values` (ids) counted `counts`
    times: their first `limit` values (ties included) and the `kept` ones; for producers,
    the partner facet's two rows too, when `needs` it."""
    found = []
    if facet == "organisation" and "partner" in needs:
        of_partners = int(counts[np.isin(values, list(partners))].sum())
        found += [("partner", "true", of_partners),
                  ("partner", "false", int(counts.sum()) - of_partners)]
    if facet in needs:
        wanted = {i for i, value in enumerate(values.tolist()) if str(value) in kept}
        found += [(facet, str(int(values[i])), int(counts[i]))
                  for i in top_codes(np.arange(len(values)), counts, limit, wanted)]
    return found


def _counted_rows(name: str, rows: list[tuple[str, str, int]],
                  backend: SearchBackend) -> tuple[str, list]:
    """Rows (base, facet, value, n) of the counts `rows` (facet, value, n) of the set
    `name`, given as one JSON parameter: however many values tie at a facet's last place
    (thousands of tags found once), one parameter, never past a limit of the driver."""
    return (f"SELECT '{name}', facet, value, n FROM "
            f"({backend.json_rows(('facet', 'value', 'n'))}) AS rows_{name}",
            [json.dumps(rows)])


def count(with_sql: str, with_params: list, sources: dict[str, Counted],
          base_of: dict[str, str], selected: dict[str, list[str]], limit: int,
          backend: SearchBackend, columns: FacetColumns | None = None,
          scores: str | None = None,
          scored: list | None = None) -> tuple[int, dict[str, list[FacetValue]]]:
    """The number of matching datasets and the facets, as `SearchResult` holds them.

    `with_sql` is a `WITH ...` clause (or "") defining the CTEs that `sources` name; the set
    named `base` holds the matching datasets, and `base_of` says which set each facet with
    a selection is counted over (the others: `base`). Each facet keeps its `limit` biggest
    values, plus its selected values whatever their count. With `limit` 0, only the total.
    Given `columns` (the index's facet rows in memory, see `columns`), the sets listed in
    SQL are counted from them, by a statement more; with `scores` (see
    `_counted_in_memory`), that statement also lists the matching datasets' scores into
    `scored`.
    """
    materialized = backend.materialized
    facets = FACETS if limit > 0 else []
    wanted: dict[str, list[str]] = {BASE: [""]}
    for facet in facets:
        wanted.setdefault(base_of.get(facet, BASE), []).append(facet)
    if columns is not None and facets and any(sources[name].cte for name in wanted):
        sources = _counted_in_memory(with_sql, with_params, sources, wanted, selected,
                                     max(limit, 1), backend, columns, scores, scored)
        if all(sources[name].rows is not None
               or (sources[name].cte is None and sources[name].extra is None)
               for name in wanted):
            # No set left to read from the CTEs (text matches, listings): the statement
            # of the labels need not carry them, nor be planned with them.
            with_sql, with_params = "", []
    counted, params = [], list(with_params)
    for name, needs in wanted.items():
        source = sources[name]
        if source.rows is not None:
            sql, sql_params = _counted_rows(name, source.rows, backend)
        elif source.cte is not None:
            sql, sql_params = _counted_live(name, source.cte, needs)
        else:
            top = {facet: (max(limit, 1), _kept_sql(facet, selected.get(facet, [])))
                   for facet in needs if facet}
            if source.extra is not None:
                sql, sql_params = _counted_totals_and_extra(name, source, needs, top)
            else:
                sql, sql_params = _counted_totals(name, source.scopes, needs, top,
                                                  source.within)
        counted.append(sql)
        params += sql_params
    # The values that may make a facet's first `limit` (ties at the last place included),
    # and the selected ones, whatever their count.
    kept, kept_params = ["position <= %s"], [max(limit, 1)]
    for facet in facets:
        if selected.get(facet):
            sql, sql_params = _kept_sql(facet, selected[facet])
            kept.append(f"(base = '{base_of.get(facet, BASE)}' AND facet = '{facet}' "
                        f"AND {sql})")
            kept_params += sql_params
    top = ("SELECT base, facet, value, n FROM (SELECT base, facet, value, n, RANK() OVER "
           "(PARTITION BY base, facet ORDER BY n DESC) AS position FROM counted) AS ranked "
           "WHERE " + " OR ".join(kept))
    parts = [f"SELECT '' AS facet, '' AS value, '' AS label, c.n FROM counted c "
             f"WHERE c.base = '{BASE}' AND c.facet = ''"]
    for facet in facets:
        base = base_of.get(facet, BASE)
        parts.append(f"SELECT '{facet}', value, label, n FROM "
                     f"({_facet_sql(facet, base, sources[base].cte is not None)}) "
                     f"AS counts_{facet}")
    keep, keep_params = ["position <= %s"], [max(limit, 1)]
    for facet in facets:
        if selected.get(facet):
            keep.append(f"(facet = '{facet}' AND value IN ({_marks(selected[facet])}))")
            keep_params.extend(selected[facet])
    ctes = f"{with_sql}, " if with_sql else "WITH "
    # Read only by the partner facet's totals; a CTE no part reads is not run.
    ctes += (f"{PARTNERS}(value) AS {materialized} (SELECT CAST(id AS TEXT) FROM "
             f"{_table(Organisation)} WHERE partnership_signed_on IS NOT NULL), ")
    sql = (f"{ctes}counted(base, facet, value, n) AS {materialized} ("
           + " UNION ALL ".join(counted) + f"), top AS {materialized} ({top}) "
           "SELECT facet, value, label, n FROM ("
           "SELECT facet, value, label, n, ROW_NUMBER() OVER "
           "(PARTITION BY facet ORDER BY n DESC, label, value) AS position FROM ("
           + " UNION ALL ".join(parts) + ") AS counts) AS ranked WHERE " + " OR ".join(keep))
    rows = backend.query(sql, params + kept_params + keep_params)
    total = 0
    found: dict[str, list[FacetValue]] = {facet: [] for facet in facets}
    for facet, value, label, n in rows:
        n = int(n)  # PostgreSQL's SUM() of counts is a numeric
        if facet == "":
            total = n
        else:
            found[facet].append(FacetValue(value=value, label=label, count=n,
                                           selected=value in selected.get(facet, ())))
    for facet in facets:
        _add_missing_selected(facet, found[facet], selected.get(facet, []))
        _finish_labels(facet, found[facet])
        found[facet].sort(key=lambda v: (-v.count, unaccent(v.label), v.value))
    return total, found


def _add_missing_selected(facet: str, values: list[FacetValue], selected: list[str]) -> None:
    """Selected values without a matching dataset still show, with a count of 0."""
    present = {v.value for v in values}
    missing = [value for value in selected if value not in present]
    if not missing:
        return
    labels = _labels(facet, missing)
    values.extend(FacetValue(value=value, label=labels.get(value, value), count=0,
                             selected=True) for value in missing)


def _labels(facet: str, values: list[str]) -> dict[str, str]:
    if facet == "theme":
        return dict(Theme.objects.filter(slug__in=values).values_list("slug", "name"))
    if facet == "organisation":
        return dict(Organisation.objects.filter(slug__in=values).values_list("slug", "name"))
    if facet == "licence":
        return dict(Licence.objects.filter(slug__in=values).values_list("slug", "title"))
    if facet == "territory":
        labels = {}
        for value in values:
            level, _, code = value.partition(":")
            name = (Territory.objects.filter(level=level, code=code)
                    .values_list("name", flat=True).first())
            if name:
                labels[value] = name
        return labels
    return {}


def _finish_labels(facet: str, values: list[FacetValue]) -> None:
    if facet == "format":
        for value in values:
            value.label = value.value.upper()
    elif facet == "partner":
        labels = {"true": gettext("Producteurs partenaires"),
                  "false": gettext("Autres producteurs")}
        for value in values:
            value.label = labels.get(value.value, value.value)
