"""Validation of a loaded table against a declared Table Schema, in DuckDB SQL.

The data was typed when loaded (a column may be BIGINT, DOUBLE, DATE, VARCHAR...), so each
declared field is read from its column in the way the column's type allows: a typed column
is taken as it is when the types agree (a BIGINT column is made of integers), and is
otherwise checked through its text (a VARCHAR column declared integer: "12a" is a
type error; a BIGINT column declared date with format "%Y%m%d": 20240131 is a date).

One aggregate query computes, over every row, a flag per check (type, required, unique,
enum, pattern, bounds, lengths, primary key): the exact count of each, and the first rows
with an error (a top-N). Only if there are errors, a second query reads the checks and
values of those rows for the report. Names are quoted with `quote_identifier` and every
value from the schema is a bound parameter; the only SQL text built from the schema is our
own (type names, generated aliases).
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .duck import parquet_source, quote_identifier
from .tableschema import (
    ANY_DATE_FORMATS,
    ANY_DATETIME_FORMATS,
    DEFAULT_FALSE,
    DEFAULT_TRUE,
    SchemaError,
    parse_table_schema,
    python_value,
    strptime_format,
)

# Errors that do not make the data invalid.
WARNINGS = {"extra-field"}
# Cut values shown in the report to this many characters.
MAX_VALUE = 200

# The SQL type each Table Schema type is compared in (bounds, enum, uniqueness).
SQL_TYPES = {"integer": "HUGEINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE",
             "datetime": "TIMESTAMPTZ", "time": "TIME", "year": "INTEGER"}
TYPE_LABELS = {
    "string": "un texte", "number": "un nombre", "integer": "un entier",
    "boolean": "un booléen", "object": "un objet JSON", "array": "un tableau JSON",
    "list": "une liste", "date": "une date", "time": "une heure",
    "datetime": "une date et heure", "year": "une année", "yearmonth": "une année-mois",
    "duration": "une durée ISO 8601", "geopoint": "un point géographique",
    "geojson": "un objet GeoJSON", "any": "une valeur",
}

_INTEGER_COLUMN = re.compile(r"^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$")
_NUMBER_COLUMN = re.compile(r"^(FLOAT|DOUBLE|REAL|DECIMAL(\(\d+,\s*\d+\))?)$")
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_TIME = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
_ISO_DATETIME = _ISO_DATE + r"[T ]" + _ISO_TIME + r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
_DURATION = (r"P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?"
             r"(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?")
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
_URI = r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+"
_BASE64 = r"([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN"
_GEOJSON_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection", "Feature", "FeatureCollection"]


class _Sql:
    """Bound parameters of the query being built: `bind(value)` gives its placeholder."""

    def __init__(self) -> None:
        self.params: list = []

    def bind(self, value) -> str:
        self.params.append(value)
        return f"${len(self.params)}"


def validate(con: duckdb.DuckDBPyConnection, parquet_path: Path,
             columns: list[tuple[str, str]], schema: dict, *, max_errors: int = 100) -> dict:
    """Validate a loaded Parquet file against a Table Schema (the report of
    `tableschema.validate_table`). A descriptor that is not a valid Table Schema gives a
    report with one "schema-error", never an exception: a load must not fail for it."""
    source = parquet_source(parquet_path)
    row_count = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    report = _Report(row_count, max_errors)
    try:
        schema = parse_table_schema(schema)
    except SchemaError as exc:
        report.add("schema-error", None, None, None, str(exc), count=1)
        return report.result()

    types = dict(columns)
    declared = {f["name"] for f in schema["fields"]}
    for field in schema["fields"]:
        if field["name"] not in types:
            near = [c for c in types if c.strip().casefold() == field["name"].strip().casefold()]
            hint = f" (une colonne « {near[0]} » existe : la casse ou les espaces diffèrent)" \
                if near else ""
            report.add("missing-field", field["name"], None, None,
                       f"Le champ « {field['name']} » déclaré dans le schéma est absent des "
                       f"données{hint}.", count=1)
    for name, _type in columns:
        if name not in declared:
            report.add("extra-field", name, None, None,
                       f"La colonne « {name} » n'est pas déclarée dans le schéma.", count=1)

    present = [f for f in schema["fields"] if f["name"] in types]
    sql = _Sql()
    plans = [_plan(i, f, types[f["name"]], schema, sql) for i, f in enumerate(present)]
    key = [k for k in schema.get("primaryKey", []) if k in types]
    if len(key) < len(schema.get("primaryKey", [])):
        key = []  # a key field is missing: reported above, the key cannot be checked
    flags = [(p, check, expr) for p in plans for check, expr in p["flags"]]
    if key:
        # pk_first: the first row of the key's value when it is seen more than once.
        flags.append((None, "primary-key-error", "coalesce(rn > pk_first, false)"))
    if flags and row_count:
        _run(con, source, plans, key, flags, sql, report)
    return report.result()


def _plan(index: int, field: dict, column_type: str, schema: dict, sql: _Sql) -> dict:
    """How one declared field is read from its column, and its checks as SQL flags."""
    col = quote_identifier(field["name"])
    column_type = column_type.upper()
    is_text = column_type.startswith("VARCHAR")
    missing = [m for m in schema["missingValues"] if is_text or m != ""]
    if missing:  # missing values are nulls; "" is already a null in a typed column
        text = col if is_text else f"CAST({col} AS VARCHAR)"
        # IN with constants: a cheap comparison, where list_contains costs a list per row.
        listed = ", ".join(sql.bind(m) for m in missing)
        raw = f"CASE WHEN {text} IN ({listed}) THEN NULL ELSE {col} END"
    else:
        raw = col
    c, v = f"c{index}", f"v{index}"
    text = c if is_text else f"CAST({c} AS VARCHAR)"
    value = _convert(c, text, column_type, field, sql)
    constraints = field.get("constraints", {})
    field_type = field["type"]
    flags = []
    if field_type != "any":
        flags.append(("type-error", f"({c} IS NOT NULL AND {v} IS NULL)"))
    if constraints.get("required") or field["name"] in schema.get("primaryKey", []):
        flags.append(("required-error", f"({c} IS NULL)"))
    if constraints.get("unique"):
        flags.append(("unique-error", f"coalesce(rn > u{index}, false)"))
    sql_type = SQL_TYPES.get(field_type)
    if "enum" in constraints:
        members = [python_value(field, m) for m in constraints["enum"]]
        members_sql = sql.bind([_text(m) for m in members])
        if sql_type:  # compared as the field's type: 1.0 is 1, "2024-01-01" a date
            member = f"CAST({members_sql} AS {sql_type}[])"
            flags.append(("enum-error", f"coalesce(NOT list_contains({member}, {v}), false)"))
        else:
            flags.append(("enum-error", f"coalesce(NOT list_contains({members_sql}, "
                                        f"CAST({v} AS VARCHAR)), false)"))
    # Constraints are only checked on values of the right type (else: a type error).
    if "pattern" in constraints:
        pattern = sql.bind(constraints["pattern"])
        flags.append(("pattern-error", f"coalesce({v} IS NOT NULL AND "
                                       f"NOT regexp_full_match({text}, {pattern}), false)"))
    for key, check, operator in (("minimum", "minimum-error", "<"),
                                 ("maximum", "maximum-error", ">"),
                                 ("exclusiveMinimum", "exclusive-minimum-error", "<="),
                                 ("exclusiveMaximum", "exclusive-maximum-error", ">=")):
        if key in constraints:
            bound = sql.bind(_text(python_value(field, constraints[key])))
            bound = f"CAST({bound} AS {sql_type})" if sql_type else bound
            flags.append((check, f"coalesce({v} {operator} {bound}, false)"))
    if field_type == "array":  # items, of a list column or of a JSON array
        length = f"len({v})" if column_type.endswith("]") else f"json_array_length({v})"
    else:
        length = f"CASE WHEN {v} IS NOT NULL THEN length({text}) END"
    for key, check, operator in (("minLength", "min-length-error", "<"),
                                 ("maxLength", "max-length-error", ">")):
        if key in constraints:
            flags.append((check, f"coalesce({length} {operator} "
                                 f"{sql.bind(constraints[key])}, false)"))
    return {"index": index, "field": field, "name": field["name"], "raw": raw, "c": c,
            "v": v, "value": value, "flags": flags, "unique": bool(constraints.get("unique"))}


def _text(value) -> str:
    """A constraint value as the text bound into SQL and cast to the field's SQL type."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _convert(c: str, text: str, column_type: str, field: dict, sql: _Sql) -> str:
    """SQL reading column value `c` (of DuckDB type `column_type`; `text` is its text) as
    the field's type: the typed value, or NULL when it is not one."""
    field_type = field["type"]
    fmt = field.get("format", "default")
    integer_column = bool(_INTEGER_COLUMN.match(column_type))
    number_column = integer_column or bool(_NUMBER_COLUMN.match(column_type))
    if field_type == "any":
        return c
    if field_type == "string":
        if fmt == "email":
            return f"CASE WHEN regexp_full_match({text}, {sql.bind(_EMAIL)}) THEN {text} END"
        if fmt == "uri":
            return f"CASE WHEN regexp_full_match({text}, {sql.bind(_URI)}) THEN {text} END"
        if fmt == "binary":
            return f"CASE WHEN regexp_full_match({text}, {sql.bind(_BASE64)}) THEN {text} END"
        if fmt == "uuid":
            return f"CASE WHEN TRY_CAST({text} AS UUID) IS NOT NULL THEN {text} END"
        return text
    if field_type == "integer":
        if integer_column:  # compared as it is: grouping BIGINT is faster than HUGEINT
            return c
        if number_column:
            return f"CASE WHEN {c} = trunc({c}) THEN TRY_CAST({c} AS HUGEINT) END"
        digits = _number_text(text, field, sql, integer=True)
        return (f"CASE WHEN regexp_full_match({digits}, '[+-]?[0-9]+') "
                f"THEN TRY_CAST({digits} AS HUGEINT) END")
    if field_type == "number":
        if number_column:
            return f"CAST({c} AS DOUBLE)"
        digits = _number_text(text, field, sql, integer=False)
        return (f"CASE WHEN regexp_full_match({digits}, {sql.bind(_NUMBER)}) "
                f"THEN TRY_CAST({digits} AS DOUBLE) END")
    if field_type == "boolean":
        if column_type == "BOOLEAN":
            return c
        true = sql.bind(field.get("trueValues", DEFAULT_TRUE))
        false = sql.bind(field.get("falseValues", DEFAULT_FALSE))
        return (f"CASE WHEN list_contains({true}, {text}) THEN true "
                f"WHEN list_contains({false}, {text}) THEN false END")
    if field_type in ("date", "datetime", "time"):
        return _temporal(c, text, column_type, field_type, fmt, sql)
    if field_type == "year":
        if integer_column:
            return f"CAST({c} AS INTEGER)"
        return f"CASE WHEN regexp_full_match({text}, '[0-9]{{4}}') THEN CAST({text} AS INTEGER) END"
    if field_type == "yearmonth":
        return (f"CASE WHEN regexp_full_match({text}, '[0-9]{{4}}-(0[1-9]|1[0-2])') "
                f"THEN {text} END")
    if field_type == "duration":
        if column_type == "INTERVAL":
            return c
        return (f"CASE WHEN regexp_full_match({text}, {sql.bind(_DURATION)}) AND {text} <> 'P' "
                f"AND NOT ends_with({text}, 'T') THEN {text} END")
    if field_type == "object":
        if column_type.startswith(("STRUCT", "MAP")):
            return c
        return _json_of_type(text, f"json_type({text}) = 'OBJECT'")
    if field_type == "array":
        if column_type.endswith("]"):  # INTEGER[], VARCHAR[2]
            return c
        return _json_of_type(text, f"json_type({text}) = 'ARRAY'")
    if field_type == "geojson":
        if column_type.startswith("GEOMETRY"):
            return c
        if fmt == "topojson":
            return _json_of_type(text, f"json_extract_string({text}, '$.type') = 'Topology'")
        return _json_of_type(text, f"list_contains({sql.bind(_GEOJSON_TYPES)}, "
                                   f"json_extract_string({text}, '$.type'))")
    if field_type == "geopoint":
        return _geopoint(text, fmt, sql)
    return text  # "list": a delimited string; its items are not checked


def _number_text(text: str, field: dict, sql: _Sql, *, integer: bool) -> str:
    """The text of a number with its group characters removed, its decimal character made
    a point and, unless bare, the characters around it ("95 %", "€ 12") removed."""
    if field.get("groupChar"):
        text = f"replace({text}, {sql.bind(field['groupChar'])}, '')"
    if not integer and field.get("decimalChar", ".") != ".":
        text = f"replace({text}, {sql.bind(field['decimalChar'])}, '.')"
    if field.get("bareNumber", True) is False:
        text = f"regexp_replace({text}, '^[^0-9+.-]+|[^0-9.]+$', '', 'g')"
    return text


def _temporal(c: str, text: str, column_type: str, field_type: str, fmt: str,
              sql: _Sql) -> str:
    sql_type = SQL_TYPES[field_type]
    is_timestamp = column_type.startswith("TIMESTAMP")
    if field_type == "date":
        if column_type == "DATE":
            return c
        if is_timestamp:  # a datetime is a date when it is midnight
            return f"CASE WHEN CAST({c} AS TIME) = TIME '00:00:00' THEN CAST({c} AS DATE) END"
    if field_type == "datetime":
        if is_timestamp:
            return f"CAST({c} AS TIMESTAMPTZ)"
        if column_type == "DATE":
            return f"CAST({c} AS TIMESTAMPTZ)" if fmt == "any" else "NULL"
    if field_type == "time" and column_type.startswith("TIME") and not is_timestamp:
        return f"CAST({c} AS TIME)"
    if fmt == "default":
        pattern = {"date": _ISO_DATE, "time": _ISO_TIME, "datetime": _ISO_DATETIME}[field_type]
        return (f"CASE WHEN regexp_full_match({text}, {sql.bind(pattern)}) "
                f"THEN TRY_CAST({text} AS {sql_type}) END")
    if fmt == "any":
        formats = {"date": ANY_DATE_FORMATS, "datetime": ANY_DATETIME_FORMATS,
                   "time": ()}[field_type]
        tries = [f"TRY_CAST({text} AS {sql_type})"] + [
            f"CAST(try_strptime({text}, {sql.bind(f)}) AS {sql_type})" for f in formats]
        return f"coalesce({', '.join(tries)})"
    return f"CAST(try_strptime({text}, {sql.bind(strptime_format(fmt))}) AS {sql_type})"


def _json_of_type(text: str, condition: str) -> str:
    # Nested CASE: the JSON functions raise on invalid JSON, so they only see valid JSON.
    return f"CASE WHEN json_valid({text}) THEN CASE WHEN {condition} THEN {text} END END"


def _geopoint(text: str, fmt: str, sql: _Sql) -> str:
    if fmt == "array":
        point = f"TRY_CAST({text} AS DOUBLE[])"
        lon, lat = f"{point}[1]", f"{point}[2]"
        shape = f"len({point}) = 2"
    elif fmt == "object":
        point = f"CASE WHEN json_valid({text}) THEN {text} END"
        lon = f"TRY_CAST(json_extract_string({point}, '$.lon') AS DOUBLE)"
        lat = f"TRY_CAST(json_extract_string({point}, '$.lat') AS DOUBLE)"
        shape = "true"
    else:  # "lon, lat"
        number = r"\s*[+-]?[0-9]+(\.[0-9]+)?\s*"
        lon = f"TRY_CAST(split_part({text}, ',', 1) AS DOUBLE)"
        lat = f"TRY_CAST(split_part({text}, ',', 2) AS DOUBLE)"
        shape = f"regexp_full_match({text}, {sql.bind(number + ',' + number)})"
    return (f"CASE WHEN coalesce({shape} AND abs({lon}) <= 180 AND abs({lat}) <= 90, false) "
            f"THEN {text} END")


def _run(con, source: str, plans: list[dict], key: list[str], flags: list, sql: _Sql,
         report: _Report) -> None:
    """Count every error exactly, then list the first ones.

    The first query aggregates: the exact count of each check, and the first `max_errors`
    rows with any error (a top-N, cheap even when every row is wrong). Duplicates are
    found by grouping the values (then a join on an empty table when there is none), not by
    a window over all rows. Only when there are errors, the second query reads the checks
    and values of those rows: its scan skips the row groups around them, and its duplicate
    search only groups the values of those rows.
    """
    limit = max(report.max_errors - len(report.errors), 0)
    names = [f"f{n}" for n in range(len(flags))]
    counts = con.execute(
        f"{_pipeline(source, plans, key, flags)}SELECT "
        f"[{', '.join(f'count_if({n})' for n in names)}], "
        f"min(rn, {max(limit, 1)}) FILTER (WHERE {' OR '.join(names)}) FROM flagged",
        sql.params).fetchone()
    for (plan, check, _expr), count in zip(flags, counts[0], strict=True):
        if count:
            report.count(check, plan["name"] if plan else ", ".join(key), count)
    rows = sorted(counts[1] or [])
    if not rows or not limit:
        return

    first_names = [f"u{p['index']}" for p in plans if p["unique"]] + (
        ["pk_first"] if key else [])
    texts = ", ".join(f"CAST({p['c']} AS VARCHAR)" for p in plans)
    n = len(sql.params)
    rows_filter = f"rn BETWEEN ${n + 1} AND ${n + 2} AND list_contains(${n + 3}, rn)"
    listed = con.execute(
        f"{_pipeline(source, plans, key, flags, rows_filter)}SELECT rn, "
        f"[{', '.join(first_names) or 'NULL'}], [{', '.join(names)}], [{texts}] "
        f"FROM flagged WHERE {rows_filter} ORDER BY rn",
        [*sql.params, rows[0], rows[-1], rows]).fetchall()
    for rn, first_values, row_flags, values in listed:
        first = dict(zip(first_names, first_values, strict=False))
        text = {p["name"]: values[i] for i, p in enumerate(plans)}
        for (plan, check, _expr), flagged in zip(flags, row_flags, strict=True):
            if not flagged:
                continue
            if plan is None:
                value = ", ".join(str(text[k]) for k in key)
                report.list(check, ", ".join(key), rn + 1, value,
                            f"Clé primaire ({', '.join(key)}) en double : « {value} » déjà "
                            f"présente ligne {first['pk_first'] + 1}.")
            else:
                value = text[plan["name"]]
                report.list(check, plan["name"], rn + 1, value,
                            _message(check, plan["field"], value,
                                     first.get(f"u{plan['index']}")))


def _pipeline(source: str, plans: list[dict], key: list[str], flags: list,
              rows_filter: str | None = None) -> str:
    """The WITH clause ending in `flagged`: row number, first rows of duplicates, flags.

    `rows_filter` (SQL on `rn`) limits the duplicate search to the values of those rows.
    """
    by_name = {p["name"]: p for p in plans}
    raw = ", ".join(f"{p['raw']} AS {p['c']}" for p in plans)
    typed = ", ".join(f"{p['c']}, {p['value']} AS {p['v']}" for p in plans)
    # Not materialised: the duplicate searches read their own columns again, which costs
    # less than keeping every converted column of every row.
    ctes = [f"src AS NOT MATERIALIZED (SELECT file_row_number AS rn, {raw} FROM {source})",
            f"typed AS NOT MATERIALIZED (SELECT rn, {typed} FROM src)"]
    if rows_filter:
        ctes.append(f"listed AS (SELECT * FROM typed WHERE {rows_filter})")
    keys = [[p["v"]] for p in plans if p["unique"]] + (
        [[by_name[k]["v"] for k in key]] if key else [])
    groups: dict[tuple[str, ...], str] = {}
    for values in keys:
        if tuple(values) in groups:  # a unique field that is also the primary key
            continue
        name = groups[tuple(values)] = f"dup{len(groups)}"
        condition = " AND ".join(f"{v} IS NOT NULL" for v in values)
        if rows_filter:
            condition += (f" AND EXISTS (SELECT 1 FROM listed WHERE "
                          f"{' AND '.join(f'listed.{v} = typed.{v}' for v in values)})")
        ctes.append(f"{name} AS (SELECT {', '.join(values)}, min(rn) AS first FROM typed "
                    f"WHERE {condition} GROUP BY ALL HAVING count(*) > 1)")
    firsts = [f"{groups[(p['v'],)]}.first AS u{p['index']}" for p in plans if p["unique"]]
    if key:
        firsts.append(f"{groups[tuple(by_name[k]['v'] for k in key)]}.first AS pk_first")
    joins = "".join(f" LEFT JOIN {name} ON " + " AND ".join(
        f"typed.{v} = {name}.{v}" for v in values) for values, name in groups.items())
    ctes.append(f"joined AS (SELECT typed.*{''.join(', ' + f for f in firsts)} FROM typed"
                f"{joins})")
    ctes.append("flagged AS (SELECT *, {} FROM joined)".format(", ".join(
        f"{expr} AS f{n}" for n, (_p, _c, expr) in enumerate(flags))))
    return f"WITH {', '.join(ctes)} "


def _message(check: str, field: dict, value: str | None, first: int | None) -> str:
    constraints = field.get("constraints", {})
    shown = f"« {_cut(value)} »"
    if check == "type-error":
        fmt = field.get("format", "default")
        detail = f" (format « {fmt} »)" if fmt not in ("default", "any") else ""
        return f"{shown} n'est pas {TYPE_LABELS[field['type']]}{detail}."
    if check == "required-error":
        return "Valeur obligatoire manquante."
    if check == "unique-error":
        return f"{shown} est déjà présente ligne {first + 1} ; les valeurs doivent être uniques."
    if check == "enum-error":
        allowed = ", ".join(str(v) for v in constraints["enum"][:20])
        return f"{shown} ne fait pas partie des valeurs autorisées : {allowed}."
    if check == "pattern-error":
        return f"{shown} ne respecte pas le motif « {constraints['pattern']} »."
    if check in ("minimum-error", "exclusive-minimum-error"):
        key = "minimum" if check == "minimum-error" else "exclusiveMinimum"
        relation = "au moins" if key == "minimum" else "strictement plus que"
        return f"{shown} est trop petit : {relation} {constraints[key]} attendu."
    if check in ("maximum-error", "exclusive-maximum-error"):
        key = "maximum" if check == "maximum-error" else "exclusiveMaximum"
        relation = "au plus" if key == "maximum" else "strictement moins que"
        return f"{shown} est trop grand : {relation} {constraints[key]} attendu."
    if check == "min-length-error":
        return f"{shown} est trop court : au moins {constraints['minLength']} caractères."
    return f"{shown} est trop long : au plus {constraints['maxLength']} caractères."


def _cut(value: str | None) -> str:
    if value is None:
        return ""
    return value if len(value) <= MAX_VALUE else value[:MAX_VALUE] + "…"


class _Report:
    """Exact counts, and the first errors up to `max_errors`."""

    def __init__(self, row_count: int, max_errors: int) -> None:
        self.row_count = row_count
        self.max_errors = max_errors
        self.errors: list[dict] = []
        self.by_field: dict[str, int] = {}
        self.by_type: dict[str, int] = {}

    def count(self, check: str, field: str | None, count: int) -> None:
        self.by_type[check] = self.by_type.get(check, 0) + count
        if field is not None:
            self.by_field[field] = self.by_field.get(field, 0) + count

    def list(self, check: str, field: str | None, row: int | None, value: str | None,
             message: str) -> None:
        if len(self.errors) < self.max_errors:
            self.errors.append({"type": check, "field": field, "row": row,
                                "value": None if value is None else _cut(value),
                                "message": message,
                                "severity": "warning" if check in WARNINGS else "error"})

    def add(self, check: str, field: str | None, row: int | None, value: str | None,
            message: str, *, count: int) -> None:
        self.count(check, field, count)
        self.list(check, field, row, value, message)

    def result(self) -> dict:
        total = sum(self.by_type.values())
        warnings = sum(n for t, n in self.by_type.items() if t in WARNINGS)
        return {"valid": total == warnings, "error_count": total, "warning_count": warnings,
                "row_count": self.row_count, "errors": self.errors,
                "by_field": self.by_field, "by_type": self.by_type}
