"""The datastore query layer: a small ODSQL-like language compiled to safe DuckDB SQL.

Public API (see docs/datastore-query.md for the language, in French and English):
- `TableRef`, `RecordsRequest`, `RecordsPage`, `CompiledQuery`;
- `run_records(cursor, table, request)`: a page of records, aggregates or groups, with its
  total, the next keyset cursor and the facet counts;
- `compile_records(table, request)` and `compile_filtered_select(table, request)`: the SQL
  and bound parameters, for exports that stream the filtered rows;
- `SqlResult`, `run_sql(sql, tables, row_cap=, timeout_s=)`: the read-only SQL sandbox.

Modules: lexer (text → tokens), parser (tokens → tree), expressions (tree → checked SQL
fragments and parameters), values (types, literals, JSON), compiler (requests → SQL plans),
cursors (signed keyset tokens), execute (plans → pages), sandbox (user SQL).
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
