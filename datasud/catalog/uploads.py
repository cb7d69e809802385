"""Streaming of uploaded files: a size limit enforced while the bytes arrive, and the
checksum, format and media type worked out in the same single pass over the file.
"""
from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(Exception):
    """The request carries more bytes than DATASUD_MAX_UPLOAD_SIZE allows (HTTP 413)."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"Le fichier dépasse la taille maximale autorisée ({limit} octets).")


class MaxSizeUploadHandler(FileUploadHandler):
    """Refuses an upload as soon as it is known to be too big, before it is stored.

    Installed first in the handler chain of upload views, it stops on the declared
    Content-Length and, for chunked requests without one, while counting the bytes.
    """

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit if limit is not None else settings.DATASUD_MAX_UPLOAD_SIZE
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The multipart envelope adds a few hundred bytes; allow for it.
        if content_length and content_length > self.limit + 64 * 1024:
            raise UploadTooLarge(self.limit)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None


def install_upload_limit(request) -> None:
    """Put the size check in front of Django's handlers; call before touching request.FILES."""
    request.upload_handlers.insert(0, MaxSizeUploadHandler(request))


# Magic numbers of the formats producers upload most; the extension decides otherwise.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"PAR1", "parquet"),
    (b"%PDF", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"SQLite format 3", "gpkg"),
]
_ZIP_FORMATS = {"xlsx", "ods", "docx", "odt", "shp", "gpkg", "kmz"}
_EXTRA_MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv",
    "json": "application/json",
    "jsonl": "application/jsonl",
    "shp": "application/zip",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@dataclass
class FileFacts:
    size: int
    checksum: str
    format: str
    media_type: str


def detect_format(filename: str, head: bytes) -> str:
    """Short lower-case format name from the file's first bytes and its name."""
    name = filename.lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if name.endswith(".shp.zip"):
        return "shp"
    for signature, fmt in _SIGNATURES:
        if head.startswith(signature):
            return "gpkg" if fmt == "gpkg" and ext != "sqlite" else fmt
    if head.startswith(b"PK\x03\x04"):
        return ext if ext in _ZIP_FORMATS else "zip"
    if ext:
        return {"jpg": "jpeg", "yml": "yaml", "ndjson": "jsonl", "tsv": "tsv",
                "htm": "html"}.get(ext, ext)
    stripped = head.lstrip()
    if stripped.startswith((b"{", b"[")):
        return "geojson" if b'"FeatureCollection"' in head else "json"
    return ""


def media_type_for(fmt: str, filename: str) -> str:
    if fmt in _EXTRA_MEDIA_TYPES:
        return _EXTRA_MEDIA_TYPES[fmt]
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def inspect_file(uploaded, filename: str) -> FileFacts:
    """Size, SHA-256, format and media type of an uploaded file, read once in chunks."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    fmt = detect_format(filename, head)
    return FileFacts(size=size, checksum=digest.hexdigest(), format=fmt,
                     media_type=media_type_for(fmt, filename))
