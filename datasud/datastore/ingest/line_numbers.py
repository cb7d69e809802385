"""Physical line numbers of the bad records DuckDB reports.

DuckDB's rejects table numbers *records*: a quoted value spanning three lines counts as one,
so every error after it would be reported too early. The producer opens the file in an
editor, which numbers physical lines; the rejects table also gives the byte offset where
each bad record starts, and the line number is one plus the line breaks before it.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

_CHUNK = 4 * 1024 * 1024


def physical_lines(path: Path, offsets: Iterable[int], encoding: str = "") -> dict[int, int]:
    """{byte offset: 1-based physical line} for each offset of `path` (one streamed pass,
    up to the last offset; bounded memory).

    Lines end with "\\n" ("\\r\\n" included), or with "\\r" in files that have no "\\n" at
    all (old Mac files), as DuckDB reads them. With `encoding="latin-1"` (a file DuckDB
    decoded itself) the offsets count the bytes of the text once converted to UTF-8, as
    DuckDB does: every byte above 0x7F counts two.
    """
    wanted = sorted({int(offset) for offset in offsets if offset is not None and offset >= 0})
    if not wanted:
        return {}
    with open(path, "rb") as stream:
        head = stream.read(_CHUNK)
    newline = b"\n" if b"\n" in head or b"\r" not in head else b"\r"
    found: dict[int, int] = {}
    breaks, position, pending = 0, 0, b""
    with open(path, "rb") as stream:
        for offset in wanted:
            while position < offset:
                if not pending:
                    pending = stream.read(_CHUNK)
                    if not pending:
                        break
                    if encoding == "latin-1":
                        pending = pending.decode("latin-1").encode("utf-8")
                taken = pending[:offset - position]
                pending = pending[len(taken):]
                breaks += taken.count(newline)
                position += len(taken)
            found[offset] = breaks + 1
    return found
