"""Limits and early refusals: what a source file must not be, checked before real work.

Each check raises `IngestError` with a message for the data producer who sent the file.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from datasud.datastore.errors import IngestError

# How much of a file the binary check looks at.
BINARY_SAMPLE_BYTES = 64 * 1024
# Zip members smaller than this are not checked for their compression ratio: small, very
# repetitive XML parts legitimately compress well and cannot exhaust anything.
ZIP_RATIO_MIN_BYTES = 1024 * 1024
_STREAM_CHUNK = 1024 * 1024

# Signatures of common non-tabular files, to tell the producer what they actually sent.
_SIGNATURES = (
    (b"%PDF", "un document PDF"),
    (b"\x1f\x8b", "une archive compressée gzip"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"Rar!", "une archive RAR"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"PK\x03\x04", "une archive ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "un document Microsoft Office ancien format"),
    (b"PAR1", "un fichier Parquet"),
)


@dataclass(frozen=True)
class IngestLimits:
    """Bounds on what one load may consume; a source beyond them is refused."""

    max_columns: int = 1000
    max_line_bytes: int = 8 * 1024 * 1024      # a longer line -> IngestError "line_too_long"
    max_uncompressed_bytes: int = 2 * 1024**3  # for XLSX/ODS (zip) members, total
    max_compression_ratio: int = 200           # member uncompressed/compressed -> "zip_bomb"
    max_error_details: int = 20                # bad lines listed in IngestError.details
    max_sheets: int = 50


def check_not_empty(size: int, head: bytes) -> None:
    """Refuse a 0-byte file or one with only whitespace (`head` is the whole file then)."""
    if size == 0 or (len(head) == size and not head.strip(b" \t\r\n\x00\xef\xbb\xbf")):
        raise IngestError("Le fichier est vide : il ne contient aucune donnée.", code="empty")


def looks_binary(sample: bytes) -> bool:
    """Whether bytes are not text: NUL bytes, or more than 1 % of control characters.

    Call it only after ruling out UTF-16, whose ASCII characters all carry a NUL byte.
    """
    sample = sample[:BINARY_SAMPLE_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    # Tab, line feed, form feed and carriage return are text; DOS end-of-file (0x1a) too.
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 26))
    controls += sample.count(b"\x7f")
    return controls * 100 > len(sample)


def check_not_binary(sample: bytes, expected: str = "CSV") -> None:
    """Refuse binary content where text (`expected` format) was announced."""
    if not looks_binary(sample):
        return
    for signature, what in _SIGNATURES:
        if sample.startswith(signature):
            raise IngestError(
                f"Le fichier devait être au format {expected} mais c'est en réalité {what}.",
                code="binary")
    raise IngestError(
        f"Le fichier ne contient pas du texte au format {expected} mais des données binaires."
        " Vérifiez qu'il s'agit du bon fichier et qu'il n'a pas été renommé.",
        code="binary")


def check_column_count(count: int, limits: IngestLimits, *, line: int | None = None) -> None:
    """Refuse a table wider than `limits.max_columns`."""
    if count > limits.max_columns:
        raise IngestError(
            f"Le fichier compte {count} colonnes, au-delà de la limite de "
            f"{limits.max_columns} colonnes par table.",
            code="too_many_columns", line=line)


def line_too_long(line: int, limits: IngestLimits) -> IngestError:
    """The error for a line longer than `limits.max_line_bytes`."""
    size = limits.max_line_bytes
    shown = f"{size // (1024 * 1024)} Mo" if size >= 1024 * 1024 else f"{size} octets"
    return IngestError(
        f"La ligne {line} est trop longue (plus de {shown}). Le fichier est peut-être mal "
        "formé : guillemet jamais refermé, ou fins de ligne non reconnues.",
        code="line_too_long", line=line)


def find_long_line(path: Path, max_bytes: int) -> int | None:
    """The 1-based number of the first physical line longer than `max_bytes`, if any.

    Streams the file in chunks (bounded memory); used on the error path only.
    """
    line, current = 1, 0
    with open(path, "rb") as stream:
        while chunk := stream.read(_STREAM_CHUNK):
            start = 0
            while (end := chunk.find(b"\n", start)) != -1:
                if current + end - start > max_bytes:
                    return line
                line, current, start = line + 1, 0, end + 1
            current += len(chunk) - start
            if current > max_bytes:
                return line
    return None


def _zip_bomb(message: str) -> IngestError:
    return IngestError(
        f"Le classeur a été refusé : {message}. Il pourrait s'agir d'un fichier piégé "
        "(« bombe zip ») ; sinon, découpez-le en fichiers plus petits.",
        code="zip_bomb")


def check_zip_container(path: Path, limits: IngestLimits) -> list[str]:
    """Check an XLSX/ODS (zip) container against decompression bombs; return member names.

    Only the sizes declared in the zip directory are read (nothing is inflated here).
    They can be trusted as bounds: the workbook parser (calamine's zip reader) refuses a
    member that inflates beyond its declared size, so a directory that lies about sizes
    makes the load fail instead of exhausting memory.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(
            "Le classeur est endommagé ou n'est pas un vrai fichier XLSX/ODS "
            "(conteneur ZIP illisible).", code="invalid") from exc
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise _zip_bomb(f"son contenu décompressé ferait {total // (1024 * 1024)} Mo, "
                        f"au-delà de la limite de "
                        f"{limits.max_uncompressed_bytes // (1024 * 1024)} Mo")
    for member in members:
        if member.file_size >= ZIP_RATIO_MIN_BYTES and (
                member.file_size > limits.max_compression_ratio
                * max(member.compress_size, 1)):
            raise _zip_bomb(f"l'élément « {member.filename} » est compressé plus de "
                            f"{limits.max_compression_ratio} fois")
    return [member.filename for member in members]
