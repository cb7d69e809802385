"""What every importer produces: plain records, checked, before anything is written.

An importer reads the whole file into records first; the database is only touched once the
file has been read without error, so a bad file never changes the offers in place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

MAX_HOURS = 10_000        # about five years full time: beyond, the figure is an error
MAX_COST = Decimal("1000000")
ROME_CODE = re.compile(r"^[A-N]\d{4}$")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
SIRET = re.compile(r"^\d{14}$")


class TrainingImportError(Exception):
    """The file cannot be imported: wrong format, malformed or hostile content."""


@dataclass
class OfferRecord:
    source_id: str
    title: str
    provider_name: str
    provider_siret: str = ""
    commune_insee: str = ""
    place_name: str = ""
    departement: str = ""
    latitude: float | None = None
    longitude: float | None = None
    remote: bool = False
    duration_hours: float | None = None
    cost_euros: Decimal | None = None
    certification_kind: str = ""
    certification_code: str = ""
    certification_title: str = ""
    certifinfo: str = ""
    formacodes: list[str] = field(default_factory=list)
    romes: list[str] = field(default_factory=list)
    romes_inferred: bool = False
    sessions: list[dict] = field(default_factory=list)
    url: str = ""


@dataclass
class ParseResult:
    records: list[OfferRecord]
    warnings: list[str]


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def clean(text: str | None, limit: int = 500) -> str:
    """Whitespace folded, control and invisible characters dropped, cut at `limit`."""
    if not text:
        return ""
    return CONTROL.sub("", " ".join(text.split()))[:limit]


def number(text: str | None) -> float | None:
    """A French or English decimal ("1 234,5", "1234.5"), None when absent or unreadable."""
    text = (text or "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def hours(text: str | None) -> float | None:
    value = number(text)
    return value if value is not None and 0 < value <= MAX_HOURS else None


def euros(text: str | None) -> Decimal | None:
    value = number(text)
    if value is None or value < 0:
        return None
    try:
        amount = Decimal(str(round(value, 2)))
    except InvalidOperation:
        return None
    return amount if amount <= MAX_COST else None


def coordinate(text: str | None, low: float, high: float) -> float | None:
    value = number(text)
    return value if value is not None and low <= value <= high else None


def code(text: str | None) -> str:
    """A code as published, without a float's ".0" (spreadsheets turn 31054 into 31054.0)."""
    text = clean(text, 40)
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def rome_codes(values) -> list[str]:
    found = []
    for value in values:
        value = clean(value, 10).upper()
        if ROME_CODE.match(value) and value not in found:
            found.append(value)
    return found


def lheo_date(text: str | None) -> date | None:
    """AAAAMMJJ; LHEO writes 00000000 for unknown and 99999999 for permanent entry."""
    text = clean(text, 8)
    if len(text) != 8 or not text.isdigit() or text in ("00000000", "99999999"):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def next_session(sessions: list[dict], today: date | None = None) -> dict:
    """The first session that has not started yet, else the last known one."""
    today_text = (today or date.today()).isoformat()
    dated = [s for s in sessions if s.get("debut")]
    upcoming = [s for s in dated if s["debut"] >= today_text]
    return upcoming[0] if upcoming else (dated[-1] if dated else {})
