"""Opaque, signed tokens of keyset pagination.

A token holds the sort values and the row number of the last row of a page, plus a
fingerprint of the query it belongs to (file version, filters, sort). It is signed with
the project's SECRET_KEY: a modified or foreign token is refused with a QueryError before
any of its content is used, and a token of another query or of an older version of the
data is refused as expired, rather than silently returning wrong rows.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal, InvalidOperation

from django.utils.crypto import constant_time_compare, salted_hmac

from ..errors import QueryError

_SALT = "datasud.datastore.query.cursor"
MAX_TOKEN_LENGTH = 16_000


def fingerprint(*parts) -> str:
    """A short digest identifying the query a token belongs to."""
    text = json.dumps(parts, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _encode_value(value) -> list:
    # Tagged so that types survive JSON: a date stays a date when bound again.
    if value is None:
        return ["n"]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, Decimal):
        return ["d", str(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, dt.date):
        return ["D", value.isoformat()]
    if isinstance(value, dt.time):
        return ["T", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["u", str(value)]
    raise TypeError(f"cannot put a {type(value).__name__} in a cursor")


_DECODERS = {
    "b": lambda v: v if isinstance(v, bool) else _bad(),
    "i": int,
    "f": float,
    "d": Decimal,
    "s": lambda v: v if isinstance(v, str) else _bad(),
    "t": dt.datetime.fromisoformat,
    "D": dt.date.fromisoformat,
    "T": dt.time.fromisoformat,
    "u": uuid.UUID,
}


def _bad():
    raise ValueError("bad value")


def _decode_value(item):
    if not isinstance(item, list) or not item or item[0] not in (*_DECODERS, "n"):
        raise ValueError("bad item")
    if item[0] == "n":
        return None
    if len(item) != 2 or isinstance(item[1], (list, dict)):
        raise ValueError("bad item")
    return _DECODERS[item[0]](item[1])


def _sign(payload: str) -> str:
    return salted_hmac(_SALT, payload, algorithm="sha256").hexdigest()[:32]


def encode_cursor(values: list, row_number: int, query_fingerprint: str) -> str:
    """The token pointing after a row with these sort `values` and file `row_number`."""
    body = json.dumps({"v": [_encode_value(v) for v in values], "r": row_number,
                       "f": query_fingerprint}, ensure_ascii=False, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode("utf-8")).decode("ascii").rstrip("=")
    return f"{payload}.{_sign(payload)}"


def decode_cursor(token: str, query_fingerprint: str, key_count: int) -> tuple[list, int]:
    """The (sort values, row number) of a token made by `encode_cursor` for this query."""
    invalid = QueryError("Curseur invalide : utilisez tel quel le next_cursor d'une page "
                         "précédente.", parameter="cursor")
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise invalid
    payload, signature = token.split(".")
    if not constant_time_compare(signature, _sign(payload)):
        raise invalid
    try:
        padded = payload + "=" * (-len(payload) % 4)
        body = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
        if body.get("f") != query_fingerprint:
            raise QueryError("Ce curseur appartient à une autre requête (filtres ou tri "
                             "différents) ou à une version antérieure des données : "
                             "recommencez sans curseur.", parameter="cursor")
        values = [_decode_value(item) for item in body["v"]]
        row_number = body["r"]
        if len(values) != key_count or not isinstance(row_number, int) or row_number < 0:
            raise invalid
    except QueryError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, InvalidOperation,
            binascii.Error, UnicodeError):
        raise invalid from None
    return values, row_number
