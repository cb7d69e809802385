"""Run a compiled records request on a DuckDB cursor and build the JSON-ready page.

The total is computed with as little work as possible: when the page holds the last
matching rows it is known without counting; otherwise a `count(*)` with the same filters
runs (DuckDB answers it from the Parquet metadata when there is no filter). Totals and facet
counts are cached per file version (path, modification time, size): a loaded Parquet file
never changes in place, so paging through a filter counts it once.

The rows of a page are cached the same way, keyed by the file version and the exact SQL
and parameters, within a memory budget (`ROWS_CACHE_BYTES`): a page asked again (a
dashboard refreshing, a popular link, the resource page's preview) costs no DuckDB work.
A new version is a new file in a new folder, so it never meets the rows of the old one.
"""
from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import duckdb

from ..errors import QueryError
from .compiler import CompiledQuery, RecordsRequest, TableRef, compile_records
from .cursors import encode_cursor
from .values import json_value

CACHE_SIZE = 4096
_cache: OrderedDict[tuple, object] = OrderedDict()
_cache_lock = threading.Lock()


def _file_version(path: str) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None  # DuckDB will report the missing file
    return (path, stat.st_mtime_ns, stat.st_size)


def _cache_get(key: tuple | None):
    if key is None:
        return None
    with _cache_lock:
        value = _cache.get(key)
        if value is not None:
            _cache.move_to_end(key)
        return value


def _cache_put(key: tuple | None, value) -> None:
    if key is None:
        return
    with _cache_lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


# Cached page rows: about this many bytes in all, and a page weighing more than a tenth of
# it is not kept (one 1000-row page of long texts would evict hundreds of small ones).
ROWS_CACHE_BYTES = 32 * 1024 * 1024
_rows: OrderedDict[tuple, tuple[list[tuple], int]] = OrderedDict()
_rows_bytes = 0


def _weight(rows: list[tuple]) -> int:
    """Roughly the memory `rows` hold: texts and bytes by their length, the rest 16 bytes."""
    return 64 + sum(64 + sum(len(v) if isinstance(v, str | bytes) else 16 for v in row)
                    for row in rows)


def _fetch(cursor, sql: str, params: list, version: tuple | None) -> list[tuple]:
    """The rows of `sql` on a file version, from the cache when they were fetched before."""
    global _rows_bytes
    key = version and (version, sql, tuple(params))
    if key is not None:
        with _cache_lock:
            entry = _rows.get(key)
            if entry is not None:
                _rows.move_to_end(key)
                return entry[0]
    found = cursor.execute(sql, params).fetchall()
    weight = _weight(found)
    if key is not None and weight <= ROWS_CACHE_BYTES // 10:
        with _cache_lock:
            if key not in _rows:
                _rows[key] = (found, weight)
                _rows_bytes += weight
            while _rows_bytes > ROWS_CACHE_BYTES:
                _, (_dropped, dropped_weight) = _rows.popitem(last=False)
                _rows_bytes -= dropped_weight
    return found


def clear_cache() -> None:
    """Forget cached totals, facets and rows (tests; files are versioned, so never needed)."""
    global _rows_bytes
    with _cache_lock:
        _cache.clear()
        _rows.clear()
        _rows_bytes = 0


@dataclass
class RecordsPage:
    columns: list[dict]                 # [{"name", "type"}] of the result
    rows: list[dict]                    # JSON-ready values
    total: int                          # matching rows (groups with group_by)
    next_cursor: str | None             # token of the next page, None on the last one
    facets: dict[str, list[dict]] = field(default_factory=dict)


def run_records(cursor: duckdb.DuckDBPyConnection, table: TableRef,
                request: RecordsRequest) -> RecordsPage:
    """Run a records / aggregate / group-by request: rows, total, next cursor, facets.

    Raises QueryError for any mistake in the request, and for values DuckDB cannot compute
    (an overflow in an aggregate, for instance).
    """
    compiled = compile_records(table, request)
    version = _file_version(compiled.path)
    try:
        if compiled.mode == "records":
            page = _records(cursor, compiled, version)
        else:
            page = _groups(cursor, compiled, version)
        page.facets = _facets(cursor, compiled, version)
    except (duckdb.ConversionException, duckdb.OutOfRangeException) as exc:
        raise QueryError(f"La requête n'a pas pu être calculée : {exc}") from exc
    return page


def _dicts(columns: list[dict], rows: list[tuple]) -> list[dict]:
    names = [column["name"] for column in columns]
    return [{name: json_value(value) for name, value in zip(names, row, strict=False)}
            for row in rows]


class _Total:
    """The total of a compiled query: cached, given, or counted on demand."""

    def __init__(self, cursor, compiled: CompiledQuery, version: tuple | None) -> None:
        self.cursor = cursor
        self.compiled = compiled
        self.key = version and (version, compiled.count_sql, tuple(compiled.count_params))
        self.value = _cache_get(self.key)

    def known(self, value: int) -> int:
        if self.value is None:
            self.value = value
            _cache_put(self.key, value)
        return self.value

    def count(self) -> int:
        if self.value is None:
            compiled = self.compiled
            found = self.cursor.execute(compiled.count_sql, compiled.count_params).fetchone()
            self.known(found[0])
        return self.value


def _records(cursor, compiled: CompiledQuery, version) -> RecordsPage:
    total = _Total(cursor, compiled, version)
    if compiled.limit == 0:
        return RecordsPage(compiled.columns, [], total.count(), None)
    found = _fetch(cursor, compiled.page_sql, compiled.page_params, version)
    more = len(found) > compiled.limit
    found = found[:compiled.limit]
    skip = 1 + len(compiled.sort_keys)  # the row number and the sort keys come first
    rows = _dicts(compiled.columns, [row[skip:] for row in found])
    if not compiled.uses_cursor and not more and (found or compiled.offset == 0):
        total.known(compiled.offset + len(found))  # this page ends the result
    next_cursor = None
    if more:
        last = found[-1]
        next_cursor = encode_cursor(list(last[1:skip]), last[0], compiled.fingerprint)
    return RecordsPage(compiled.columns, rows, total.count(), next_cursor)


def _groups(cursor, compiled: CompiledQuery, version) -> RecordsPage:
    total = _Total(cursor, compiled, version)
    found = _fetch(cursor, compiled.page_sql, compiled.page_params, version)
    if compiled.mode == "aggregate":
        total.known(1)
    elif found:
        total.known(found[0][-1])  # count(*) OVER (): the number of groups
    elif compiled.offset == 0 and compiled.limit:
        total.known(0)
    rows = _dicts(compiled.columns, [row[:-1] for row in found])
    return RecordsPage(compiled.columns, rows, total.count(), None)


def _facets(cursor, compiled: CompiledQuery, version) -> dict[str, list[dict]]:
    if not compiled.facets_sql:
        return {}
    key = version and (version, compiled.facets_sql, tuple(compiled.facets_params))
    cached = _cache_get(key)
    if cached is not None:
        return copy.deepcopy(cached)
    facets: dict[str, list[dict]] = {expr.label: [] for expr in compiled.facet_columns}
    names = list(facets)
    for row in cursor.execute(compiled.facets_sql, compiled.facets_params).fetchall():
        values = row[1:-1]
        index = next(i for i, value in enumerate(values) if value is not None)
        facets[names[index]].append({"value": json_value(values[index]), "count": row[-1]})
    _cache_put(key, copy.deepcopy(facets))
    return facets
