"""Exports of a table, whole or filtered: CSV, JSON, JSON Lines, Parquet, XLSX, and GeoJSON
for geo tables.

Memory stays bounded whatever the size: DuckDB writes CSV/JSON/Parquet straight to a file
with COPY (it streams row groups), XLSX is written row by row by XlsxWriter in constant
memory mode from batches fetched off a DuckDB cursor. The file is then streamed to the
client. Whole-table exports are kept next to the version's Parquet files, so the second
download of the same version costs nothing; filtered ones go to a temporary file that is
deleted once open (POSIX keeps it readable until the response closes it).
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from django.conf import settings

from . import duck
from .errors import QueryError
from .query import RecordsRequest, TableRef, compile_filtered_select


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    media_type: str
    copy_options: str  # DuckDB COPY options; "" for formats written in Python


FORMATS = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8", "FORMAT csv, HEADER true"),
    "json": ExportFormat("json", "application/json", "FORMAT json, ARRAY true"),
    "jsonl": ExportFormat("jsonl", "application/x-ndjson", "FORMAT json"),
    "parquet": ExportFormat("parquet", "application/vnd.apache.parquet",
                            "FORMAT parquet, COMPRESSION zstd"),
    "xlsx": ExportFormat(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""),
    "geojson": ExportFormat("geojson", "application/geo+json", ""),
}
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, minus the header row
BATCH = 10_000


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise QueryError(f"Format d'export inconnu : « {name} ». Formats : "
                         f"{', '.join(FORMATS)}.", parameter="format") from None


def is_whole_table(request: RecordsRequest) -> bool:
    return not (request.select or request.where or request.q or request.refine
                or request.order_by or request.group_by)


def export(table: TableRef, request: RecordsRequest, fmt: ExportFormat,
           cache_dir: Path | None = None):
    """Write the export and return an open binary file positioned at its start.

    With `cache_dir` and an unfiltered request, the file is kept there and reused.
    """
    if cache_dir is not None and is_whole_table(request):
        cached = cache_dir / f"export.{fmt.extension}"
        if not cached.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            partial = cache_dir / f".export-{os.getpid()}.{fmt.extension}.part"
            try:
                _write(table, request, fmt, partial)
                partial.replace(cached)  # atomic: a reader never sees half a file
            finally:
                partial.unlink(missing_ok=True)
        return cached.open("rb")
    tmp_root = settings.DATASTORE_DIR / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=f".{fmt.extension}", dir=tmp_root)
    os.close(fd)
    target = Path(name)
    try:
        _write(table, request, fmt, target)
        handle = target.open("rb")
    finally:
        target.unlink(missing_ok=True)
    return handle


def _write(table: TableRef, request: RecordsRequest, fmt: ExportFormat, target: Path) -> None:
    sql, params = compile_filtered_select(table, request)
    cursor = duck.query_cursor()
    if fmt.extension == "geojson":
        from datasud.geo.export import write_geojson  # geo tables are the geo app's

        write_geojson(cursor, sql, params, table.columns, target)
        return
    if fmt.extension == "xlsx":
        _write_xlsx(cursor, sql, params, target)
        return
    literal = duck.quote_literal_body(str(target))
    cursor.execute(f"COPY ({sql}) TO '{literal}' ({fmt.copy_options})", params)


def _write_xlsx(cursor, sql: str, params: list, target: Path) -> None:
    result = cursor.execute(sql, params)
    names = [d[0] for d in result.description]
    workbook = xlsxwriter.Workbook(str(target), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False, "default_date_format": "yyyy-mm-dd",
        "remove_timezone": True})
    # Cell text that starts with "=" stays text (strings_to_formulas off): an export must
    # never turn a value into a formula run by the reader's spreadsheet.
    sheet = workbook.add_worksheet("données")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, names, bold)
    row_number = 0
    try:
        while batch := result.fetchmany(BATCH):
            for row in batch:
                row_number += 1
                if row_number > XLSX_MAX_ROWS:
                    raise QueryError("Trop de lignes pour un fichier XLSX (plus de 1 048 575) "
                                     ": filtrez les données ou choisissez CSV ou Parquet.",
                                     parameter="format")
                sheet.write_row(row_number, 0, [_xlsx_value(v) for v in row])
    finally:
        workbook.close()


def _xlsx_value(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        return value  # date/datetime: XlsxWriter writes real dates
    return str(value)
