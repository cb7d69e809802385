"""XLSX, XLSM, XLS and ODS workbooks to Parquet, one table per non-empty worksheet.

python-calamine parses the workbook (cached formula results, no macro ever run). Each
sheet is walked once through `iter_rows`, in chunks, so Python memory stays bounded: the
chunk types the columns from the Python values and is written to a temporary CSV, which
DuckDB reads back with those types given explicitly. No pandas, no pyarrow.
"""
from __future__ import annotations

import csv
import datetime as dt
import mmap
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import duckdb
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from datasud.datastore.errors import IngestError

from ..duck import quote_identifier
from .columns import clean_column_names
from .guards import IngestLimits, check_column_count, check_zip_container
from .staging import (
    Outputs,
    Progress,
    StagedTable,
    copy_to_parquet,
    duck_detail,
    parquet_columns,
    sql_path,
)

CHUNK_ROWS = 4096
MACROS_IGNORED = "Les macros du classeur ont été ignorées."
_MAX_EXACT_FLOAT = 2**53  # integral floats beyond this are not exact integers
_XLS_VBA = "_VBA_PROJECT".encode("utf-16-le")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_PASSWORD = "Le classeur est protégé par un mot de passe : publiez-le sans protection."


def _ole_has(source: Path, stream_name: bytes) -> bool:
    """Whether an OLE2 (XLS) container names a stream: the directory stores UTF-16 names."""
    try:
        with open(source, "rb") as stream, mmap.mmap(stream.fileno(), 0,
                                                     access=mmap.ACCESS_READ) as data:
            return data.find(stream_name) != -1
    except (OSError, ValueError):
        return False


def _has_macros(source: Path, fmt: str, members: list[str]) -> bool:
    if fmt == "xlsx":
        return any(name.lower().endswith("vbaproject.bin") for name in members)
    if fmt == "ods":
        return any(name.startswith("Basic/") for name in members)
    return _ole_has(source, _XLS_VBA)


def _label(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _is_empty(row: list) -> bool:
    return row.count("") == len(row)  # 0 and False are values, not empty cells


class _ColumnState:
    """What the values of one column looked like, chunk after chunk."""

    __slots__ = ("types", "text", "integral", "small")

    def __init__(self) -> None:
        self.types: set[type] = set()
        self.text = False        # a non-empty string was seen
        self.integral = True     # every float is a whole number...
        self.small = True        # ...small enough to be exact

    def update(self, values: tuple) -> None:
        types = set(map(type, values))
        self.types |= types
        if str in types and not self.text:
            self.text = any(v for v in values if v.__class__ is str)
        if float in types and self.integral:
            floats = [v for v in values if v.__class__ is float]
            self.integral = all(map(float.is_integer, floats))
            self.small = self.small and max(map(abs, floats)) < _MAX_EXACT_FLOAT

    @property
    def used(self) -> bool:
        return self.text or bool(self.types - {str})

    def duck_type(self) -> str:
        types = self.types - ({str} if not self.text else set())
        if not types:
            return "VARCHAR"
        if types <= {int, float}:
            return "BIGINT" if self.integral and self.small else "DOUBLE"
        if types == {bool}:
            return "BOOLEAN"
        if types == {dt.date}:
            return "DATE"
        if types <= {dt.date, dt.datetime}:
            return "TIMESTAMP"
        return "VARCHAR"


def _chunks(rows: Iterator[list], width: int) -> Iterator[list[list]]:
    """Rows in lists of CHUNK_ROWS, fully empty rows removed."""
    empty = [""] * width
    while chunk := list(islice(rows, CHUNK_ROWS)):
        # `in` and `!=` compare lists in C: cheap when, as usual, no row is empty.
        yield [row for row in chunk if row != empty] if empty in chunk else chunk


def _data_rows(sheet) -> tuple[list | None, int, Iterator[list]]:
    """The header (first non-empty row), its 1-based row number, and the rows after it."""
    rows = iter(sheet.iter_rows())
    for number, row in enumerate(rows, start=1):
        if not _is_empty(row):
            return row, number, rows
    return None, 0, iter(())


def _integral_text(value: object) -> object:
    # In a text column, 12.0 reads better as "12", as the spreadsheet displays it.
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value


def _rewrite_csv(sheet, target: Path, fix: list[int]) -> None:
    """Write the rows again, integral floats of the `fix` columns as integers."""
    header, _, rows = _data_rows(sheet)
    with open(target, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        for chunk in _chunks(rows, len(header)):
            for row in chunk:
                for index in fix:
                    row[index] = _integral_text(row[index])
            writer.writerows(chunk)


def _stage_sheet(sheet, name: str, position: int, outputs: Outputs,
                 con: duckdb.DuckDBPyConnection, limits: IngestLimits,
                 options: dict) -> StagedTable | None:
    header, header_row, rows = _data_rows(sheet)
    if header is None:
        return None
    check_column_count(sum(1 for value in header if value != ""), limits)
    # One pass types the columns and writes every value; the csv module formats them in C.
    states = [_ColumnState() for _ in header]
    temp_csv = outputs.temp("sheet-csv")
    with open(temp_csv, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        for chunk in _chunks(rows, len(header)):
            if chunk:
                for state, values in zip(states, zip(*chunk, strict=True), strict=True):
                    state.update(values)
                writer.writerows(chunk)
    # Columns with neither a header label nor any value are layout, not data.
    keep = [i for i, state in enumerate(states) if header[i] != "" or state.used]
    check_column_count(len(keep), limits)
    labels = [_label(header[i]) for i in keep]
    names = clean_column_names(labels)
    types = {i: states[i].duck_type() for i in keep}
    fix = [i for i in keep if types[i] == "VARCHAR" and float in states[i].types]
    if fix:  # rare: numbers mixed with text, 12.0 should read "12"
        _rewrite_csv(sheet, temp_csv, fix)
    # Integral floats are read as DOUBLE and cast: "12.0" is not a valid BIGINT literal.
    read_types = ["DOUBLE" if types.get(i) == "BIGINT" else types.get(i, "VARCHAR")
                  for i in range(len(header))]
    columns = ", ".join(f"'c{i}': '{t}'" for i, t in enumerate(read_types))
    select = ", ".join(
        (f"CAST(c{i} AS BIGINT)" if types[i] == "BIGINT" else f"c{i}")
        + f" AS {quote_identifier(n)}" for i, n in zip(keep, names, strict=True))
    read = (f"read_csv({sql_path(temp_csv)}, delim=',', quote='\"', escape='\"', "
            f"header=false, auto_detect=false, columns={{{columns}}}, "
            f"max_line_size={max(limits.max_line_bytes, 1024 * 1024)}, strict_mode=true)")
    temp = outputs.temp("table")
    try:
        row_count = copy_to_parquet(con, f"SELECT {select} FROM {read}", temp)
    except duckdb.Error as exc:
        raise IngestError(f"La feuille « {name} » n'a pas pu être convertie : "
                          f"{duck_detail(exc)}", code="invalid") from exc
    temp_csv.unlink(missing_ok=True)  # may be large: do not keep it until the end
    path = outputs.commit(temp)
    return StagedTable(name=name, path=path, row_count=row_count,
                       columns=parquet_columns(con, path), source_columns=labels,
                       warnings=[], options=dict(options, sheet=name, sheet_index=position,
                                                 header_row=header_row))


def read_workbook(source: Path, fmt: str, outputs: Outputs, con: duckdb.DuckDBPyConnection,
                  limits: IngestLimits, progress: Progress) -> list[StagedTable]:
    """Load every non-empty worksheet of a workbook (see the module docstring)."""
    members: list[str] = []
    if fmt in ("xlsx", "ods"):
        progress("Vérification du classeur")
        members = check_zip_container(source, limits)
    elif _ole_has(source, _ENCRYPTED):
        # A password-protected XLSX is an OLE2 container holding the encrypted workbook.
        raise IngestError(_PASSWORD, code="password")
    warnings = [MACROS_IGNORED] if _has_macros(source, fmt, members) else []
    progress("Ouverture du classeur")
    try:
        workbook = CalamineWorkbook.from_path(str(source))
    except PasswordError as exc:
        raise IngestError(_PASSWORD, code="password") from exc
    except Exception as exc:  # calamine raises its own and Rust-panic errors
        raise IngestError(f"Le classeur n'a pas pu être ouvert : il est endommagé ou n'est "
                          f"pas au format {fmt.upper()} ({exc}).", code="invalid") from exc
    tables: list[StagedTable] = []
    with workbook:
        for position, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # charts, dialogs and macro sheets hold no table
            progress(f"Lecture de la feuille {meta.name}")
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                table = _stage_sheet(sheet, meta.name, position, outputs, con, limits,
                                     {"format": fmt})
            except IngestError:
                raise
            except Exception as exc:  # calamine errors while parsing the sheet
                raise IngestError(f"La feuille « {meta.name} » n'a pas pu être lue : {exc}",
                                  code="invalid") from exc
            if table is None:
                continue
            if len(tables) >= limits.max_sheets:
                raise IngestError(f"Le classeur compte plus de {limits.max_sheets} feuilles "
                                  "non vides, la limite par fichier.", code="too_many_sheets")
            if meta.visible != SheetVisibleEnum.Visible:
                table.warnings.append(f"La feuille « {meta.name} » est masquée dans le "
                                      "classeur ; elle a été publiée comme les autres.")
            if not tables:  # workbook-wide warnings once, on the first table
                table.warnings[:0] = warnings
            tables.append(table)
    if not tables:
        raise IngestError("Le classeur est vide : aucune feuille ne contient de données.",
                          code="empty")
    return tables
