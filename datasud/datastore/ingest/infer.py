"""Column types of a CSV file, chosen on the sampled head, and the SQL that applies them.

DuckDB's own sniffer is not used for types: it turns "04070" into the integer 4070, reads
"1 234,5" as text and fails on ragged files. Here each column gets a plan:

- `raw`: DuckDB's CSV parser reads the type itself (fastest; dates in the file's main
  format, decimals with the file's separator, ISO timestamps, booleans, text);
- `int`: read as text and cast in SQL, refusing leading zeros, so that a code such as
  "04070" met after the sample makes the load retry with the column as text;
- `num`, `date`, `timestamp`: read as text and converted in SQL (thousands separators,
  a second decimal separator or date format, time zones);
- `drop`: an unnamed, empty column (trailing delimiter), removed unless a value appears.

A value the conversion refuses raises an error naming the column (`RETYPE_MARK`), and the
reader loads again with that column as text (or as a decimal, for a stray "2.5" among
integers). The check covers every row, not only the sample.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..duck import quote_identifier, quote_literal_body

RETYPE_MARK = "datasud-retype:"
RETYPE_RE = re.compile(re.escape(RETYPE_MARK) + r"(\d+):(.*)", re.DOTALL)
# The values of a sampled column arrive joined by this separator (never in real text),
# so that each candidate type is one regex over one string, at C speed.
SEPARATOR = "\x1f"
SAMPLE_CHARS = 64 * 1024  # of each column's joined values, the part that is examined

_D = r"(?:0?[1-9]|[12][0-9]|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_ISO_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_ISO_TS = _ISO_DATE + r"[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?"
# Possessive quantifiers keep these linear: they run over a whole column at once.
_INT = r" *+-?[0-9]{1,18}+ *+"
_NUMBER = (r" *+-?(?:(?:[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})++|[0-9]++)(?:[.,][0-9]*+)?"
           r"|[.,][0-9]++)(?:[eE][-+]?[0-9]++)? *+")
# Date layouts, in order of preference (French first), with their strptime format.
_DATES = (
    (rf"{_D}/{_M}/[0-9]{{4}}", "%d/%m/%Y"),
    (rf"{_M}/{_D}/[0-9]{{4}}", "%m/%d/%Y"),
    (rf"{_D}-{_M}-[0-9]{{4}}", "%d-%m-%Y"),
    (rf"{_D}\.{_M}\.[0-9]{{4}}", "%d.%m.%Y"),
    (_ISO_DATE, "%Y-%m-%d"),
    (r"[0-9]{4}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12][0-9]|3[01])", "%Y/%m/%d"),
)
FR_TIMESTAMP_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_FR_TS = rf"{_D}/{_M}/[0-9]{{4}}[ T][0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?"


def _every(pattern: str) -> re.Pattern:
    """A regex matching a joined list whose every value matches `pattern`."""
    return re.compile(f"(?:(?:{pattern}){SEPARATOR})*+")


_ALL_INT = _every(_INT)
_ALL_NUMBER = _every(_NUMBER)
_ALL_BOOL = _every("(?i:true|false)")
_ALL_DATES = tuple((_every(pattern), fmt) for pattern, fmt in _DATES)
_ALL_ISO_TS = _every(f"{_ISO_TS}|{_ISO_DATE}")
_ALL_TZ_TS = _every(_ISO_TS + r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)")
_ALL_FR_TS = _every(_FR_TS)
_LEADING_ZERO = re.compile(f"{SEPARATOR} *+-?0[0-9]")  # searched in SEPARATOR + values
_COMMA = re.compile(r"[0-9],[0-9]")
_SPACED = re.compile(r"[0-9][ \u00a0\u202f][0-9]")
_DOT_OR_EXPONENT = re.compile(r"[.eE]")
# Spaces used as thousands separators in French numbers, removed before a numeric cast.
_SPACES = " \t\u00a0\u202f"


@dataclass
class ColumnPlan:
    """How one CSV column is read and converted."""

    name: str                  # clean column name
    label: str                 # header label in the file
    read_type: str = "VARCHAR"  # type DuckDB's CSV parser produces
    final_type: str = "VARCHAR"
    kind: str = "raw"          # raw | int | num | date | timestamp | drop
    fmt: str = ""              # strptime format(s) for date/timestamp, "" for ISO
    tz: bool = False           # timestamps with an offset, converted to UTC
    comma: bool = False        # numbers using a decimal comma
    dot: bool = False          # numbers using a decimal point (or an exponent)
    spaced: bool = False       # numbers using spaces as thousands separators


def classify(plan: ColumnPlan, joined: str | None) -> None:
    """Set the plan's type from the column's non-empty sampled values.

    `joined` holds the values separated by SEPARATOR (None: no value at all).
    """
    if not joined:
        plan.kind = "drop" if not plan.label.strip() else "raw"
        return
    if len(joined) > SAMPLE_CHARS:
        # Enough to type the column; DuckDB checks every value of the file anyway.
        cut = joined.rfind(SEPARATOR, 0, SAMPLE_CHARS)
        joined = joined[:cut] if cut > 0 else joined[:SAMPLE_CHARS]
    values = joined + SEPARATOR
    if _ALL_NUMBER.fullmatch(values):
        if _LEADING_ZERO.search(SEPARATOR + values):
            return  # "04070", "0612345678": identifiers, kept as text
        plan.comma = bool(_COMMA.search(values))
        plan.dot = bool(_DOT_OR_EXPONENT.search(values))
        plan.spaced = bool(_SPACED.search(values))
        if plan.comma or plan.dot:
            plan.kind, plan.final_type = "num", "DOUBLE"
        elif _ALL_INT.fullmatch(values):
            plan.kind, plan.final_type = "int", "BIGINT"
        else:  # integers written "1 234", or too long for BIGINT: keep them exact
            plan.kind, plan.final_type = ("num", "BIGINT") if plan.spaced else ("raw",
                                                                                 "VARCHAR")
        return
    if _ALL_BOOL.fullmatch(values):
        plan.read_type = plan.final_type = "BOOLEAN"
        return
    for regex, fmt in _ALL_DATES:
        if regex.fullmatch(values):
            plan.kind, plan.final_type, plan.fmt = "date", "DATE", fmt
            return
    if _ALL_ISO_TS.fullmatch(values):
        plan.kind, plan.final_type = "timestamp", "TIMESTAMP"
    elif _ALL_TZ_TS.fullmatch(values):
        plan.kind, plan.final_type, plan.tz = "timestamp", "TIMESTAMP", True
    elif _ALL_FR_TS.fullmatch(values):
        plan.kind, plan.final_type = "timestamp", "TIMESTAMP"
        plan.fmt = "|".join(FR_TIMESTAMP_FORMATS)


def plan_columns(names: list[str], labels: list[str], samples: list[str | None],
                 delimiter: str) -> tuple[list[ColumnPlan], dict]:
    """Plans for every column, and the parser options (decimal separator, date format).

    `samples` are the joined sampled values of each column (see `classify`). The parser
    reads natively what it can: the decimal separator used by most decimal columns (a
    comma is possible only when it is not the delimiter), the date format of the first
    date column, ISO timestamps. Other columns go through SQL conversions.
    """
    plans = [ColumnPlan(name, label) for name, label in zip(names, labels, strict=True)]
    for plan, joined in zip(plans, samples, strict=True):
        classify(plan, joined)
    numeric = [p for p in plans if p.kind == "num"]
    comma_votes = sum(1 for p in numeric if p.comma and not p.dot)
    dot_votes = sum(1 for p in numeric if p.dot and not p.comma)
    decimal = "," if delimiter != "," and comma_votes > dot_votes else "."
    for plan in numeric:
        uses_other = plan.dot if decimal == "," else plan.comma
        if not plan.spaced and not uses_other:
            plan.kind, plan.read_type = "raw", "DOUBLE"
    date_format = next((p.fmt for p in plans if p.kind == "date"), "")
    for plan in plans:
        if plan.kind == "date" and plan.fmt == date_format:
            plan.kind, plan.read_type = "raw", "DATE"
        elif plan.kind == "timestamp" and not plan.fmt and not plan.tz:
            plan.kind, plan.read_type = "raw", "TIMESTAMP"
    return plans, {"decimal_separator": decimal, "date_format": date_format}


def _guarded(ident: str, index: int, converted: str, refused: str = "") -> str:
    """`converted`, or an error naming the column when it is NULL for a non-blank value.

    `refused` is a condition under which a value is refused before conversion. Blank
    values (only spaces) are NULL; `trim` runs only when the conversion failed.
    """
    mark = f"error('{quote_literal_body(f'{RETYPE_MARK}{index}:')}' || {ident})"
    checked = (f"coalesce({converted}, CASE WHEN {ident} IS NULL OR trim({ident}) = '' "
               f"THEN NULL ELSE {mark} END)")
    return f"CASE WHEN {refused} THEN {mark} ELSE {checked} END" if refused else checked


def select_expr(plan: ColumnPlan, index: int) -> str:
    """The SQL expression giving the column's final value, aliased to its name."""
    ident = quote_identifier(plan.name)
    if plan.kind == "int":
        # Leading zeros and signs are codes; TRY_CAST would also round "2.5" to 3.
        # (prefix() measured about twice as fast as starts_with() or x[1] here.)
        refused = (f"(prefix({ident}, '0') AND length({ident}) > 1) "
                   f"OR prefix({ident}, '+') OR contains({ident}, '.')")
        expr = _guarded(ident, index, f"TRY_CAST({ident} AS BIGINT)", refused)
    elif plan.kind == "num":
        cleaned = f"regexp_replace({ident}, '[{_SPACES}]', '', 'g')"
        if plan.comma:
            cleaned = f"replace({cleaned}, ',', '.')"
        expr = _guarded(ident, index, f"TRY_CAST({cleaned} AS {plan.final_type})")
    elif plan.kind == "date":
        fmt = quote_literal_body(plan.fmt)
        expr = _guarded(ident, index, f"CAST(try_strptime({ident}, '{fmt}') AS DATE)")
    elif plan.kind == "timestamp" and plan.tz:
        expr = _guarded(ident, index,
                        f"timezone('UTC', TRY_CAST({ident} AS TIMESTAMPTZ))")
    elif plan.kind == "timestamp" and plan.fmt:
        formats = ", ".join(f"'{quote_literal_body(f)}'" for f in plan.fmt.split("|"))
        expr = _guarded(ident, index, f"try_strptime({ident}, [{formats}])")
    elif plan.kind == "timestamp":
        expr = _guarded(ident, index, f"TRY_CAST({ident} AS TIMESTAMP)")
    else:
        return ident
    return f"{expr} AS {ident}"


def drop_guard(plan: ColumnPlan, index: int) -> str:
    """A WHERE condition keeping every row, failing if a dropped column has a value."""
    ident = quote_identifier(plan.name)
    mark = quote_literal_body(f"{RETYPE_MARK}{index}:")
    return (f"(CASE WHEN {ident} IS NULL OR trim({ident}) = '' THEN true "
            f"ELSE error('{mark}' || {ident}) END)")


def retype(plan: ColumnPlan, value: str | None) -> str:
    """Relax a column after `value` failed its conversion; return the new type.

    A number column meeting a decimal it could not read (a "2.5" among integers, a
    decimal point where commas were seen) becomes a decimal read by SQL accepting both
    separators; everything else becomes text (a dropped empty column that turns out to
    hold values is kept, as text).
    """
    if plan.final_type in ("BIGINT", "DOUBLE") and plan.kind != "num" and value is not None:
        probe = ColumnPlan(plan.name, plan.label)
        classify(probe, value.replace(SEPARATOR, " "))
        if probe.kind in ("int", "num"):
            plan.kind, plan.read_type, plan.final_type = "num", "VARCHAR", "DOUBLE"
            plan.comma, plan.dot, plan.spaced = True, True, True
            return plan.final_type
    plan.kind, plan.read_type, plan.final_type, plan.fmt, plan.tz = (
        "raw", "VARCHAR", "VARCHAR", "", False)
    return plan.final_type
