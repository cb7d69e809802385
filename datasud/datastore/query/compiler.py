"""Records, group-by and facet requests → DuckDB SQL with bound parameters.

Three modes, chosen from the request:
- records: rows of the table, filtered, sorted (always ending with the file row number, so
  that the order is total and pages never overlap), paged by offset or by keyset cursor;
- aggregate: aggregates in `select` without `group_by`, one row over the filtered rows;
- groups: `group_by` keys with aggregates, one row per group, paged by offset.

A records page is one query: DuckDB's top-N with late materialisation reads the filter and
sort columns first and the other columns only for the rows of the page (measured faster
than doing the same in two queries). The whole table in file order is read as a range of
row numbers, so that only the row groups holding the page are decoded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..duck import parquet_source
from ..errors import QueryError
from . import parser as ast
from .cursors import decode_cursor, fingerprint
from .expressions import (
    AGGREGATES,
    ID,
    ROW_NUMBER,
    ConditionCompiler,
    Expr,
    Params,
    Scope,
    value_expr,
)
from .values import ORDERABLE, describe

MAX_LIMIT = 1000
MAX_GROUP_LIMIT = 10_000
MAX_OFFSET = 10_000
MAX_FACETS = 10
FACET_SIZE = 20
MAX_SORT_KEYS = 10
MAX_GROUP_KEYS = 10


@dataclass(frozen=True)
class TableRef:
    path: Path                          # the Parquet file
    columns: list[tuple[str, str]]      # (name, DuckDB type), in order; `_id` is virtual


@dataclass
class RecordsRequest:
    select: str = ""
    where: str = ""
    q: str = ""
    refine: list[str] = field(default_factory=list)
    group_by: str = ""
    order_by: str = ""
    limit: int = 20
    offset: int = 0
    cursor: str = ""
    facets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SortKey:
    expr: Expr
    descending: bool

    def sql(self) -> str:
        return f"{self.expr.sql} {'DESC' if self.descending else 'ASC'} NULLS LAST"


@dataclass
class CompiledQuery:
    """SQL texts and parameters of one request.

    `sql`/`params`: the page as one standalone query (result columns only). `stream_sql`/
    `stream_params`: the same rows without limit nor offset (exports). `count_sql`/
    `count_params`: the number of matching rows (groups in groups mode). The other fields
    are the plan `run_records` follows.
    """
    sql: str
    params: list
    count_sql: str
    count_params: list
    columns: list[dict]
    mode: str                      # "records", "aggregate" or "groups"
    limit: int
    offset: int
    stream_sql: str
    stream_params: list
    # records: row number, sort keys, then the result columns, one row more than the limit;
    # groups: the result columns, then the number of groups
    page_sql: str = ""
    page_params: list = field(default_factory=list)
    sort_keys: list[SortKey] = field(default_factory=list)
    fingerprint: str = ""
    uses_cursor: bool = False
    facets_sql: str = ""
    facets_params: list = field(default_factory=list)
    facet_columns: list[Expr] = field(default_factory=list)
    path: str = ""                 # the Parquet file (results of a file version never change)


def bounded(value, name: str, high: int, hint: str = "") -> int:
    """`value` as an integer between 0 and `high`, or a QueryError naming `name`."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{name} doit être un nombre entier.", parameter=name) from None
    if not 0 <= number <= high:
        raise QueryError(f"{name} doit être compris entre 0 et {high}{hint}.", parameter=name)
    return number


def output_sql(expr: Expr, json_ready: bool) -> str:
    """The SQL selecting `expr` in a result."""
    # GEOMETRY values are WKB bytes; WKT (core DuckDB, no extension) is readable in JSON.
    if json_ready and expr.type.upper().startswith("GEOMETRY"):
        return f"ST_AsText({expr.sql})"
    return expr.sql


class CheckedRequest:
    """The checked parts of a request, shared by all the SQL built from it."""

    def __init__(self, table: TableRef, request: RecordsRequest) -> None:
        self.table = table
        self.request = request
        self.scope = Scope(table.columns)
        self.source = parquet_source(table.path)
        self.cond_params = Params()
        self.condition = self._condition()
        self.select = ast.parse_items(request.select or "", "select")
        self.group_items = ast.parse_items(request.group_by or "", "group_by")
        self.order = ast.parse_order_by(request.order_by or "")
        has_aggregate = any(isinstance(i.expr, ast.Call) and i.expr.name in AGGREGATES
                            for i in self.select)
        self.mode = "groups" if self.group_items else ("aggregate" if has_aggregate
                                                       else "records")

    def _condition(self) -> str:
        compiler = ConditionCompiler(self.scope, self.cond_params)
        request = self.request
        parts = []
        tree = ast.parse_where(request.where or "")
        if tree is not None:
            parts.append(compiler.where(tree))
        if text := compiler.full_text(request.q or ""):
            parts.append(text)
        if refine := compiler.refine(as_list(request.refine)):
            parts.append(refine)
        return " AND ".join(parts)

    def where_clause(self, extra: str = "") -> str:
        """The " WHERE ..." of the condition and `extra` ("" when there is neither)."""
        parts = [p for p in (self.condition, extra) if p]
        return f" WHERE {' AND '.join(parts)}" if parts else ""

    def outputs(self) -> list[tuple[str, Expr]]:
        """(output name, expression) of records mode."""
        if not self.select:
            return [(name, self.scope.column(name, "select")) for name in self.scope.names()]
        outputs = []
        for item in self.select:
            if isinstance(item.expr, ast.Star):
                outputs.extend((name, self.scope.column(name, "select"))
                               for name in self.scope.types)
                continue
            if isinstance(item.expr, ast.Literal):
                raise QueryError("select attend des colonnes ou des fonctions, pas des "
                                 "valeurs.", parameter="select")
            expr = value_expr(item.expr, self.scope, "select")
            outputs.append((item.alias or expr.label, expr))
        return unique_names(outputs)

    def record_sort_keys(self, outputs: list[tuple[str, Expr]]) -> list[SortKey]:
        """The order_by keys of records mode (select aliases allowed)."""
        aliases = {name: expr for name, expr in outputs}
        keys = []
        for item in self.order:
            if isinstance(item.expr, ast.Column) and item.expr.name in aliases:
                expr = aliases[item.expr.name]  # as in SQL, an alias hides a column
            else:
                expr = value_expr(item.expr, self.scope, "order_by")
            keys.append(SortKey(orderable(expr), item.descending))
        if len(keys) > MAX_SORT_KEYS:
            raise QueryError(f"Au plus {MAX_SORT_KEYS} clés de tri.", parameter="order_by")
        return keys


def as_list(value) -> list[str]:
    """A list parameter (refine, facets) as a list of strings."""
    # A lone string is one value, not a list of characters.
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def orderable(expr: Expr) -> Expr:
    """`expr` if it can be sorted on, else a QueryError."""
    if expr.kind not in ORDERABLE:
        raise QueryError(f"On ne peut pas trier sur {describe(expr.label, expr.kind)}.",
                         parameter="order_by")
    return expr


def unique_names(outputs: list[tuple[str, Expr]],
                 parameter: str = "select") -> list[tuple[str, Expr]]:
    """`outputs` if their names are distinct, else a QueryError."""
    seen: set[str] = set()
    for name, _ in outputs:
        if name in seen:
            raise QueryError(f"Le nom `{name}` apparaît deux fois : renommez avec as.",
                             parameter=parameter)
        seen.add(name)
    return outputs


def columns_of(outputs: list[tuple[str, Expr]]) -> list[dict]:
    """The `columns` of a page: name and DuckDB type of each output."""
    return [{"name": name, "type": expr.type} for name, expr in outputs]


def compile_records(table: TableRef, request: RecordsRequest, *,
                    json_ready: bool = True) -> CompiledQuery:
    """Compile a records, aggregate or group-by request (see the module docstring).

    With `json_ready` (the default, used by the API pages), geometries are selected as WKT;
    without it, values keep their DuckDB types (exports).
    """
    from .aggregates import compile_facets, compile_groups  # aggregates imports this module

    checked = CheckedRequest(table, request)
    if checked.mode == "records":
        compiled = _compile_rows(checked, json_ready)
    else:
        compiled = compile_groups(checked, json_ready)
    compile_facets(checked, compiled)
    compiled.path = str(table.path)
    return compiled


def compile_filtered_select(table: TableRef, request: RecordsRequest) -> tuple[str, list]:
    """All the filtered, ordered, selected rows (or groups), without limit nor offset.

    For exports: an empty `select` means the table's own columns (not the virtual `_id`),
    and values keep their DuckDB types (geometries stay geometries). The cursor, limit and
    offset of the request are ignored.
    """
    select = request.select if (request.select or "").strip() or request.group_by else "*"
    request = RecordsRequest(**{**request.__dict__, "select": select, "cursor": "",
                                "offset": 0, "limit": 0, "facets": []})
    compiled = compile_records(table, request, json_ready=False)
    return compiled.stream_sql, compiled.stream_params


def _compile_rows(checked: CheckedRequest, json_ready: bool) -> CompiledQuery:
    request = checked.request
    limit = bounded(request.limit, "limit", MAX_LIMIT)
    offset = bounded(request.offset, "offset", MAX_OFFSET,
                      " ; pour aller plus loin, suivez next_cursor")
    outputs = checked.outputs()
    keys = checked.record_sort_keys(outputs)
    if len(keys) == 1 and keys[0].expr.label == ID and checked.scope.virtual_id \
            and not keys[0].descending:
        keys = []  # `_id asc` is the file order
    query_fp = fingerprint(str(checked.table.path), checked.table.columns, request.where,
                           request.q, sorted(as_list(request.refine)),
                           [key.sql() for key in keys])
    params = Params(checked.cond_params.values)
    keyset, after_row = "", -1
    if request.cursor:
        if offset:
            raise QueryError("offset et cursor ne se combinent pas : le curseur porte déjà "
                             "la position.", parameter="offset")
        values, after_row = decode_cursor(request.cursor, query_fp, len(keys))
        keyset = _keyset(keys, values, after_row, params)
    source = checked.source
    selected = ", ".join(output_sql(expr, json_ready) for _, expr in outputs)
    raw = ", ".join(output_sql(expr, False) for _, expr in outputs)
    order = ", ".join([key.sql() for key in keys] + [ROW_NUMBER])
    base = f" FROM {source}{checked.where_clause(keyset)} ORDER BY {order}"
    n = len(params.values)
    paging = f" LIMIT ${n + 1} OFFSET ${n + 2}"
    leading = ", ".join([ROW_NUMBER] + [key.expr.sql for key in keys])
    if not keys and not checked.condition:
        # The whole table in file order: a page is a range of row numbers, so DuckDB reads
        # only the row groups that hold it, however deep the page.
        start = after_row + 1 if request.cursor else offset
        page_sql = (f"SELECT {leading}, {selected} FROM {source} WHERE {ROW_NUMBER} >= $1 "
                    f"AND {ROW_NUMBER} < $2 ORDER BY {ROW_NUMBER}")
        page_params = [start, start + limit + 1]
    else:
        page_sql = f"SELECT {leading}, {selected}{base}{paging}"
        # One row more than asked tells whether another page follows.
        page_params = params.values + [limit + 1, offset]
    stream_order = ", ".join([key.sql() for key in keys] + [ROW_NUMBER])
    filtered = f" FROM {source}{checked.where_clause()}"
    return CompiledQuery(
        sql=f"SELECT {selected}{base}{paging}", params=params.values + [limit, offset],
        count_sql=f"SELECT count(*){filtered}", count_params=list(checked.cond_params.values),
        columns=columns_of(outputs), mode="records", limit=limit, offset=offset,
        stream_sql=f"SELECT {raw}{filtered} ORDER BY {stream_order}",
        stream_params=list(checked.cond_params.values),
        page_sql=page_sql, page_params=page_params, sort_keys=keys, fingerprint=query_fp,
        uses_cursor=bool(request.cursor))


def _keyset(keys: list[SortKey], values: list, row_number: int, params: Params) -> str:
    """The condition "after the row with these sort values and row number" (nulls last)."""
    alternatives = []
    equal: list[str] = []
    for key, value in zip(keys, values, strict=True):
        sql = key.expr.sql
        if value is not None:
            bound = params.add(value)
            after = f"({sql} {'<' if key.descending else '>'} {bound} OR {sql} IS NULL)"
            alternatives.append(" AND ".join([*equal, after]))
            equal.append(f"{sql} = {bound}")
        else:
            equal.append(f"{sql} IS NULL")  # nothing sorts after a null: nulls come last
    alternatives.append(" AND ".join([*equal, f"{ROW_NUMBER} > {params.add(row_number)}"]))
    return "(" + " OR ".join(f"({a})" for a in alternatives) + ")"
