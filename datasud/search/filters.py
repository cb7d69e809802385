"""Facet filters as querysets: AND between facets, OR within one facet.

Each filter is a `Q` on `Dataset` built from id subqueries, so that filtering on a
many-to-many relation never multiplies rows (no DISTINCT needed, counts stay exact).
"""
from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from datasud.catalog.models import Dataset
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
