"""Column names of staged tables: readable, unique, and safe for the rest of the platform.

Names are shown to people (API, previews, downloads), so accents and case are kept; only
what would confuse a reader or DuckDB is changed. DuckDB compares identifiers without
regard to case, so uniqueness is checked case-insensitively ("Nom" and "nom" collide).
"""
from __future__ import annotations

import re

MAX_NAME_LENGTH = 128
# Columns the platform adds to every table (row identity, Parquet row number).
RESERVED_NAMES = frozenset({"_id", "file_row_number"})

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b\ufeff]")


def _key(name: str) -> str:
    return name.casefold()


def _clean_one(label: object) -> str:
    text = "" if label is None else str(label)
    # Control characters and zero-width marks are invisible noise (often a stray BOM).
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:MAX_NAME_LENGTH]


def _with_suffix(base: str, number: int) -> str:
    suffix = f"_{number}"
    return base[:MAX_NAME_LENGTH - len(suffix)] + suffix


def clean_column_names(labels: list[object]) -> list[str]:
    """Clean header labels into unique column names, in the same order.

    Whitespace is stripped and collapsed, an empty label becomes `colonne_<position>`
    (1-based), names are capped at 128 characters, a reserved name (`_id`,
    `file_row_number`) or a repeated one gets a numeric suffix (`nom`, `nom_2`).
    Labels written by the producer are served before generated names.
    """
    cleaned = [_clean_one(label) for label in labels]
    bases = [text or f"colonne_{position}" for position, text in enumerate(cleaned, start=1)]
    # A suffixed name must not take a name that another column carries on its own.
    originals = {_key(base) for base in bases}
    used: set[str] = set()
    names = [""] * len(bases)
    order = [i for i, text in enumerate(cleaned) if text] + [
        i for i, text in enumerate(cleaned) if not text]
    for index in order:
        base = name = bases[index]
        number = 1
        while _key(name) in used or _key(name) in RESERVED_NAMES or (
                number > 1 and _key(name) in originals):
            number += 1
            name = _with_suffix(base, number)
        used.add(_key(name))
        names[index] = name
    return names
