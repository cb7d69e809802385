"""The datastore query layer: a small ODSQL-like language compiled to safe DuckDB SQL.

Public API (see docs/datastore-query.md for the language, in French and English):
- `TableRef`, `RecordsRequest`, `RecordsPage`, `CompiledQuery`;
- `run_records(cursor, table, request)`: a page of records, aggregates or groups, with its
  total, the next keyset cursor and the facet counts;
- `compile_records(table, request)` and `compile_filtered_select(table, request)`: the SQL
  and bound parameters, for exports that stream the filtered rows;
- `SqlResult`, `run_sql(sql, tables, row_cap=, timeout_s=)`: the read-only SQL sandbox.

Modules: lexer (text → tokens), parser (tokens → tree), expressions (tree → checked SQL
fragments and bound parameters), values (column kinds, literals, JSON), compiler (records
requests → SQL), aggregates (group-by, aggregate and facet SQL), cursors (signed keyset
tokens), execute (SQL → pages, cached totals), sandbox (the read-only SQL endpoint).
"""
from .compiler import (
                       CompiledQuery,
                       RecordsRequest,
                       TableRef,
                       compile_filtered_select,
                       compile_records,
)
from .execute import RecordsPage, run_records
from .sandbox import SqlResult, run_sql

__all__ = ["CompiledQuery", "RecordsPage", "RecordsRequest", "SqlResult", "TableRef",
           "compile_filtered_select", "compile_records", "run_records", "run_sql"]
