"""The errors of the CKAN Action API, each with the HTTP status and `__type` CKAN gives it.

Actions raise these; the view (`views.py`) turns them into CKAN's error envelope. The
`__type` names and the English prefixes of messages are CKAN's own, which clients match
(ckanapi turns "Not Found Error" into `NotFound`...); the details are in French.
"""
from __future__ import annotations


class CkanError(Exception):
    status = 400
    type = "Bad Request"
    prefix = ""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict:
        message = f"{self.prefix}: {self.message}" if self.prefix and self.message else (
            self.message or self.prefix)
        return {"__type": self.type, "message": message}


class BadRequest(CkanError):
    """Unknown action, unreadable body: CKAN answers "Bad request - <why>"."""

    def as_dict(self) -> dict:
        return {"__type": self.type, "message": f"Bad request - {self.message}"}


class NotFound(CkanError):
    status = 404
    type = "Not Found Error"
    prefix = "Not found"


class NotAuthorized(CkanError):
    status = 403
    type = "Authorization Error"
    prefix = "Access denied"


class SearchQueryError(CkanError):
    status = 400
    type = "Search Query Error"
    prefix = "Search Query is invalid"


class ValidationError(CkanError):
    """Per-field messages: `{"name": ["..."], "owner_org": ["..."]}` (CKAN's shape)."""

    status = 409
    type = "Validation Error"

    def __init__(self, errors: dict[str, list]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def on(cls, field: str, message: str) -> ValidationError:
        return cls({field: [message]})

    def as_dict(self) -> dict:
        return {"__type": self.type, **self.errors}
