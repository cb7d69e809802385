"""Finding a resource's tables for a user: one place for the datastore's permissions.

A resource's data is visible exactly when its dataset is (`Dataset.objects.visible_to`),
for the API, the pages, exports and the SQL endpoint alike; what is hidden answers 404,
like what does not exist.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from datasud.catalog.models import Dataset, Resource

from .models import Table
from .query import TableRef

RESOURCE_NOT_FOUND = "Ressource introuvable."


def visible_resource(user, resource_id: int) -> Resource:
    # Two indexed lookups: `dataset__in=visible_to(user)` as one query makes SQLite scan
    # the visible datasets on every call (~10 ms on the demo catalogue, for each request).
    resource = Resource.objects.filter(pk=resource_id).select_related("dataset").first()
    if resource is None or not Dataset.objects.visible_to(user).filter(
            pk=resource.dataset_id).exists():
        raise Http404(RESOURCE_NOT_FOUND)
    return resource


def editable_resource(user, resource_id: int) -> Resource:
    resource = visible_resource(user, resource_id)
    if not Dataset.objects.editable_by(user).filter(pk=resource.dataset_id).exists():
        raise PermissionDenied("Seuls les membres de l'organisation productrice peuvent "
                               "faire cela.")
    return resource


def current_table(resource: Resource, position: int = 1) -> Table:
    """Table number `position` (1-based) of the version being served, or a 404 saying why."""
    # The profile, schemas and reports are big JSON documents that most callers never read.
    tables = list(Table.objects.filter(load__resource=resource, load__is_current=True)
                  .select_related("load").defer("profile", "table_schema", "validation",
                                                "source_columns").order_by("position"))
    if not tables:
        raise Http404("Cette ressource n'est pas (encore) chargée dans l'entrepôt de données.")
    if not 1 <= position <= len(tables):
        raise Http404(f"Table {position} introuvable : cette ressource en a {len(tables)}.")
    return tables[position - 1]


def served_table(user, resource_id: int, position: int = 1) -> Table:
    """The table `position` (1-based) of the version of `resource_id` being served, if
    `user` may see its dataset; otherwise the 404 `visible_resource`/`current_table` give.
    The Table carries only what a query needs (`path`, `column_pairs`, `load_id`).

    The records API's lookup: one indexed query instead of three (resource, visibility,
    tables), which was about a fifth of a small request's time. Nothing is cached, so a
    new version or a dataset turned private is seen by the very next request.
    """
    if not 0 < resource_id < 2 ** 63:  # beyond any database integer: no such resource
        return current_table(visible_resource(user, resource_id), position)
    visible = Dataset.objects.visible_to(user).filter(pk=OuterRef("load__resource__dataset_id"))
    found = (Table.objects.filter(load__resource_id=resource_id, load__is_current=True,
                                  position=position - 1)
             .filter(Exists(visible)).order_by()
             .values_list("pk", "load_id", "file", "columns")[:1])
    if not found:  # say why: unknown, hidden, not loaded, or no such table
        return current_table(visible_resource(user, resource_id), position)
    pk, load_id, file, columns = found[0]
    # Only what a query needs (the file and its columns): no model instances to build.
    return Table(pk=pk, load_id=load_id, position=position - 1, file=file, columns=columns)


def table_ref(table: Table) -> TableRef:
    return TableRef(path=table.path, columns=table.column_pairs)


def queryable_tables(user):
    """Tables of current versions whose dataset `user` may see (for the SQL endpoint)."""
    return (Table.objects.filter(load__is_current=True,
                                 load__resource__dataset__in=Dataset.objects.visible_to(user))
            .select_related("load", "load__resource", "load__resource__dataset"))
