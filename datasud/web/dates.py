"""Dates as French writes them. The first day of a month is an ordinal, « 1er janvier 2027 »
(never « 1 janvier »), which no Django date format can say: the format is rewritten, for
that day only and when the page speaks French, so that the day reads « 1er ». Every
template gets it through the `date` filter of `templatetags/french_dates.py` (a builtin
of `settings.TEMPLATES`), Python code through `format_date`."""
from __future__ import annotations

import datetime as dt
import re

from django.utils.formats import date_format, get_format
from django.utils.translation import get_language

# A day without leading zero ("j", unless escaped) followed by a month written as a word
# (F: « janvier », E: the genitive, N: the abbreviation): « 1/01/2027 » stays numeric.
_DAY_BEFORE_MONTH_NAME = re.compile(r"(?<!\\)j(?=\s*[FEN])")


def french_format(format_string: str, value) -> str:
    """`format_string` (a format or the name of one, "DATE_FORMAT") with the day written
    « 1er » when `value` is the first of a month and the active language is French."""
    resolved = get_format(format_string or "DATE_FORMAT")
    if getattr(value, "day", None) != 1 or not (get_language() or "").startswith("fr"):
        return resolved
    return _DAY_BEFORE_MONTH_NAME.sub(r"j\\e\\r", resolved)


def format_date(value: dt.date | dt.datetime, format_string: str = "DATE_FORMAT") -> str:
    """`django.utils.formats.date_format` with French ordinals (« 1er mars 2027 »)."""
    return date_format(value, french_format(format_string, value))
