"""Which geo tables a user may see, as OGC API collections.

A collection is one geo table of the version being served of a resource whose dataset the
user may see (`Dataset.objects.visible_to`). Its id is the table's name in the SQL
endpoint (`resource_12`, `resource_12_2` for a second layer), stable across versions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import Http404

from datasud.catalog.models import Dataset
from datasud.datastore.models import Table

from .crs import offered_crs

COLLECTION_ID = re.compile(r"^resource_(\d{1,12})(?:_(\d{1,4}))?$")
NOT_FOUND = "Collection introuvable."


@dataclass
class Collection:
    id: str
    table: Table
    title: str
    description: str
    dataset_title: str
    dataset_url: str

    @property
    def geo(self) -> dict:
        return self.table.geo or {}

    @property
    def geometry_column(self) -> str:
        return self.geo.get("column", "geometry")

    @property
    def properties(self) -> list[tuple[str, str]]:
        """(name, DuckDB type) of the columns other than the geometry."""
        return [(n, t) for n, t in self.table.column_pairs if n != self.geometry_column]

    @property
    def offered_crs(self) -> list[str]:
        """The CRS codes features may be asked in (OGC API Features Part 2)."""
        return offered_crs(self.geo.get("source_crs"))

    @property
    def temporal_column(self) -> str | None:
        """The first date or timestamp column: what `datetime` filters on."""
        return next((n for n, t in self.properties
                     if t.upper().startswith(("DATE", "TIMESTAMP"))), None)


def _collection(table: Table) -> Collection:
    resource = table.load.resource
    dataset = resource.dataset
    title = resource.title or dataset.title
    if table.name:
        title = f"{title} — {table.name}"
    return Collection(id=table.sql_name, table=table, title=title,
                      description=resource.description or dataset.description or "",
                      dataset_title=dataset.title, dataset_url=dataset.get_absolute_url())


def visible_collections(user) -> list[Collection]:
    """Every geo table `user` may see, ordered by dataset then resource then layer."""
    tables = (Table.objects.filter(load__is_current=True, geo__isnull=False,
                                   load__resource__dataset__in=Dataset.objects.visible_to(user))
              .select_related("load", "load__resource", "load__resource__dataset")
              .defer("profile", "table_schema", "validation")
              .order_by("load__resource__dataset__title", "load__resource__position",
                        "load__resource_id", "position"))
    return [_collection(table) for table in tables]


def get_collection(user, collection_id: str) -> Collection:
    """The collection `collection_id` if `user` may see it; Http404 otherwise (unknown,
    hidden, not loaded and not geographic all look the same)."""
    found = COLLECTION_ID.match(collection_id or "")
    if not found:
        raise Http404(NOT_FOUND)
    resource_id, position = int(found[1]), int(found[2] or 1)
    if found[2] == "1":
        raise Http404(NOT_FOUND)  # the first table is resource_12, never resource_12_1
    # One indexed query for the table, its version, resource and dataset, and the dataset's
    # visibility (an EXISTS on `visible_to`): every OGC request starts here.
    visible = Dataset.objects.visible_to(user).filter(pk=OuterRef("load__resource__dataset_id"))
    tables = list(Table.objects.filter(load__resource_id=resource_id, load__is_current=True,
                                       position=position - 1, geo__isnull=False)
                  .filter(Exists(visible))
                  .select_related("load", "load__resource", "load__resource__dataset")
                  .defer("profile", "table_schema", "validation").order_by()[:1])
    if not tables:
        raise Http404(NOT_FOUND)
    return _collection(tables[0])
