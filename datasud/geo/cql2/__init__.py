"""CQL2 (OGC 21-065r2), the filter language of OGC API Features Part 3.

Two encodings parse to the same small syntax tree (`nodes`): CQL2 text (`text.py`) and
CQL2 JSON (`jsonparser.py`); `compiler.py` turns the tree into a DuckDB WHERE clause with
quoted identifiers taken from the table's own columns and bound values only (the temporal
and array functions in `functions.py`, the kinds of values in `values.py`). Geometry
literals are built by `geometry.py` (WKT and GeoJSON share its checks).

Supported: Basic CQL2 (=, <>, <, <=, >, >=, AND, OR, NOT, IS [NOT] NULL, strings, numbers,
booleans, DATE(...), TIMESTAMP(...)), advanced comparison ([NOT] LIKE, [NOT] BETWEEN,
[NOT] IN), CASEI and ACCENTI, property-property comparisons, and the spatial functions
S_INTERSECTS, S_EQUALS, S_DISJOINT, S_TOUCHES, S_WITHIN, S_OVERLAPS, S_CROSSES, S_CONTAINS
on POINT, LINESTRING, POLYGON, MULTI*, GEOMETRYCOLLECTION and BBOX literals, the temporal
functions T_AFTER... T_STARTS on instants and INTERVAL(start, end), the array functions
A_EQUALS, A_CONTAINS, A_CONTAINEDBY, A_OVERLAPS, and arithmetic (+ - * / % div ^).
Hostile input is bounded: text length, nesting depth, IN list and array size, arithmetic
operator and coordinate counts.
"""

from __future__ import annotations

from datasud.datastore.errors import QueryError

from .compiler import CompiledFilter, TableSchema, compile_filter
from .jsonparser import parse_json
from .text import parse_text

LANGUAGES = ("cql2-text", "cql2-json")
MAX_FILTER_LENGTH = 20_000


def parse_filter(raw: str, language: str = "cql2-text"):
    """The syntax tree of the filter `raw` written in `language`; QueryError (naming the
    position, or the JSON path) when it is malformed or too big."""
    if language not in LANGUAGES:
        raise QueryError(
            f"« filter-lang » : langage inconnu « {language[:40]} ». Langages "
            f"proposés : {', '.join(LANGUAGES)}.",
            parameter="filter-lang",
        )
    if len(raw) > MAX_FILTER_LENGTH:
        raise QueryError(
            f"« filter » est trop long ({len(raw)} caractères, au plus {MAX_FILTER_LENGTH}).",
            parameter="filter",
        )
    return parse_json(raw) if language == "cql2-json" else parse_text(raw)


__all__ = ["LANGUAGES", "CompiledFilter", "TableSchema", "compile_filter", "parse_filter"]
