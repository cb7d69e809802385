"""Column-level search: which datasets have a column of SIRET, of codes INSEE, a latitude...

`index_load(load_id)` (re)writes the `IndexedColumn` rows of a resource when a version of it
becomes current: the columns of its tables, each with its kind detected from a sample of its
values (`kinds.detect_kind`) and a few example values. `search_columns(user, query)` finds
the datasets `user` may see whose columns match: by kind (the values are codes INSEE, the
name does not matter: `codgeo`, `depcom`, `com`...), by exact name, or by a name containing
the query's words. Visibility is the catalogue's (`Dataset.objects.visible_to(user)`), and
archived datasets are left out as dataset search leaves them out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from datasud.catalog.models import Dataset
from datasud.datastore import duck
from datasud.datastore.models import Load, Table

from .kinds import KINDS, Referential, detect_kind, kinds_of_query, normalise
from .models import IndexedColumn

logger = logging.getLogger(__name__)

# Rows read from each table to recognise its values (one Parquet row group at most).
SAMPLE_ROWS = 1000
EXAMPLES = 3
EXAMPLE_CHARS = 60
MAX_QUERY_LENGTH = 100
# Opaque columns (nested values, bytes) are indexed by name only.
_SAMPLED_TYPES = {"string", "integer", "number", "date", "datetime", "time", "boolean", "duration"}


def index_load(load_id: int, referential: Referential | None = None) -> int:
    """Index the columns of a resource's current version if `load_id` is it (else nothing).

    Replaces the resource's rows in one transaction; returns the number of columns indexed.
    """
    load = (
        Load.objects.filter(pk=load_id, is_current=True, status=Load.Status.SUCCEEDED)
        .select_related("resource")
        .first()
    )
    if load is None:
        return 0
    referential = referential or Referential.load()
    rows = []
    for table in Table.objects.filter(load=load).order_by("position"):
        rows.extend(_columns_of(table, load.resource.dataset_id, load.resource_id, referential))
    with transaction.atomic():
        # Still current? A newer version may have been switched in meanwhile.
        if not Load.objects.filter(pk=load_id, is_current=True).exists():
            return 0
        IndexedColumn.objects.filter(resource_id=load.resource_id).delete()
        IndexedColumn.objects.bulk_create(rows)
    return len(rows)


def rebuild() -> int:
    """Index every current version again (`datasud rebuild_column_index`)."""
    referential = Referential.load()
    IndexedColumn.objects.exclude(table__load__is_current=True).delete()
    count = 0
    for load_id in (
        Load.objects.filter(is_current=True, status=Load.Status.SUCCEEDED)
        .values_list("pk", flat=True)
        .order_by("pk")
    ):
        try:
            count += index_load(load_id, referential)
        except Exception:  # one unreadable version must not stop the others
            logger.exception("Column index of load %s failed", load_id)
    return count


def _columns_of(
    table: Table, dataset_id: int, resource_id: int, referential: Referential
) -> list[IndexedColumn]:
    profiles = {p.get("name"): p for p in table.profile or [] if isinstance(p, dict)}
    labels = list(table.source_columns or [])
    columns = [(str(name), str(type_)) for name, type_ in table.columns]
    samples = _sample(table, columns, profiles)
    rows = []
    for position, (name, _duckdb_type) in enumerate(columns):
        profile = profiles.get(name, {})
        field_type = profile.get("field_type", "")
        label = str(labels[position]) if position < len(labels) and labels[position] else name
        values = samples.get(name, [])
        low, high = _number(profile.get("min")), _number(profile.get("max"))
        # The source header first, then the datastore's name when it differs.
        kind = ""
        for candidate in dict.fromkeys((label, name)):
            kind = detect_kind(candidate, field_type, values, referential, low, high)
            if kind:
                break
        rows.append(
            IndexedColumn(
                table=table,
                resource_id=resource_id,
                dataset_id=dataset_id,
                position=position,
                name=name[:300],
                label=label[:300],
                normalised=normalise(label)[:300],
                field_type=field_type[:20],
                kind=kind,
                examples=[v[:EXAMPLE_CHARS] for v in values[:EXAMPLES]],
            )
        )
    return rows


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _sample(table: Table, columns: list[tuple[str, str]], profiles: dict) -> dict[str, list]:
    """Distinct non-null values (as text) of the first SAMPLE_ROWS rows, per column."""
    wanted = [
        name
        for name, _type in columns
        if profiles.get(name, {}).get("field_type") in _SAMPLED_TYPES
    ]
    if not wanted or not table.path.exists():
        return {}
    selects = ", ".join(f"CAST({duck.quote_identifier(name)} AS VARCHAR)" for name in wanted)
    # The process's shared query database (a cursor of this thread): no new database
    # to open for a thousand rows.
    rows = (
        duck.query_cursor()
        .execute(
            f"SELECT {selects} FROM read_parquet('"
            f"{duck.quote_literal_body(str(table.path))}') LIMIT {SAMPLE_ROWS}"
        )
        .fetchall()
    )
    samples: dict[str, list] = {}
    for i, name in enumerate(wanted):
        seen = dict.fromkeys(str(row[i]).strip() for row in rows if row[i] is not None)
        samples[name] = [v for v in seen if v]
    return samples


# --- Search -------------------------------------------------------------------------------


@dataclass
class ColumnMatch:
    column: IndexedColumn
    #: 3: the values are of the kind asked; 2: the name is the query; 1: it contains it.
    strength: int

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.column.kind, ""))


@dataclass
class DatasetColumns:
    dataset: Dataset
    columns: list[ColumnMatch] = field(default_factory=list)

    @property
    def strength(self) -> int:
        return max(match.strength for match in self.columns)


@dataclass
class ColumnSearchResult:
    query: str
    kinds: list[str]
    results: list[DatasetColumns]
    total: int

    @property
    def kind_labels(self) -> list[str]:
        return [str(KINDS[kind]) for kind in self.kinds]


class ColumnQueryError(ValueError):
    pass


def parse_column_query(query: str) -> str:
    """The query as searched ("colonne:" prefix dropped), or `ColumnQueryError` in French."""
    text = str(query or "").strip()
    if text.lower().startswith("colonne:"):
        text = text[len("colonne:") :].strip()
    if not normalise(text):
        raise ColumnQueryError(
            _(
                "Donnez un nom ou une nature de colonne, par exemple "
                "« code INSEE », « SIRET » ou « latitude »."
            )
        )
    if len(text) > MAX_QUERY_LENGTH:
        raise ColumnQueryError(
            _("La recherche de colonne est limitée à %(n)d caractères.") % {"n": MAX_QUERY_LENGTH}
        )
    return text


def _strength(kind: str, normalised: str, wanted: str, kinds: list[str]) -> int:
    if kind and kind in kinds:
        return 3
    if normalised == wanted:
        return 2
    return 1


# What the answer shows of a matching column, its resource and table (not the table's
# profile, schema and validation report).
_COLUMN_FIELDS = (
    "id",
    "dataset_id",
    "position",
    "name",
    "label",
    "normalised",
    "field_type",
    "kind",
    "examples",
    "resource__id",
    "resource__title",
    "table__id",
    "table__name",
    "table__position",
    "table__load__id",
    "table__load__resource_id",
)


def search_columns(user, query: str, offset: int = 0, limit: int = 20) -> ColumnSearchResult:
    """The datasets `user` may see with columns matching `query`, best first, and for each
    its matching columns (strongest first). Raises `ColumnQueryError` for an empty query.

    Datasets are ranked by their best column (kind, exact name, name containing the words),
    then by how many columns match, then by last modification.
    """
    text = parse_column_query(query)
    wanted = normalise(text)
    kinds = kinds_of_query(text)
    # The query's words as whole words of the name ("insee" finds code_insee, not
    # "inseecom"); any part of it for longer queries ("postal" finds codepostal).
    matching = (
        Q(normalised=wanted)
        | Q(normalised__startswith=f"{wanted}_")
        | Q(normalised__endswith=f"_{wanted}")
        | Q(normalised__contains=f"_{wanted}_")
    )
    if len(wanted) >= 5:
        matching |= Q(normalised__contains=wanted)
    if kinds:
        matching |= Q(kind__in=kinds)
    visible = Dataset.objects.visible_to(user).active()
    matched = IndexedColumn.objects.filter(matching, dataset__in=visible.values("id"))
    # First the ranking, from light tuples (a common kind such as `date` matches columns
    # of thousands of datasets); then the columns of the page's datasets only, without
    # their tables' profiles and schemas (big JSON documents the answer never shows).
    ranks: dict[int, list] = {}  # dataset id -> [best strength, matching columns, modified]
    for dataset_id, modified_at, kind, normalised in matched.order_by().values_list(
        "dataset_id", "dataset__modified_at", "kind", "normalised"
    ):
        strength = _strength(kind, normalised, wanted, kinds)
        rank = ranks.setdefault(dataset_id, [0, 0, modified_at])
        rank[0], rank[1] = max(rank[0], strength), rank[1] + 1
    ordered = sorted(
        ranks, key=lambda pk: (-ranks[pk][0], -ranks[pk][1], -ranks[pk][2].timestamp(), -pk)
    )
    page_ids = ordered[offset : offset + limit]
    by_dataset: dict[int, list[ColumnMatch]] = {pk: [] for pk in page_ids}
    for column in (
        matched.filter(dataset_id__in=page_ids)
        .select_related("resource", "table__load")
        .only(*_COLUMN_FIELDS)
        .order_by("dataset_id", "resource_id", "table_id", "position")
    ):
        by_dataset[column.dataset_id].append(
            ColumnMatch(column, _strength(column.kind, column.normalised, wanted, kinds))
        )
    datasets = (
        Dataset.objects.filter(pk__in=page_ids)
        .select_related("organisation")
        .only(
            "id",
            "slug",
            "title",
            "modified_at",
            "status",
            "private",
            "archived_at",
            "organisation__name",
            "organisation__slug",
        )
        .in_bulk()
    )
    results = [
        DatasetColumns(datasets[pk], sorted(by_dataset[pk], key=lambda m: -m.strength))
        for pk in page_ids
        if pk in datasets and by_dataset[pk]
    ]
    return ColumnSearchResult(query=text, kinds=kinds, results=results, total=len(ordered))
