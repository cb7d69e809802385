"""Loading a page of search results: the datasets, with what lists show of them.

    datasets = load_page([12, 7, 30], get_backend())

A page is read in one batch of four plain SQL statements (datasets with their producers
and licences, themes, tags, resources), which the backend sends in one round trip where the
database allows it (`SearchBackend.fetch_all`). Round trips and Django's per-query work
(compiling the ORM query, `select_related` and `prefetch_related` machinery) cost more than
reading these few rows: this fills the same caches as
`select_related("organisation", "licence").prefetch_related("themes", "tags", "resources")`
would, with values converted by the same database converters.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import QuerySet

from datasud.catalog.models import Dataset, Licence, Organisation, Resource, Tag, Theme

from .backends import SearchBackend

# Lists show the formats of the resources, nothing else of them: only these columns are
# loaded, which matters for datasets with hundreds of files.
RESOURCE_FIELDS = ("id", "dataset_id", "format", "position", "title")


class _Rows:
    """Reading rows of `model` (the columns of `fields`) into instances.

    `source` is the SQL after the column list, with one `{ids}` standing for the page's
    dataset ids; its first selected column, `owner`, says which dataset each row is for.
    """

    def __init__(self, model, fields: list[str] | None, owner: str, source: str,
                 order: tuple[str, ...] = ()):
        self.model = model
        # `from_db` takes the values of a partial row in the order of the model's fields.
        concrete = model._meta.concrete_fields
        self.fields = [f.attname for f in concrete if fields is None or f.attname in fields]
        self.owner = owner
        self.source = source
        self.order = order
        self.converters = [(position, found) for position, name in enumerate(self.fields)
                           if (found := _converters(model, name))]
        # What a prefetch leaves in a dataset's cache: querysets holding their rows, which
        # share one query (chaining on them clones it).
        self.query = QuerySet(model=model).query

    @functools.cache  # noqa: B019 (readers live as long as the process: `_readers_of`)
    def columns(self, alias: str = "r") -> str:
        return ", ".join(f"{alias}.{_column(self.model, name)}" for name in self.fields)

    @functools.cached_property
    def _ordering(self) -> str:
        if not self.order:
            return ""
        return " ORDER BY " + ", ".join(f"r.{_column(self.model, name)}" for name in self.order)

    def convert(self, values: list, db: str = DEFAULT_DB_ALIAS) -> object:
        """An instance from the values of `fields` (the list is converted in place)."""
        for position, converters in self.converters:
            for convert in converters:
                values[position] = convert(values[position])
        return self.model.from_db(db, self.fields, values)

    def sql(self, ids: list[int]) -> tuple[str, list]:
        columns = self.columns()
        marks = ", ".join(["%s"] * len(ids))
        sql = f"SELECT {self.owner}, {columns} FROM {self.source.format(ids=marks)}"
        return sql + self._ordering, list(ids) * self.source.count("{ids}")

    def instances(self, rows: list[tuple], shared: bool = False) -> dict[int, list]:
        """Instances per dataset id, in the order of `rows`; with `shared`, one instance
        per row of the model (a theme of several datasets is built once)."""
        built: dict[object, object] = {}
        found: dict[int, list] = defaultdict(list)
        for owner, *values in rows:
            instance = built.get(values[0]) if shared else None
            if instance is None:
                instance = built[values[0]] = self.convert(values)
            found[owner].append(instance)
        return found


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _converters(model, name: str) -> list[Callable]:
    """What the ORM applies to a value of the column `name` read from the database (SQLite
    returns dates as text, booleans as integers...)."""
    column = model._meta.get_field(name).get_col(model._meta.db_table)
    found = (connection.ops.get_db_converters(column)
             + column.get_db_converters(connection))
    return [lambda value, convert=convert: convert(value, column, connection)
            for convert in found]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class _Datasets:
    """Reading datasets with their producer and licence (one statement, as
    `select_related` would)."""

    def __init__(self):
        self.datasets = _Rows(Dataset, None, "", "")
        self.organisations = _Rows(Organisation, None, "", "")
        self.licences = _Rows(Licence, None, "", "")

    def sql(self, ids: list[int]) -> tuple[str, list]:
        marks = ", ".join(["%s"] * len(ids))
        return (f"SELECT {self.datasets.columns('r')}, {self.organisations.columns('o')}, "
                f"{self.licences.columns('l')} FROM {_table(Dataset)} r "
                f"JOIN {_table(Organisation)} o ON o.id = r.organisation_id "
                f"LEFT JOIN {_table(Licence)} l ON l.id = r.licence_id "
                f"WHERE r.id IN ({marks})", list(ids))

    def instances(self, rows: list[tuple]) -> dict[int, Dataset]:
        sizes = [len(self.datasets.fields), len(self.organisations.fields)]
        organisations: dict[int, Organisation] = {}
        licences: dict[int, Licence] = {}
        found = {}
        for row in rows:
            values = list(row)
            dataset = self.datasets.convert(values[:sizes[0]])
            organisation_values = values[sizes[0]:sizes[0] + sizes[1]]
            licence_values = values[sizes[0] + sizes[1]:]
            organisation = organisations.get(dataset.organisation_id)
            if organisation is None:
                organisation = organisations[dataset.organisation_id] = (
                    self.organisations.convert(organisation_values))
            licence = None
            if dataset.licence_id is not None:
                licence = licences.get(dataset.licence_id)
                if licence is None:
                    licence = licences[dataset.licence_id] = self.licences.convert(
                        licence_values)
            Dataset.organisation.field.set_cached_value(dataset, organisation)
            Dataset.licence.field.set_cached_value(dataset, licence)
            found[dataset.pk] = dataset
        return found


def _related() -> dict[str, _Rows]:
    return {
        "themes": _Rows(
            Theme, None, "x.dataset_id",
            f"{_table(Dataset.themes.through)} x JOIN {_table(Theme)} r ON r.id = x.theme_id "
            f"WHERE x.dataset_id IN ({{ids}})", ("position", "name", "id")),
        "tags": _Rows(
            Tag, ["id", "name"], "x.dataset_id",
            f"{_table(Dataset.tags.through)} x JOIN {_table(Tag)} r ON r.id = x.tag_id "
            f"WHERE x.dataset_id IN ({{ids}})", ("name", "id")),
        "resources": _Rows(Resource, list(RESOURCE_FIELDS), "r.dataset_id",
                           f"{_table(Resource)} r WHERE r.dataset_id IN ({{ids}})",
                           ("position", "id")),
    }


@functools.cache
def _readers_of(vendor: str) -> tuple[_Datasets, dict[str, _Rows]]:
    return _Datasets(), _related()


def _readers() -> tuple[_Datasets, dict[str, _Rows]]:
    """The readers of the default database (built once: their converters and SQL depend on
    the database vendor only)."""
    return _readers_of(connection.vendor)


def load_page(ids: list[int], backend: SearchBackend) -> list[Dataset]:
    """The datasets `ids` that still exist, in that order, with their producer and licence
    loaded and their `themes`, `tags` and `resources` prefetched (read them with `.all()`;
    querysets chained on these, `.filter()`..., are not bound to the dataset: query
    `Dataset` for those). Of resources, only the columns of `RESOURCE_FIELDS` are loaded
    (the others are deferred). A theme, tag, producer or licence shared by several datasets
    of the page is one instance.
    """
    if not ids:
        return []
    datasets, related = _readers()
    rows = backend.fetch_all([datasets.sql(ids)] + [rows.sql(ids) for rows in related.values()])
    by_id = datasets.instances(rows[0])
    found = {name: reader.instances(result, shared=name != "resources")
             for (name, reader), result in zip(related.items(), rows[1:], strict=True)}
    page = []
    for pk in ids:
        dataset = by_id.get(pk)
        if dataset is None:
            continue  # deleted since it was found
        dataset._prefetched_objects_cache = {
            name: _loaded(reader, found[name].get(pk, [])) for name, reader in related.items()
        }
        page.append(dataset)
    return page


def _loaded(reader: _Rows, rows: list) -> QuerySet:
    """A queryset already holding `rows`, as a prefetch leaves it in a dataset's cache."""
    queryset = QuerySet(model=reader.model, query=reader.query)
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset
