"""Entry point of ingestion: one source file in, one Parquet file per table out.

`read_source` detects the format, hands the file to the reader of that format, and makes
sure a failed load leaves no file behind and raises nothing but `IngestError`.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import duckdb

from datasud.datastore.errors import IngestError

from ..duck import quote_identifier
from .columns import clean_column_names
from .csv_reader import read_csv_file, transcode
from .guards import IngestLimits, check_column_count, check_not_binary, check_not_empty
from .sniff import FORMAT_LABELS, decode_head, detect_encoding, detect_format, normalize_format
from .spreadsheets import read_workbook
from .staging import (
    Outputs,
    Progress,
    StagedTable,
    copy_to_parquet,
    duck_detail,
    parquet_columns,
    scalar_select,
    sql_path,
)

logger = logging.getLogger(__name__)
_JSON_HEAD = 64 * 1024
_JSON_LINE = re.compile(r"line (\d+)")
_DEFAULT_OBJECT_SIZE = 16 * 1024 * 1024
DEFAULT_LIMITS = IngestLimits()  # frozen: safe to share as a default argument
_JSON_REASONS = {
    "unexpected end of data": "fin de fichier inattendue (tableau ou objet jamais refermé)",
    "unexpected character": "caractère inattendu",
    "unexpected content after document": "contenu inattendu après la fin du document",
    "invalid literal": "valeur invalide (true, false ou null mal écrit ?)",
    "invalid string": "texte invalide (guillemet ou caractère d'échappement)",
    "invalid number": "nombre invalide",
}


def _stage_select(con: duckdb.DuckDBPyConnection, outputs: Outputs, relation: str,
                  limits: IngestLimits) -> tuple:
    """Normalise and write the rows of `relation` (a FROM clause); shared by JSON/Parquet."""
    columns = [(str(row[0]), str(row[1]))
               for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    check_column_count(len(columns), limits)
    if columns == [("json", "JSON")]:
        # DuckDB's answer when the objects have no key at all.
        raise IngestError("Les objets du fichier JSON n'ont aucun champ : il n'y a pas de "
                          "données à charger.", code="empty")
    labels = [name for name, _ in columns]
    names = clean_column_names(labels)
    select, warnings = scalar_select(columns, names)
    temp = outputs.temp("table")
    row_count = copy_to_parquet(con, f"SELECT {select} FROM {relation}", temp)
    path = outputs.commit(temp)
    return path, row_count, parquet_columns(con, path), labels, warnings


def _json_relation(con: duckdb.DuckDBPyConnection, source: Path, text: str, fmt: str,
                   size: int, sample_all: bool) -> tuple[str, dict]:
    # Records are tables: each key a column, never a MAP however varied the keys are.
    sample = ", map_inference_threshold=-1" + (", sample_size=-1" if sample_all else "")
    path = sql_path(source)
    if fmt == "jsonl":
        return (f"read_json({path}, format='newline_delimited'{sample})",
                {"json_format": "newline_delimited"})
    if text.startswith("["):
        first = text[1:].lstrip()
        if first.startswith("]"):
            raise IngestError("Le fichier JSON est un tableau vide : il ne contient aucun "
                              "enregistrement.", code="empty")
        if first and not first.startswith("{"):
            raise IngestError("Le fichier JSON doit contenir un tableau d'objets "
                              "(un objet par ligne de la table).", code="invalid")
        return f"read_json({path}, format='array'{sample})", {"json_format": "array"}
    # One object: either a wrapper holding the array of records, or a single record.
    # The whole document is one JSON object: DuckDB must be allowed to hold it.
    object_size = max(size + 1024, _DEFAULT_OBJECT_SIZE)
    whole = f"read_json({path}, format='auto', maximum_object_size={object_size}{sample})"
    columns = con.execute(f"DESCRIBE SELECT * FROM {whole}").fetchall()
    arrays = [str(name) for name, duck_type, *_ in columns
              if str(duck_type).startswith("STRUCT(") and str(duck_type).endswith(")[]")]
    if len(arrays) > 1:
        raise IngestError("Le fichier JSON contient plusieurs tableaux d'objets ("
                          + ", ".join(f"« {a} »" for a in arrays)
                          + ") : publiez-les dans des fichiers séparés.", code="invalid")
    if not arrays:
        return whole, {"json_format": "object"}  # a single record
    key = quote_identifier(arrays[0])
    return (f"(SELECT unnested.* FROM (SELECT unnest({key}) AS unnested FROM {whole}))",
            {"json_format": "object", "records_key": arrays[0]})


def _first_bad_line(path: Path, reported: int) -> int:
    """The line really at fault near DuckDB's: it blames the line where parsing stopped,
    which is the next one when an object is left unclosed."""
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            if number > reported:
                break
            if number >= reported - 5 and line.strip():
                try:
                    json.loads(line)
                except ValueError:
                    return number
    return reported


def read_json_file(source: Path, fmt: str, outputs: Outputs, con: duckdb.DuckDBPyConnection,
                   limits: IngestLimits, progress: Progress) -> StagedTable:
    """Load JSON (array of objects, or object holding one) or JSON Lines into one table.

    Nested objects and arrays become JSON text; a value of an unexpected type after
    DuckDB's sample makes one more attempt that types on the whole file.
    """
    size = source.stat().st_size
    with open(source, "rb") as stream:
        head = stream.read(_JSON_HEAD)
    check_not_empty(size, head)
    at_eof = len(head) >= size
    detected = encoding = detect_encoding(head, at_eof)
    if not encoding.startswith("utf-16"):
        check_not_binary(head, "JSON")
    duck_source = source
    if encoding not in ("utf-8", "utf-8-sig"):
        progress("Conversion de l'encodage en UTF-8")
        duck_source = outputs.temp("source-utf8")
        encoding = transcode(source, duck_source, encoding)
    text = decode_head(head, detected, at_eof).lstrip()
    progress(f"Lecture du fichier {FORMAT_LABELS[fmt]}")
    for sample_all in (False, True):
        try:
            relation, options = _json_relation(con, duck_source, text, fmt, size, sample_all)
            path, rows, columns, labels, warnings = _stage_select(con, outputs, relation,
                                                                  limits)
        except duckdb.Error as exc:
            detail = duck_detail(exc)
            found = _JSON_LINE.search(detail)
            if "transform error" in detail.lower() and not sample_all:
                continue  # a late value of another type: type on the whole file
            malformed = "malformed" in detail.lower() or "parse" in detail.lower()
            line = int(found[1]) if found else None
            if line and malformed and fmt == "jsonl":
                line = _first_bad_line(duck_source, line)
            where = f" (ligne {line})" if line else ""
            if malformed:
                reason = detail.rsplit(": ", 1)[-1].strip().rstrip(".")
                raise IngestError(f"Le fichier {FORMAT_LABELS[fmt]} est mal formé{where} : "
                                  f"{_JSON_REASONS.get(reason, reason)}.",
                                  code="malformed", line=line) from exc
            raise IngestError(f"Le fichier {FORMAT_LABELS[fmt]} n'a pas pu être lu{where} : "
                              f"{detail}", code="invalid", line=line) from exc
        return StagedTable(name="", path=path, row_count=rows, columns=columns,
                           source_columns=labels, warnings=warnings,
                           options={"format": fmt, "encoding": encoding, **options})
    raise AssertionError("unreachable")


def read_parquet_file(source: Path, outputs: Outputs, con: duckdb.DuckDBPyConnection,
                      limits: IngestLimits, progress: Progress) -> StagedTable:
    """Re-write a Parquet file normalised: clean names, scalar types, the
    platform's compression (see staging.PARQUET_OPTIONS)."""
    progress("Lecture du fichier Parquet")
    try:
        path, rows, columns, labels, warnings = _stage_select(
            con, outputs, f"read_parquet({sql_path(source)})", limits)
    except duckdb.Error as exc:
        raise IngestError(f"Le fichier Parquet est illisible ou endommagé : "
                          f"{duck_detail(exc)}", code="invalid") from exc
    return StagedTable(name="", path=path, row_count=rows, columns=columns,
                       source_columns=labels, warnings=warnings,
                       options={"format": "parquet"})


def read_csv(source: Path, outputs: Outputs, con: duckdb.DuckDBPyConnection,
             limits: IngestLimits, progress: Progress) -> list[StagedTable]:
    """CSV / TSV / delimited text: one table (see `csv_reader`)."""
    return [read_csv_file(source, outputs, con, limits, progress)]


def read_spreadsheet(source: Path, fmt: str, outputs: Outputs,
                     con: duckdb.DuckDBPyConnection, limits: IngestLimits,
                     progress: Progress) -> list[StagedTable]:
    """XLSX / XLSM / XLS / ODS: one table per non-empty worksheet (see `spreadsheets`)."""
    return read_workbook(source, fmt, outputs, con, limits, progress)


def _dispatch(source: Path, fmt: str, outputs: Outputs, con: duckdb.DuckDBPyConnection,
              limits: IngestLimits, progress: Progress) -> list[StagedTable]:
    if fmt == "csv":
        from datasud.geo.ingest import add_point_geometry  # coordinates make a geo table

        return [add_point_geometry(table, con, outputs, progress)
                for table in read_csv(source, outputs, con, limits, progress)]
    if fmt in ("geojson", "shapefile", "gpkg", "kml"):
        from datasud.geo.ingest import read_vector

        return read_vector(source, fmt, outputs, con, limits, progress)
    if fmt in ("xlsx", "xls", "ods"):
        return read_spreadsheet(source, fmt, outputs, con, limits, progress)
    if fmt in ("json", "jsonl"):
        return [read_json_file(source, fmt, outputs, con, limits, progress)]
    return [read_parquet_file(source, outputs, con, limits, progress)]


def read_source(source: Path, out_dir: Path, con: duckdb.DuckDBPyConnection, *,
                declared_format: str = "", limits: IngestLimits = DEFAULT_LIMITS,
                on_progress: Callable[[str], None] | None = None) -> list[StagedTable]:
    """Read `source` (any supported format) and write one Parquet file per table.

    Files are `out_dir / f"table-{index}.parquet"`, written under a temporary name and
    renamed when complete. `con` is a DuckDB connection the caller owns (see
    `duck.ingest_connection()`); a few temporary tables are created and dropped in it.
    `declared_format` is the format announced by the producer (extension, format name
    or MIME type); the content wins when they disagree, with a warning.
    Any problem raises `IngestError` (message in French for the producer, `code`,
    `line`/`column` when known), after removing every file this call wrote.
    Warnings about the whole file (declared format, macros) are on the first table only.
    """
    source, out_dir = Path(source), Path(out_dir)

    def progress(stage: str) -> None:
        if on_progress is None:
            return
        try:
            on_progress(stage)
        except Exception:  # progress is best effort: it must not fail the load
            logger.warning("Progress callback failed at stage %r", stage, exc_info=True)

    outputs = Outputs(out_dir)
    failed = True
    try:
        progress("Détection du format")
        if not source.is_file():
            raise IngestError("Le fichier source est introuvable ou illisible.",
                              code="unreadable")
        out_dir.mkdir(parents=True, exist_ok=True)
        fmt = detect_format(source, declared_format)
        if source.stat().st_size == 0:
            raise IngestError("Le fichier est vide : il ne contient aucune donnée.",
                              code="empty")
        tables = _dispatch(source, fmt, outputs, con, limits, progress)
        announced = normalize_format(declared_format) or normalize_format(source.suffix)
        if announced and announced != fmt and {announced, fmt} != {"json", "jsonl"}:
            # File-wide warnings go on the first table only (callers concatenate them).
            tables[0].warnings.insert(0, f"Le fichier est annoncé au format "
                                         f"{FORMAT_LABELS[announced]} mais son contenu est "
                                         f"au format {FORMAT_LABELS[fmt]} : il a été lu "
                                         "comme tel.")
        failed = False
        return tables
    except IngestError:
        raise
    except duckdb.Error as exc:
        raise IngestError(f"Le fichier n'a pas pu être lu : {duck_detail(exc)}",
                          code="invalid") from exc
    except MemoryError as exc:
        raise IngestError("Le fichier est trop volumineux pour être chargé.",
                          code="too_large") from exc
    except Exception as exc:  # the contract: bad input never escapes as another type
        logger.exception("Unexpected error while reading %s", source.name)
        raise IngestError("Le fichier n'a pas pu être lu à cause d'une erreur inattendue "
                          f"({type(exc).__name__}).", code="internal") from exc
    finally:
        outputs.cleanup(failed=failed)
