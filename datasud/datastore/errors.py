"""Errors of the datastore, each carrying a message meant for the person who sees it."""
from __future__ import annotations


class IngestError(Exception):
    """A source file could not be loaded. The previous version, if any, stays served.

    `line` (1-based, in the source file, header included) and `column` (a column name) say
    where, when known; `code` is a stable machine-readable reason ("encoding", "ragged",
    "empty", "binary", "too_many_columns", "line_too_long", "zip_bomb", "unsupported"...);
    `details` lists further problems of the same load (e.g. the first bad lines).
    """

    def __init__(self, message: str, *, code: str = "invalid", line: int | None = None,
                 column: str | None = None, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.line = line
        self.column = column
        self.details = details or []

    def as_dict(self) -> dict:
        return {"message": self.message, "code": self.code, "line": self.line,
                "column": self.column, "details": self.details}


class LoadFailed(Exception):
    """A load run on purpose by a command (`services.load_now`) did not succeed; the
    message says which resource and why."""


class QueryError(ValueError):
    """A query parameter or SQL text is invalid; the message names the problem (HTTP 400)."""

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter
