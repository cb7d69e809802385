"""Facet counts: the total and every facet's top values in one grouped SQL statement.

The statement reads the matching datasets from common table expressions prepared by
`services`: `base`, plus `base_<facet>` for a facet with selected values, which leaves that
facet's own filter out (with theme A ticked, theme B still shows how many datasets ticking
it too would add). The full-text match and the visibility rules are thus evaluated once,
whatever the number of facets.
"""
from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext

from datasud.catalog.models import Dataset, Licence, Organisation, Tag, Theme
from datasud.territories.models import Territory

from .models import DatasetFormat
from .query import FACETS, FacetValue
from .text import unaccent


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _per_link(link, column: str, base: str) -> str:
    """Datasets of `base` counted per `column` of the many-to-many table `link`."""
    # CROSS JOIN makes SQLite start from the matching datasets: it cannot tell that the CTE
    # is small and would otherwise scan the whole link table. PostgreSQL plans it freely.
    return (f"SELECT x.{column} AS key, COUNT(*) AS n FROM {base} b "
            f"CROSS JOIN {_table(link)} x WHERE x.dataset_id = b.id GROUP BY x.{column}")


def _facet_sql(facet: str, base: str) -> str:
    """SQL counting datasets per value of `facet` over the CTE `base` (value, label, n).

    Rows are grouped on integer keys first and given their slug and label afterwards, so
    the joins to label tables touch one row per value, not one per dataset.
    """
    per_organisation = (f"SELECT organisation_id AS key, COUNT(*) AS n FROM {base} "
                        f"GROUP BY organisation_id")
    per_licence = f"SELECT licence_id AS key, COUNT(*) AS n FROM {base} GROUP BY licence_id"
    partner = "CASE WHEN o.partnership_signed_on IS NULL THEN 'false' ELSE 'true' END"
    return {
        "theme": f"SELECT t.slug AS value, t.name AS label, c.n "
                 f"FROM ({_per_link(Dataset.themes.through, 'theme_id', base)}) AS c "
                 f"JOIN {_table(Theme)} t ON t.id = c.key",
        "organisation": f"SELECT o.slug AS value, o.name AS label, c.n "
                        f"FROM ({per_organisation}) AS c "
                        f"JOIN {_table(Organisation)} o ON o.id = c.key",
        "tag": f"SELECT t.name AS value, t.name AS label, c.n "
               f"FROM ({_per_link(Dataset.tags.through, 'tag_id', base)}) AS c "
               f"JOIN {_table(Tag)} t ON t.id = c.key",
        "licence": f"SELECT l.slug AS value, l.title AS label, c.n FROM ({per_licence}) AS c "
                   f"JOIN {_table(Licence)} l ON l.id = c.key",
        # Distinct formats per dataset: three CSV files count once for CSV.
        "format": f"SELECT f.format AS value, f.format AS label, COUNT(*) AS n FROM {base} b "
                  f"CROSS JOIN {_table(DatasetFormat)} f WHERE f.dataset_id = b.id "
                  f"GROUP BY f.format",
        # Declared territories only: the hierarchy widens filters, not counts.
        "territory": f"SELECT t.level || ':' || t.code AS value, t.name AS label, c.n "
                     f"FROM ({_per_link(Dataset.territories.through, 'territory_id', base)})"
                     f" AS c JOIN {_table(Territory)} t ON t.id = c.key",
        "partner": f"SELECT {partner} AS value, '' AS label, SUM(c.n) AS n "
                   f"FROM ({per_organisation}) AS c "
                   f"JOIN {_table(Organisation)} o ON o.id = c.key GROUP BY {partner}",
    }[facet]


def count(with_sql: str, with_params: list, base_of: dict[str, str],
          selected: dict[str, list[str]], limit: int) -> tuple[int, dict[str, list[FacetValue]]]:
    """The number of matching datasets and the facets, as `SearchResult` holds them.

    `with_sql` is a `WITH ...` clause defining the CTE `base(id, organisation_id,
    licence_id)`, the matching datasets, and those `base_of` names (facet -> CTE to count
    that facet over). Each facet keeps its `limit` biggest values, plus its selected values
    whatever their count. With `limit` 0, only the total is computed.
    """
    parts = ["SELECT '' AS facet, '' AS value, '' AS label, COUNT(*) AS n FROM base"]
    facets = FACETS if limit > 0 else []
    for facet in facets:
        parts.append(f"SELECT '{facet}', value, label, n FROM "
                     f"({_facet_sql(facet, base_of.get(facet, 'base'))}) AS counts_{facet}")
    keep, params = ["position <= %s"], [max(limit, 1)]
    for facet in facets:
        if selected.get(facet):
            keep.append(f"(facet = '{facet}' AND value IN "
                        f"({', '.join(['%s'] * len(selected[facet]))}))")
            params.extend(selected[facet])
    sql = (f"{with_sql} SELECT facet, value, label, n FROM ("
           "SELECT facet, value, label, n, ROW_NUMBER() OVER "
           "(PARTITION BY facet ORDER BY n DESC, label, value) AS position FROM ("
           + " UNION ALL ".join(parts) + ") AS counts) AS ranked WHERE " + " OR ".join(keep))
    with connection.cursor() as cursor:
        cursor.execute(sql, with_params + params)
        rows = cursor.fetchall()
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
