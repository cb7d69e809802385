"""Detection of what a source file is: its format, its text encoding, its CSV dialect.

Everything here works on the first bytes of the file (the "head"), so detection costs the
same for a 1 KB and a 1 GB file. Later surprises (a Windows-1252 accent after the first
megabyte, a ragged line) are caught by the readers.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from datasud.datastore.errors import IngestError

from .guards import looks_binary

FORMATS = ("csv", "xlsx", "xls", "ods", "json", "jsonl", "parquet", "geojson", "shapefile",
           "gpkg", "kml")
HEAD_BYTES = 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")
_SCORING_BYTES = 64 * 1024    # text used to choose the delimiter
_SCORING_ROWS = 200

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Windows-1252 prints characters at 0x80-0x9F where Latin-1 has invisible C1 controls.
_C1 = re.compile(rb"[\x80-\x9f]")
_SEP_HINT = re.compile(r"sep=(.)(?:\r\n|\n|\r)")

_ALIASES = {
    "csv": "csv", "tsv": "csv", "txt": "csv", "tab": "csv", "text/csv": "csv",
    "text/plain": "csv", "text/tab-separated-values": "csv", "application/csv": "csv",
    "xlsx": "xlsx", "xlsm": "xlsx", "xlsb": "xlsx", "excel": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": "xlsx",
    "xls": "xls", "application/vnd.ms-excel": "xls",
    "ods": "ods", "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "json": "json", "application/json": "json",
    # Geo formats, read by datasud.geo.
    "geojson": "geojson", "application/geo+json": "geojson", "shp": "shapefile",
    "shapefile": "shapefile", "gpkg": "gpkg", "application/geopackage+sqlite3": "gpkg",
    "kml": "kml", "application/vnd.google-earth.kml+xml": "kml",
    "jsonl": "jsonl", "ndjson": "jsonl", "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl", "application/x-jsonlines": "jsonl",
    "parquet": "parquet", "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX", "xls": "XLS", "ods": "ODS", "json": "JSON",
                 "jsonl": "JSON Lines", "parquet": "Parquet", "geojson": "GeoJSON",
                 "shapefile": "Shapefile", "gpkg": "GeoPackage", "kml": "KML"}
_GEOJSON = re.compile(r'"type"\s*:\s*"(?:FeatureCollection|Feature)"')


def _cp1252_or_latin1(error: UnicodeDecodeError) -> tuple[str, int]:
    # Bytes that are not valid UTF-8 are read as Windows-1252 (mixed-encoding files).
    chunk = error.object[error.start:error.end]
    return chunk.decode("cp1252", errors="datasud-latin1"), error.end


def _latin1(error: UnicodeDecodeError) -> tuple[str, int]:
    # The 5 bytes Windows-1252 leaves undefined keep their Latin-1 meaning, as browsers do.
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("datasud-latin1", _latin1)
codecs.register_error("datasud-cp1252", _cp1252_or_latin1)


def normalize_format(declared: str) -> str:
    """Map a declared format, MIME type or file extension to one of FORMATS ('' if none)."""
    text = (declared or "").strip().lower().lstrip(".")
    return _ALIASES.get(text.split(";")[0].strip(), "")


def _utf16_without_bom(head: bytes) -> str:
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return ""
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd > 0.3 * pairs and even < 0.05 * pairs:
        guess = "utf-16-le"
    elif even > 0.3 * pairs and odd < 0.05 * pairs:
        guess = "utf-16-be"
    else:
        return ""
    # Binary data can have the same NUL pattern: real text decodes to printable characters.
    text = sample[:pairs * 2].decode(guess, errors="replace")
    printable = sum(1 for char in text if char.isprintable() or char in "\t\r\n")
    return guess if printable >= 0.95 * len(text) else ""


def detect_encoding(head: bytes, at_eof: bool) -> str:
    """The Python codec of a text file from its first bytes.

    UTF-8 (with or without BOM) and UTF-16 are recognised; anything else is taken as
    Windows-1252 when bytes 0x80-0x9F occur (they are printable there, e.g. « € » or
    « œ », and invisible controls in Latin-1), as Latin-1 otherwise.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=at_eof)
    except UnicodeDecodeError:
        return "cp1252" if _C1.search(head) else "latin-1"
    return "utf-8"


def python_codec(encoding: str) -> tuple[str, str]:
    """The codec and error handler that decode `encoding` as this package understands it."""
    if encoding in ("cp1252", "latin-1"):
        # Latin-1 text never uses 0x80-0x9F, so Windows-1252 reads it identically and
        # also gets right a « € » appearing after the sampled head.
        return "cp1252", "datasud-latin1"
    if encoding == "utf-8-mixed":
        return "utf-8", "datasud-cp1252"
    return encoding, "strict"


def decode_head(head: bytes, encoding: str, at_eof: bool) -> str:
    """Decode the head of a file, dropping a trailing partial character and the BOM."""
    codec, errors = python_codec(encoding)
    text = codecs.getincrementaldecoder(codec)(errors=errors).decode(head, final=at_eof)
    return text.lstrip("\ufeff")


def _zip_format(source: Path) -> str:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise IngestError("Le fichier est une archive ZIP endommagée : ce n'est ni un "
                          "classeur XLSX ni un classeur ODS lisible.", code="invalid") from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if any(name.lower().endswith(".shp") for name in names):
        return "shapefile"
    if b"opendocument.spreadsheet" in mimetype or (not mimetype and "content.xml" in names):
        return "ods"
    raise IngestError("Le fichier est une archive ZIP qui ne contient pas de classeur "
                      "(XLSX ou ODS) ni de Shapefile : décompressez-la et publiez chaque "
                      "fichier de données.",
                      code="unsupported")


def _looks_json(first_line: str) -> bool:
    if first_line.strip() in ("[", "{"):
        return True  # pretty-printed
    try:
        json.loads(first_line)
    except ValueError:
        return False
    return True


def _json_format(text: str, at_eof: bool, hint: str) -> str:
    first, _, rest = text.partition("\n")
    if hint == "csv" and not _looks_json(first):
        return "csv"  # a declared CSV whose first label starts with a bracket
    if text.startswith("["):
        return "json"
    if hint == "jsonl":
        return "jsonl"
    try:
        record = json.loads(first)
    except ValueError:
        return "json"  # an object spread over several lines (pretty-printed)
    if not isinstance(record, dict):
        return "json"
    if rest.strip() or not at_eof:
        return "jsonl"
    # A single one-line object: a wrapper around records, or one record.
    wraps = any(isinstance(value, list) and value and isinstance(value[0], dict)
                for value in record.values())
    return "json" if wraps else "jsonl"


def detect_format(source: Path, declared_format: str = "") -> str:
    """The format of `source`: one of FORMATS ("csv", "xlsx", "json", "geojson", ...).

    The content decides when it is unambiguous (magic bytes, first character of text);
    the declared format, then the file extension, decide between text formats and name
    the format of an empty file. Raises `IngestError(code="unsupported")` for anything
    else (HTML page, PDF, archive...).
    """
    source = Path(source)
    hint = normalize_format(declared_format) or normalize_format(source.suffix)
    try:
        size = source.stat().st_size
        with open(source, "rb") as stream:
            head = stream.read(64 * 1024)
    except OSError as exc:
        raise IngestError("Le fichier source ne peut pas être lu.", code="unreadable") from exc
    if size == 0:
        return hint or "csv"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(source)
    if head.startswith(_OLE2):
        return "xls"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"  # GeoPackage is SQLite; the geo reader says if it is not one
    encoding = detect_encoding(head, at_eof=len(head) == size)
    if not encoding.startswith("utf-16") and looks_binary(head):
        if hint in ("csv", "json", "jsonl"):
            return hint  # the reader explains that the file is not text
        raise IngestError("Ce format de fichier n'est pas pris en charge : seuls les "
                          "fichiers CSV, XLSX, XLS, ODS, JSON, Parquet, GeoJSON, Shapefile "
                          "(zippé), GeoPackage et KML peuvent être chargés.",
                          code="unsupported")
    text = decode_head(head, encoding, at_eof=len(head) == size).lstrip()
    if text.startswith("{") and (hint == "geojson" or _GEOJSON.search(text[:4096])):
        return "geojson"
    if text.startswith(("[", "{")):
        return _json_format(text, len(head) == size, hint)
    if text.startswith("<") and "<kml" in text[:4096]:
        return "kml"
    if text.startswith("<"):
        raise IngestError("Le fichier est une page web (HTML) ou un document XML, pas un "
                          "tableau de données : vérifiez le lien ou le fichier publié.",
                          code="unsupported")
    return "csv"


@dataclass
class Dialect:
    """How a CSV file is written, as seen on its head."""

    delimiter: str
    escape: str = '"'
    skip: int = 0                 # physical lines before the header ("sep=;" hint...)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # first data rows, blanks dropped
    trailing_extra: bool = False  # data lines carry one more, empty, field than the header


def complete_lines(text: str, at_eof: bool) -> str:
    """`text` without its last line when that line may be cut (head of a longer file)."""
    if at_eof:
        return text
    cut = text.rfind("\n")
    if cut == -1:
        cut = text.rfind("\r")
    return text[:cut + 1] if cut != -1 else ""


def _parse(text: str, delimiter: str, escape: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=escape == '"',
                        escapechar=None if escape == '"' else escape, strict=False)
    rows = []
    try:
        for row in islice(reader, limit):
            if row:
                rows.append(row)
    except csv.Error:
        pass  # a broken line ends the sample; the reader reports it with its number
    return rows


def _score(rows: list[list[str]]) -> tuple:
    if not rows:
        return (False, 0.0, 0)
    width = len(rows[0])
    data = rows[1:]
    regular = sum(1 for row in data
                  if len(row) == width or (len(row) == width + 1 and row[-1] == ""))
    return (width > 1, regular / len(data) if data else 1.0, width)


def detect_dialect(text: str) -> Dialect:
    """Delimiter among `;` `,` tab `|`, header and first rows of decoded CSV text.

    The delimiter is the one that splits the header into several fields and splits the
    most data lines (among the first 200, or 64 KB) into as many fields as the header;
    `;` wins ties (French files). `text` must hold complete lines only.
    """
    skip = 0
    forced = ""
    hint = _SEP_HINT.match(text)
    if hint:  # Excel's "sep=;" first line
        forced, skip, text = hint.group(1), 1, text[hint.end():]
    stripped = text.lstrip("\r\n")
    if stripped != text:
        blank = text[:len(text) - len(stripped)]
        skip += blank.count("\n") or blank.count("\r")
        text = stripped
    escape = "\\" if '\\"' in text and '""' not in text else '"'
    end = text.find("\n", _SCORING_BYTES)
    window = text if end == -1 else text[:end + 1]
    parsed = {d: _parse(window, d, escape, _SCORING_ROWS) for d in DELIMITERS}
    delimiter = forced or max(DELIMITERS, key=lambda d: _score(parsed[d]))
    rows = parsed.get(delimiter) or _parse(window, delimiter, escape, _SCORING_ROWS)
    if not rows:
        return Dialect(delimiter, escape, skip)
    header, rows = rows[0], rows[1:]
    trailing_extra = bool(rows) and all(
        len(row) == len(header) + 1 and row[-1] == "" for row in rows)
    return Dialect(delimiter, escape, skip, header, rows, trailing_extra)
