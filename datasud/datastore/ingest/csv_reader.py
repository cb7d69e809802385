"""CSV (and TSV, delimited .txt) to Parquet: Python looks at the head, DuckDB does the rest.

The only per-row work is DuckDB's: the head (1 MB) decides encoding, delimiter and column
types, then one `COPY (SELECT ... FROM read_csv(...)) TO ...` writes the Parquet file.
UTF-8 and pure Latin-1 files are read as they are (DuckDB decodes Latin-1 while parsing);
Windows-1252, UTF-16 and mixed files are first transcoded to UTF-8 by Python.
Problems of the whole file come back in one pass through DuckDB's rejects table (bad
lines with their numbers) or as an error naming a column whose type does not hold; the
load is then retried with the column relaxed, a few times at most.
"""
from __future__ import annotations

import codecs
import re
import uuid
from pathlib import Path

import duckdb

from datasud.datastore.errors import IngestError

from ..duck import quote_identifier, quote_literal_body
from .columns import clean_column_names
from .guards import (
    IngestLimits,
    check_column_count,
    check_not_binary,
    check_not_empty,
    find_long_line,
    line_too_long,
)
from .infer import RETYPE_RE, ColumnPlan, drop_guard, plan_columns, retype, select_expr
from .line_numbers import physical_lines
from .sniff import HEAD_BYTES, complete_lines, decode_head, detect_dialect, detect_encoding
from .sniff import python_codec as codec_for
from .staging import (
    Outputs,
    Progress,
    StagedTable,
    copy_to_parquet,
    duck_detail,
    parquet_columns,
    quoted_list,
    sql_path,
)

MAX_ATTEMPTS = 6
REJECTS_LIMIT = 1000  # bad lines DuckDB keeps (per attempt): enough to report and retype
# DuckDB's CSV buffer, the unit its threads share out (at least twice the line limit).
# Smaller than DuckDB's default with our 8 MB line limit, it spreads the parsing more evenly
# and costs less: the CSV -> Parquet copy of the benchmark file (2 threads, medians of
# alternated runs) went from 0.84 to 0.73 CPU-s for 1 M rows and from 4.7 to 3.6 for 5 M
# (busiest thread 0.44 -> 0.39 s and 2.6 -> 1.9 s); peak memory went down by ~150 MB.
CSV_BUFFER_BYTES = 16 * 1024 * 1024
_TRANSCODE_CHUNK = 4 * 1024 * 1024
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)
_STRUCTURE = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_BAD_VALUE = re.compile(r'Could not convert string "(.*)" to', re.DOTALL)
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (avec BOM)", "cp1252": "Windows-1252",
                   "latin-1": "Latin-1 (ISO-8859-1)", "utf-16": "UTF-16",
                   "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}
_TYPE_LABELS = {"BIGINT": "nombre entier", "DOUBLE": "nombre décimal", "DATE": "date",
                "TIMESTAMP": "date et heure", "BOOLEAN": "booléen", "VARCHAR": "texte"}


def _read_head(source: Path, limits: IngestLimits) -> tuple[bytes, int]:
    size = source.stat().st_size
    with open(source, "rb") as stream:
        head = stream.read(HEAD_BYTES)
        if len(head) < size and b"\n" not in head and b"\r" not in head:
            # The header line is longer than the head: read on to find where it ends.
            head += stream.read(max(limits.max_line_bytes + 2 - len(head), 0))
    return head, size


def _long_line_in_head(head: bytes, at_eof: bool, max_bytes: int) -> int | None:
    if len(head) <= max_bytes:
        return None
    lines = head.split(b"\n" if b"\n" in head or b"\r" not in head else b"\r")
    if not at_eof and len(lines[-1]) <= max_bytes:
        lines.pop()  # possibly cut: DuckDB will measure it
    for number, line in enumerate(lines, start=1):
        if len(line) - line.endswith(b"\r") > max_bytes:
            return number
    return None


def _has_c1_bytes(source: Path) -> bool:
    """Whether bytes 0x80-0x9F occur in the file (Windows-1252 characters such as « € » or
    « ’ », never used by Latin-1 text); stops at the first one."""
    with open(source, "rb") as stream:
        while chunk := stream.read(_TRANSCODE_CHUNK):
            if chunk.translate(None, _NOT_C1):
                return True
    return False


def transcode(source: Path, target: Path, encoding: str) -> str:
    """Rewrite a text file as UTF-8, in chunks (bounded memory); return the encoding name.

    Latin-1 and Windows-1252 are both read as Windows-1252, and reported as the one the
    bytes show.
    """
    codec, errors = codec_for(encoding)
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    legacy = encoding in ("cp1252", "latin-1")
    seen_c1 = False
    try:
        with open(source, "rb") as src, open(target, "wb") as dst:
            while chunk := src.read(_TRANSCODE_CHUNK):
                # translate() deleting every other byte is several times faster than re.
                seen_c1 = seen_c1 or (legacy and bool(chunk.translate(None, _NOT_C1)))
                dst.write(decoder.decode(chunk).encode("utf-8"))
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        raise IngestError(f"Le fichier n'est pas correctement encodé en "
                          f"{ENCODING_LABELS.get(encoding, encoding)}.",
                          code="encoding") from exc
    if legacy:
        return "cp1252" if seen_c1 else "latin-1"
    return encoding


def _detail(line: int, column: str | None, error_type: str, message: str,
            labels: dict[str, str]) -> dict:
    label = labels.get(column or "", column)
    structure = _STRUCTURE.search(message or "")
    if structure:
        expected, found = int(structure[1]), int(structure[2])
        text = f"{found} valeur{'s' if found > 1 else ''} au lieu de {expected}"
    elif error_type == "UNQUOTED VALUE":
        text = "guillemet mal placé ou jamais refermé" + (
            f" (colonne « {label} »)" if label else "")
    else:
        text = message
    return {"line": line, "column": label, "message": f"Ligne {line} : {text}."}


class _CsvLoad:
    """State of one CSV load across its attempts."""

    def __init__(self, source: Path, outputs: Outputs, con: duckdb.DuckDBPyConnection,
                 limits: IngestLimits, progress: Progress) -> None:
        self.source, self.outputs, self.con = source, outputs, con
        self.limits, self.progress = limits, progress
        self.warnings: list[str] = []
        self.duck_source = source
        self.duck_encoding = ""  # set when DuckDB decodes the source itself (Latin-1)
        self.encoding = ""
        self.head_ascii = True

    def run(self) -> StagedTable:
        self.progress("Détection de l'encodage et du séparateur")
        head, size = _read_head(self.source, self.limits)
        at_eof = len(head) >= size
        check_not_empty(size, head)
        self.encoding = detect_encoding(head, at_eof)
        if not self.encoding.startswith("utf-16"):
            check_not_binary(head)
            long_line = _long_line_in_head(head, at_eof, self.limits.max_line_bytes)
            if long_line:
                raise line_too_long(long_line, self.limits)
        self.head_ascii = head.isascii()
        try:
            text = complete_lines(decode_head(head, self.encoding, at_eof), at_eof)
        except UnicodeDecodeError as exc:
            raise IngestError("L'encodage du fichier n'a pas pu être reconnu.",
                              code="encoding") from exc
        dialect = detect_dialect(text)
        if not dialect.header or (not any(label.strip() for label in dialect.header)
                                  and not dialect.rows):
            raise IngestError("Le fichier est vide : il ne contient aucune donnée.",
                              code="empty")
        self.dialect = dialect
        labels = dialect.header + ([""] if dialect.trailing_extra else [])
        check_column_count(len(dialect.header), self.limits, line=dialect.skip + 1)
        if self.encoding == "latin-1" and not _has_c1_bytes(self.source):
            # Pure Latin-1: DuckDB decodes it while parsing, in parallel, with no copy.
            self.duck_encoding = "latin-1"
        elif self.encoding not in ("utf-8", "utf-8-sig"):
            self._transcode(self.encoding)
        self.progress("Détection des types de colonnes")
        samples = self._sample(len(labels), at_eof)
        plans, parser = plan_columns(clean_column_names(labels), labels, samples,
                                     dialect.delimiter)
        if all(plan.kind == "drop" for plan in plans):
            for plan in plans:
                plan.kind = "raw"
        self.plans, self.parser = plans, parser
        return self._load()

    def _dialect_options(self, path: Path, columns: str) -> list[str]:
        dialect = self.dialect
        return [
            sql_path(path), f"delim='{quote_literal_body(dialect.delimiter)}'",
            "quote='\"'", f"escape='{quote_literal_body(dialect.escape)}'", "header=true",
            f"skip={dialect.skip}", "comment=''", "auto_detect=false",
            f"columns={{{columns}}}", f"max_line_size={self.limits.max_line_bytes}",
            f"buffer_size={max(CSV_BUFFER_BYTES, 2 * self.limits.max_line_bytes)}",
            "strict_mode=true", "null_padding=false",
        ] + ([f"encoding='{self.duck_encoding}'"] if self.duck_encoding else [])

    def _sample(self, width: int, at_eof: bool) -> list[str | None]:
        """The non-empty values of each column in the head, joined (see `infer`).

        DuckDB parses the head exactly as it will parse the file, aggregating in C++;
        bad lines are skipped here and reported by the real read.
        """
        sample = self.duck_source
        if not at_eof:
            with open(self.duck_source, "rb") as stream:
                head = stream.read(HEAD_BYTES)
            cut = head.rfind(b"\n")
            sample = self.outputs.temp("sample")
            sample.write_bytes(head[:cut + 1] if cut != -1 else head)
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        # Not DISTINCT: deduplicating costs DuckDB more than scanning repeats costs re.
        aggregates = ", ".join(f"string_agg(NULLIF(c{i}, ''), chr(31))" for i in range(width))
        options = self._dialect_options(sample, columns) + ["ignore_errors=true"]
        try:
            row = self.con.execute(
                f"SELECT {aggregates} FROM read_csv({', '.join(options)})").fetchone()
        except duckdb.Error:
            return [None] * width  # unreadable head: everything as text, the read explains
        finally:
            if sample != self.duck_source:
                sample.unlink(missing_ok=True)
        return list(row) if row else [None] * width

    def _transcode(self, encoding: str) -> None:
        label = ENCODING_LABELS.get(encoding, "UTF-8 et Windows-1252 mêlés")
        self.progress(f"Conversion de l'encodage {label} en UTF-8")
        self.duck_source = self.outputs.temp("source-utf8")
        self.encoding = transcode(self.source, self.duck_source, encoding)

    def _read_csv_sql(self, rejects: str) -> str:
        parser = self.parser
        columns = ", ".join(f"'{quote_literal_body(p.name)}': '{p.read_type}'"
                            for p in self.plans)
        options = self._dialect_options(self.duck_source, columns) + [
            "store_rejects=true", f"rejects_table='{rejects}'",
            f"rejects_scan='{rejects}_scans'", f"rejects_limit={REJECTS_LIMIT}",
        ]
        if parser["decimal_separator"] == ",":
            options.append("decimal_separator=','")
        if parser["date_format"]:
            options.append(f"dateformat='{quote_literal_body(parser['date_format'])}'")
        return f"read_csv({', '.join(options)})"

    def _select_sql(self, rejects: str) -> str:
        kept = [select_expr(p, i) for i, p in enumerate(self.plans) if p.kind != "drop"]
        guards = [drop_guard(p, i) for i, p in enumerate(self.plans) if p.kind == "drop"]
        where = f" WHERE {' AND '.join(guards)}" if guards else ""
        return f"SELECT {', '.join(kept)} FROM {self._read_csv_sql(rejects)}{where}"

    def _relax(self, plan: ColumnPlan, value: str | None, line: int | None) -> None:
        was = plan.final_type
        now = retype(plan, value)
        where = f" (ligne {line})" if line else ""
        shown = f" « {value[:50]} »" if value else ""
        if plan.label.strip() or was != "VARCHAR":
            self.warnings.append(
                f"La colonne « {plan.label or plan.name} » a été lue comme "
                f"{_TYPE_LABELS.get(now, now)} et non comme {_TYPE_LABELS.get(was, was)} : "
                f"la valeur{shown}{where} ne s'y prête pas.")

    def _load(self) -> StagedTable:
        self.progress("Lecture du fichier CSV")
        for attempt in range(MAX_ATTEMPTS):
            if attempt == MAX_ATTEMPTS - 1:
                self._all_text()
            temp = self.outputs.temp("table")
            rejects = f"datasud_rejects_{uuid.uuid4().hex}"
            try:
                row_count = copy_to_parquet(self.con, self._select_sql(rejects), temp)
                if not self._handle_rejects(rejects):
                    return self._commit(temp, row_count)
            except duckdb.Error as exc:
                mark = RETYPE_RE.search(str(exc))
                if mark is None:
                    raise self._failure(exc) from exc
                self._relax(self.plans[int(mark[1])], mark[2], None)
            finally:
                self._drop_rejects(rejects)
            temp.unlink(missing_ok=True)  # a partial or rejected attempt
        raise IngestError("Les types des colonnes n'ont pas pu être déterminés.",
                          code="invalid")  # unreachable: the last attempt is all text

    def _drop_rejects(self, rejects: str) -> None:
        for table in (rejects, f"{rejects}_scans"):
            try:
                self.con.execute(f"DROP TABLE IF EXISTS {quote_identifier(table)}")
            except duckdb.Error:
                pass  # never hide the error being raised, if any

    def _all_text(self) -> None:
        for plan in self.plans:
            if plan.final_type != "VARCHAR" or plan.kind != "raw":
                plan.kind, plan.read_type, plan.final_type, plan.fmt = (
                    "raw", "VARCHAR", "VARCHAR", "")
        self.warnings.append("Les types des colonnes n'ont pas pu être déterminés : toutes "
                             "les colonnes ont été lues comme du texte.")

    def _failure(self, exc: duckdb.Error) -> IngestError:
        detail = duck_detail(exc)
        if "line size" in detail.lower():
            line = find_long_line(self.duck_source, self.limits.max_line_bytes)
            return line_too_long(line or 1, self.limits)
        return IngestError(f"Le fichier CSV n'a pas pu être lu : {detail}", code="invalid")

    def _handle_rejects(self, rejects: str) -> bool:
        """Deal with the bad lines of an attempt; True when another attempt is needed."""
        table = quote_identifier(rejects)
        try:
            kinds = self.con.execute(
                f"SELECT error_type, min(line), arg_min(line_byte_position, line), count(*) "
                f"FROM {table} GROUP BY 1").fetchall()
        except duckdb.CatalogException:
            return False  # no rejects table: nothing was rejected
        if not kinds:
            return False
        lines = self._lines([(first, offset) for _, first, offset, _ in kinds])
        by_kind = {str(kind): (lines(first, offset), int(count))
                   for kind, first, offset, count in kinds}
        for kind, (first, _) in by_kind.items():
            if "ENCODING" in kind or "UNICODE" in kind:
                if self.duck_source != self.source or self.duck_encoding:
                    raise IngestError("Le fichier contient des caractères mal encodés.",
                                      code="encoding", line=first)
                if not self.head_ascii:
                    self.warnings.append(
                        f"À partir de la ligne {first}, des caractères ne sont pas en UTF-8 "
                        "comme le début du fichier : ils ont été lus en Windows-1252.")
                self._transcode("utf-8-mixed")
                if self.head_ascii:
                    self.encoding = "cp1252"
                return True
        for kind, (first, _) in by_kind.items():
            if "LINE SIZE" in kind:
                raise line_too_long(first, self.limits)
        structural = {k: v for k, v in by_kind.items() if k != "CAST"}
        if structural:
            self._raise_malformed(table, structural)
        casts = self.con.execute(
            f"SELECT column_name, min(line), arg_min(line_byte_position, line), "
            f"arg_min(error_message, line) FROM {table} "
            "WHERE error_type = 'CAST' GROUP BY 1").fetchall()
        lines = self._lines([(line, offset) for _, line, offset, _ in casts])
        by_name = {plan.name: plan for plan in self.plans}
        for column, line, offset, message in casts:
            value = _BAD_VALUE.search(message or "")
            if column in by_name:
                self._relax(by_name[column], value[1] if value else None,
                            lines(line, offset))
        return True

    def _lines(self, found: list[tuple[int, int | None]]):
        """A function (record line, byte offset) -> physical line, for these records."""
        # DuckDB counts records; quoted values may span lines (see line_numbers).
        physical = physical_lines(self.duck_source, [offset for _, offset in found],
                                  self.duck_encoding)

        def line(record_line, offset) -> int:
            return physical.get(offset, int(record_line))
        return line

    def _raise_malformed(self, table: str, structural: dict[str, tuple[int, int]]) -> None:
        rows = self.con.execute(
            f"SELECT line, line_byte_position, column_name, error_type, error_message "
            f"FROM {table} WHERE error_type <> 'CAST' ORDER BY line LIMIT ?",
            [self.limits.max_error_details]).fetchall()
        lines = self._lines([(line, offset) for line, offset, *_ in rows])
        labels = {plan.name: plan.label or plan.name for plan in self.plans}
        details = [_detail(lines(line, offset), column, str(kind), str(message), labels)
                   for line, offset, column, kind, message in rows]
        total = sum(count for _, count in structural.values())
        count = f"au moins {total}" if total >= REJECTS_LIMIT else str(total)
        width = len(self.dialect.header)
        delimiter = {"\t": "tabulation"}.get(self.dialect.delimiter, self.dialect.delimiter)
        first = details[0] if details else {"line": None, "column": None, "message": ""}
        raise IngestError(
            f"Le fichier CSV est mal formé : {count} ligne{'s' if total > 1 else ''} "
            f"ne respecte{'nt' if total > 1 else ''} pas la structure de l'en-tête "
            f"({width} colonnes séparées par « {delimiter} ») ou contien"
            f"{'nent' if total > 1 else 't'} des guillemets mal placés. "
            f"Première erreur — {first['message']}",
            code="malformed", line=first["line"], column=first["column"], details=details)

    def _commit(self, temp: Path, row_count: int) -> StagedTable:
        path = self.outputs.commit(temp)
        kept = [plan for plan in self.plans if plan.kind != "drop"]
        formats = {p.name: p.fmt.split("|")[0] for p in kept if p.fmt}
        if self.parser["date_format"]:
            formats.update({p.name: self.parser["date_format"] for p in kept
                            if p.read_type == "DATE"})
        converted = [p.name for p in kept if p.tz]
        if converted:
            self.warnings.append(f"Les dates et heures des colonnes {quoted_list(converted)} "
                                 "ont été converties en heure UTC.")
        options = {
            "format": "csv", "encoding": self.encoding, "delimiter": self.dialect.delimiter,
            "quote": '"', "escape": self.dialect.escape,
            "decimal_separator": self.parser["decimal_separator"],
            "date_format": self.parser["date_format"] or None,
            "column_formats": formats, "header_line": self.dialect.skip + 1,
        }
        return StagedTable(name="", path=path, row_count=row_count,
                           columns=parquet_columns(self.con, path),
                           source_columns=[plan.label for plan in kept],
                           warnings=self.warnings, options=options)


def read_csv_file(source: Path, outputs: Outputs, con: duckdb.DuckDBPyConnection,
                  limits: IngestLimits, progress: Progress) -> StagedTable:
    """Load a delimited text file into one staged table (see the module docstring)."""
    return _CsvLoad(source, outputs, con, limits, progress).run()
