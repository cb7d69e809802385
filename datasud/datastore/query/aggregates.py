"""Plans of the aggregate and groups modes, and of facet counts (see compiler.py)."""
from __future__ import annotations

from ..errors import QueryError
from . import parser as ast
from .compiler import (
    FACET_SIZE,
    MAX_FACETS,
    MAX_GROUP_KEYS,
    MAX_GROUP_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    CheckedRequest,
    CompiledQuery,
    SortKey,
    as_list,
    bounded,
    columns_of,
    orderable,
    output_sql,
    unique_names,
)
from .expressions import Expr, value_expr
from .values import ORDERABLE, describe


def compile_groups(checked: CheckedRequest, json_ready: bool) -> CompiledQuery:
    """The plan of a request with group_by, or with aggregates only in select."""
    request = checked.request
    if request.cursor:
        raise QueryError("Le curseur ne s'applique pas aux agrégations : utilisez offset.",
                         parameter="cursor")
    high = MAX_GROUP_LIMIT if checked.mode == "groups" else MAX_LIMIT
    limit = bounded(request.limit, "limit", high)
    offset = bounded(request.offset, "offset", MAX_OFFSET)
    group_keys = _group_keys(checked)
    resolver = _Resolver(checked, group_keys)
    outputs = resolver.outputs()
    named = dict(outputs)
    sort_keys = []
    for item in checked.order:
        node = item.expr
        if isinstance(node, ast.Column) and node.name in named:
            expr = named[node.name]
        else:
            expr = resolver.resolve(node, "order_by")
        sort_keys.append(SortKey(orderable(expr), item.descending))
    # Group keys last, so that the order is total and pages are stable.
    sort_keys += [SortKey(expr, False) for _, expr in group_keys]

    selected = ", ".join(output_sql(expr, json_ready) for _, expr in outputs)
    raw = ", ".join(output_sql(expr, False) for _, expr in outputs)
    grouping = (" GROUP BY " + ", ".join(expr.sql for _, expr in group_keys)
                if group_keys else "")
    order = (" ORDER BY " + ", ".join(key.sql() for key in sort_keys)) if sort_keys else ""
    filtered = f" FROM {checked.source}{checked.where_clause()}"
    tail = f"{filtered}{grouping}{order}"
    params = list(checked.cond_params.values)
    paging = f" LIMIT ${len(params) + 1} OFFSET ${len(params) + 2}"
    if group_keys:
        count_sql, count_params = f"SELECT count(*) FROM (SELECT 1{filtered}{grouping})", params
        # The window counts the groups in the same pass as the page.
        page_sql = f"SELECT {selected}, count(*) OVER (){tail}{paging}"
    else:
        count_sql, count_params = "SELECT 1", []
        page_sql = f"SELECT {selected}, 1{tail}{paging}"
    return CompiledQuery(
        sql=f"SELECT {selected}{tail}{paging}", params=params + [limit, offset],
        count_sql=count_sql, count_params=count_params, columns=columns_of(outputs),
        mode=checked.mode, limit=limit, offset=offset, stream_sql=f"SELECT {raw}{tail}",
        stream_params=params, page_sql=page_sql, page_params=params + [limit, offset],
        sort_keys=sort_keys)


def _group_keys(checked: CheckedRequest) -> list[tuple[str, Expr]]:
    group_keys: list[tuple[str, Expr]] = []
    for item in checked.group_items:
        if isinstance(item.expr, (ast.Star, ast.Literal)):
            raise QueryError("group_by attend des colonnes ou year(), month()...",
                             parameter="group_by")
        expr = value_expr(item.expr, checked.scope, "group_by")
        if expr.kind not in ORDERABLE:
            raise QueryError(f"On ne peut pas grouper sur {describe(expr.label, expr.kind)}.",
                             parameter="group_by")
        group_keys.append((item.alias or expr.label, expr))
    if len(group_keys) > MAX_GROUP_KEYS:
        raise QueryError(f"Au plus {MAX_GROUP_KEYS} clés de regroupement.",
                         parameter="group_by")
    return unique_names(group_keys, "group_by")


class _Resolver:
    """Names in select and order_by: group aliases, group keys or aggregates."""

    def __init__(self, checked: CheckedRequest, group_keys: list[tuple[str, Expr]]) -> None:
        self.checked = checked
        self.group_keys = group_keys
        self.by_alias = dict(group_keys)
        self.by_label = {expr.label: expr for _, expr in group_keys}

    def resolve(self, node, parameter: str) -> Expr:
        if isinstance(node, ast.Column) and node.name in self.by_alias:
            return self.by_alias[node.name]
        if isinstance(node, (ast.Star, ast.Literal)):
            raise QueryError(f"{parameter} attend des clés de group_by ou des agrégats "
                             "(count, sum, avg, min, max).", parameter=parameter)
        expr = value_expr(node, self.checked.scope, parameter, aggregates=True)
        if not expr.aggregate and expr.label not in self.by_label:
            raise QueryError(f"`{expr.label}` doit figurer dans group_by ou dans une fonction "
                             "d'agrégat (count, sum, avg, min, max).", parameter=parameter)
        return expr

    def outputs(self) -> list[tuple[str, Expr]]:
        if not self.checked.select:  # the keys and how many rows each group has
            count = value_expr(ast.Call("count", (), 0, star=True), self.checked.scope,
                               "select", aggregates=True)
            return self.group_keys + [("count", count)]
        outputs = []
        for item in self.checked.select:
            expr = self.resolve(item.expr, "select")
            name = item.alias or expr.label
            if not item.alias and isinstance(item.expr, ast.Column) \
                    and item.expr.name in self.by_alias:
                name = item.expr.name  # `annee` from group_by "year(date) as annee"
            outputs.append((name, expr))
        return unique_names(outputs)


def compile_facets(checked: CheckedRequest, compiled: CompiledQuery) -> None:
    """Add to `compiled` the query counting the top values of each facet column."""
    names = as_list(checked.request.facets)
    if not names:
        return
    if len(names) > MAX_FACETS:
        raise QueryError(f"Au plus {MAX_FACETS} facettes.", parameter="facets")
    if len(set(names)) != len(names):
        raise QueryError("Une facette est demandée deux fois.", parameter="facets")
    exprs = []
    for name in names:
        expr = checked.scope.column(name, "facets")
        if expr.kind not in ORDERABLE:
            raise QueryError(f"Pas de facette sur {describe(expr.label, expr.kind)}.",
                             parameter="facets")
        exprs.append(expr)
    source, params = checked.source, list(checked.cond_params.values)
    if len(exprs) == 1:
        sql = exprs[0].sql
        where = checked.where_clause(f"{sql} IS NOT NULL")
        compiled.facets_sql = (f"SELECT 0, {sql}, count(*) AS n FROM {source}{where} "
                               f"GROUP BY {sql} ORDER BY count(*) DESC, {sql} LIMIT {FACET_SIZE}")
    else:
        # One scan for all facets: one grouping set per column, the top values of each.
        cols = [f"c{i}" for i in range(len(exprs))]
        inner = ", ".join(f"{e.sql} AS {c}" for e, c in zip(exprs, cols, strict=True))
        sets = ", ".join(f"({e.sql})" for e in exprs)
        every = ", ".join(e.sql for e in exprs)
        compiled.facets_sql = (
            f"SELECT g, {', '.join(cols)}, n FROM (SELECT GROUPING({every}) AS g, {inner}, "
            f"count(*) AS n FROM {source}{checked.where_clause()} GROUP BY GROUPING SETS "
            f"({sets})) WHERE {' OR '.join(f'{c} IS NOT NULL' for c in cols)} "
            f"QUALIFY row_number() OVER (PARTITION BY g ORDER BY n DESC, {', '.join(cols)}) "
            f"<= {FACET_SIZE} ORDER BY g DESC, n DESC, {', '.join(cols)}")
    compiled.facets_params = params
    compiled.facet_columns = exprs
