"""Stable CKAN identifiers for catalogue rows that only have integer keys.

CKAN clients expect ids to be UUIDs, distinct from names. The catalogue has integer
primary keys and slugs, and adding a UUID column would need a catalogue migration, so an id
here is a version 8 UUID (RFC 9562, "vendor-specific") that spells the kind of object and
its key: dataset 42 is `d5000001-0000-8000-8000-00000000002a`. Such ids are stable for the
life of the row, never collide across kinds (a dataset id never names a resource), can be
read back without a lookup table, and cannot be mistaken for a slug in practice.
"""
from __future__ import annotations

import re

DATASET, RESOURCE, ORGANISATION, GROUP, TAG = "dataset", "resource", "organisation", "group", "tag"
_PREFIXES = {DATASET: "d5000001", RESOURCE: "d5000002", ORGANISATION: "d5000003",
             GROUP: "d5000004", TAG: "d5000005"}
_KINDS = {prefix: kind for kind, prefix in _PREFIXES.items()}
_SHAPE = re.compile(r"^(d500000[1-5])-0000-8000-8000-([0-9a-f]{12})$")
#: Our ids as they appear inside SQL text (datastore_search_sql names tables by them).
IN_TEXT = re.compile(r"d5000002-0000-8000-8000-[0-9a-f]{12}(?:_\d+)?", re.IGNORECASE)


def make(kind: str, pk: int) -> str:
    """The CKAN id of the row `pk` of `kind`."""
    return f"{_PREFIXES[kind]}-0000-8000-8000-{pk:012x}"


def parse(kind: str, value) -> int | None:
    """The primary key an id of `kind` names, or None if `value` is no such id."""
    if not isinstance(value, str):
        return None
    match = _SHAPE.match(value.strip().lower())
    if match is None or _KINDS[match.group(1)] != kind:
        return None
    return int(match.group(2), 16)
