"""The public read-only SQL endpoint: one SELECT over some tables, in a locked sandbox.

Layers, each enough on its own for the main risks, together for the rest:
1. `sandbox_connection` (duck.py): no file access except the tables' Parquet files, no
   extension loading, configuration locked (SET, PRAGMA assignments refused);
2. the text must be a single statement that DuckDB's own parser classifies as SELECT
   (WITH ... SELECT, VALUES, DESCRIBE, SUMMARIZE included; EXPLAIN, PRAGMA, COPY, ATTACH,
   INSTALL, LOAD, SET, CREATE... refused);
3. the parsed tree is checked: tables must be the given tables or CTEs, table functions
   are limited to generators (range, generate_series, unnest), and functions that reveal
   the server's settings (current_setting...) are refused;
4. a timer interrupts the query after `timeout_s`, and at most `row_cap` rows are fetched.
A fresh connection is used for every request and always closed.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..duck import parquet_source, quote_identifier, sandbox_connection
from ..errors import QueryError
from .values import json_value

MAX_SQL_LENGTH = 20_000
ALLOWED_TABLE_FUNCTIONS = {"range", "generate_series", "unnest"}
FORBIDDEN_FUNCTIONS = {"current_setting", "getvariable"}
# Scalar functions whose output size is set by an argument (positions, 0-based; None: all).
# DuckDB checks for interruption between vectors of 2048 rows, not inside one: a single
# repeat('x', 100000000) over 100 rows allocates 10 GB before the timer can stop it. Such
# arguments must be constants of at most AMPLIFY_LIMIT, and these functions not nested.
AMPLIFIERS = {"repeat": (1,), "lpad": (1,), "rpad": (1,), "list_resize": (1,),
              "array_resize": (1,), "bar": (3,), "range": None, "generate_series": None}
FORMATTERS = {"printf", "format"}  # a width in the format string amplifies too
AMPLIFY_LIMIT = 1000


@dataclass
class SqlResult:
    columns: list[dict]     # [{"name", "type"}]
    rows: list[list]        # JSON-ready values
    truncated: bool         # more rows than row_cap existed
    elapsed_ms: float


def run_sql(sql: str, tables: dict[str, Path], *, row_cap: int, timeout_s: float) -> SqlResult:
    """Run one user SELECT over `tables` (public name → Parquet file) in a sandbox.

    Each table is a view with the virtual `_id` column first, like the records API. Any
    refusal or SQL error is a QueryError whose message comes from DuckDB or says why.
    """
    if not isinstance(sql, str) or not sql.strip():
        raise QueryError("La requête SQL est vide.", parameter="sql")
    if len(sql) > MAX_SQL_LENGTH:
        raise QueryError(f"La requête SQL dépasse {MAX_SQL_LENGTH} caractères.",
                         parameter="sql")
    con = sandbox_connection(tables.values())
    try:
        for name, path in tables.items():
            con.execute(f"CREATE VIEW {quote_identifier(name)} AS SELECT file_row_number + 1 "
                        f"AS _id, * EXCLUDE (file_row_number) FROM {parquet_source(path)}")
        _check(con, sql, set(tables))
        return _execute(con, sql, row_cap, timeout_s)
    finally:
        con.close()


def _check(con: duckdb.DuckDBPyConnection, sql: str, tables: set[str]) -> None:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"Erreur de syntaxe SQL : {exc}", parameter="sql") from None
    if len(statements) != 1:
        raise QueryError("Une seule instruction SQL est permise (sans ; entre plusieurs).",
                         parameter="sql")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise QueryError(f"Seules les requêtes de lecture (SELECT) sont permises, pas "
                         f"{statements[0].type.name}.", parameter="sql")
    # DuckDB's own parse tree: no guessing from the text, whatever the quoting or comments.
    tree = json.loads(con.execute("SELECT json_serialize_sql($1)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise QueryError("Seules les requêtes de lecture (SELECT) sont permises.",
                         parameter="sql")
    known = frozenset(name.lower() for name in tables)
    table_calls: set[int] = set()  # FROM range(...) produces rows in interruptible chunks
    for node, visible in _walk(tree, known):
        kind = node.get("type")
        if kind == "BASE_TABLE":
            name = str(node.get("table_name", ""))
            if node.get("schema_name") or node.get("catalog_name"):
                raise QueryError(f"Écrivez le nom de la table sans préfixe : {name}.",
                                 parameter="sql")
            if name.lower() not in visible:
                shown = ", ".join(sorted(tables)) or "aucune"
                raise QueryError(f"Table inconnue : {name}. Tables disponibles : {shown}.",
                                 parameter="sql")
        elif kind == "TABLE_FUNCTION":
            table_calls.add(id(node.get("function")))
            name = str((node.get("function") or {}).get("function_name", "")).lower()
            if name not in ALLOWED_TABLE_FUNCTIONS:
                raise QueryError(f"La fonction de table {name}() n'est pas permise (seules "
                                 f"{', '.join(sorted(ALLOWED_TABLE_FUNCTIONS))} le sont).",
                                 parameter="sql")
        elif node.get("class") == "FUNCTION":
            name = str(node.get("function_name", "")).lower()
            if name in FORBIDDEN_FUNCTIONS:
                raise QueryError(f"La fonction {name}() n'est pas permise.", parameter="sql")
            if (name in AMPLIFIERS or name in FORMATTERS) and id(node) not in table_calls:
                _check_amplifier(name, node)


def _constant(node):
    """The value of a constant argument (possibly cast), or None."""
    while isinstance(node, dict) and node.get("class") == "CAST":
        node = node.get("child")
    if isinstance(node, dict) and node.get("class") == "CONSTANT":
        value = (node.get("value") or {})
        if not value.get("is_null"):
            return value.get("value")
    return None


def _check_amplifier(name: str, node: dict) -> None:
    children = node.get("children") or []
    hint = " ; pour de longues suites, utilisez range(...) dans FROM" if name in (
        "range", "generate_series") else ""
    refuse = QueryError(
        f"{name}() n'accepte ici que des tailles constantes d'au plus {AMPLIFY_LIMIT}, sans "
        f"fonction du même genre à l'intérieur{hint}.", parameter="sql")
    for child in children:
        for inner, _ in _walk(child, frozenset()):
            inner_name = str(inner.get("function_name", "")).lower()
            if inner.get("class") == "FUNCTION" and (inner_name in AMPLIFIERS
                                                     or inner_name in FORMATTERS):
                raise refuse
    if name in FORMATTERS:
        pattern = _constant(children[0]) if children else None
        if not isinstance(pattern, str) or re.search(r"\d{4}|\*|\{[^}]*\{", pattern):
            raise refuse
        return
    positions = AMPLIFIERS[name]
    checked = range(len(children)) if positions is None else positions
    values = []
    for position in checked:
        if position >= len(children):
            continue  # an optional argument left out takes its small default
        value = _constant(children[position])
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > AMPLIFY_LIMIT:
            raise refuse
        values.append(value)
    if positions is None and len(values) >= 2:  # range(start, stop[, step])
        step = abs(values[2]) if len(values) > 2 and values[2] else 1
        if abs(values[1] - values[0]) // step > AMPLIFY_LIMIT:
            raise refuse


def _walk(tree, tables: frozenset[str]) -> Iterator[tuple[dict, frozenset[str]]]:
    """Every object of the parse tree, with the table names visible there.

    A CTE name is visible in the query that defines it and below, not elsewhere, so that a
    CTE cannot make a system table name look like an allowed one in another subquery.
    """
    stack = [(tree, tables)]  # a stack, not recursion: the tree may be deep
    while stack:
        item, visible = stack.pop()
        if isinstance(item, dict):
            entries = (item.get("cte_map") or {}).get("map") or []
            names = {e["key"].lower() for e in entries
                     if isinstance(e, dict) and isinstance(e.get("key"), str)}
            if names:
                visible = visible | names
            yield item, visible
            stack.extend((child, visible) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, visible) for child in item)


def _execute(con, sql: str, row_cap: int, timeout_s: float) -> SqlResult:
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.daemon = True
    started = time.perf_counter()
    timer.start()
    try:
        result = con.execute(sql)
        rows = result.fetchmany(row_cap + 1)
        description = result.description or []
    except duckdb.InterruptException:
        raise QueryError(f"La requête a dépassé {timeout_s:g} s et a été arrêtée.",
                         parameter="sql") from None
    except duckdb.Error as exc:
        if not timer.is_alive() and time.perf_counter() - started >= timeout_s:
            raise QueryError(f"La requête a dépassé {timeout_s:g} s et a été arrêtée.",
                             parameter="sql") from None
        raise QueryError(f"Erreur SQL : {exc}", parameter="sql") from None
    finally:
        timer.cancel()
    elapsed_ms = (time.perf_counter() - started) * 1000
    truncated = len(rows) > row_cap
    columns = [{"name": d[0], "type": str(d[1])} for d in description]
    return SqlResult(columns, [[json_value(v) for v in row] for row in rows[:row_cap]],
                     truncated, round(elapsed_ms, 2))
