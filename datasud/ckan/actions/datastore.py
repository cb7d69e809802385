"""datastore_search and datastore_search_sql over the platform's datastore.

Parameters are translated into the datastore's own query language (`RecordsRequest`:
names in backticks, values in quotes, both escaped by its lexer's rules), which compiles
them to DuckDB SQL with checked identifiers and bound values; SQL runs only in the
datastore's sandbox. Nothing the client sends is pasted into SQL.
"""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from datasud.datastore import access, duck
from datasud.datastore.errors import QueryError
from datasud.datastore.query import RecordsRequest, run_records, run_sql
from datasud.datastore.query.compiler import MAX_LIMIT, MAX_OFFSET
from datasud.datastore.query.values import kind_of

from .. import ids, lookups
from ..context import Context
from ..errors import NotFound, ValidationError
from ..params import as_bool, as_int, json_dict, names_list, optional_str, required_str

DEFAULT_LIMIT = 100
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
# Datastore query parameters -> the CKAN parameter a client should fix.
PARAMETERS = {"select": "fields", "group_by": "fields", "order_by": "sort",
              "refine": "filters", "where": "q", "q": "q", "limit": "limit",
              "offset": "offset", "cursor": "cursor", "sql": "query"}
# Column kinds -> CKAN (PostgreSQL) type names, which clients use to render values.
CKAN_TYPES = {"integer": "int", "float": "float8", "decimal": "numeric", "text": "text",
              "boolean": "bool", "date": "date", "timestamp": "timestamp", "time": "time"}


def ckan_type(duck_type: str) -> str:
    if duck_type.upper().startswith("GEOMETRY"):
        return "text"  # served as WKT
    if duck_type.endswith("[]"):
        return "_text"
    return CKAN_TYPES.get(kind_of(duck_type), "json")


def query_error(exc: QueryError) -> ValidationError:
    return ValidationError.on(PARAMETERS.get(exc.parameter or "", exc.parameter or "query"),
                              exc.message)


def _name(name: str) -> str:
    """A column name in the query language (backticks, doubled inside)."""
    return "`" + name.replace("`", "``") + "`"


def _string(text: str) -> str:
    """A string literal of the query language (its lexer reads \\\\ and '' as \\ and ')."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _contains(text: str) -> str:
    """An `ilike` pattern matching `text` anywhere, its wildcards taken literally."""
    escaped = "".join("\\" + c if c in "%_*\\" else c for c in text)
    return _string(f"*{escaped}*")


def _sort(text: str) -> str:
    """CKAN's `sort` ('"a b" desc, c') as the query language's order_by."""
    keys = []
    for part in _split_sort(text):
        part = part.strip()
        if not part:
            continue
        direction = "asc"
        lowered = part.lower()
        for word in (" asc", " desc"):
            if lowered.endswith(word):
                direction, part = word.strip(), part[:-len(word)].strip()
        if len(part) >= 2 and part[0] == part[-1] == '"':
            part = part[1:-1].replace('""', '"')
        if not part:
            raise ValidationError.on("sort", _("Tri illisible : %(s)s.") % {"s": text})
        keys.append(f"{_name(part)} {direction}")
    return ", ".join(keys)


def _split_sort(text: str) -> list[str]:
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _refine(filters: dict) -> list[str]:
    refine = []
    for column, wanted in filters.items():
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if isinstance(value, dict | list) or value is None:
                raise ValidationError.on("filters", _("%(c)s : valeur simple ou liste de "
                                                      "valeurs attendue.") % {"c": column})
            if isinstance(value, bool):
                value = "true" if value else "false"
            refine.append(f"{column}:{value}")
    return refine


def _text_query(data: dict) -> tuple[str, str]:
    """(q, where): a string searches every text column, an object {column: text} each
    column for its text (case-insensitive)."""
    value = data.get("q")
    if isinstance(value, str) and value.lstrip().startswith("{"):
        value = json_dict(data, "q")
    if value is None or value == "":
        return "", ""
    if isinstance(value, dict):
        where = []
        for column, text in value.items():
            if not isinstance(text, str | int | float) or isinstance(text, bool):
                raise ValidationError.on("q", _("%(c)s : texte attendu.") % {"c": column})
            where.append(f"{_name(column)} ilike {_contains(str(text))}")
        return "", " and ".join(where)
    if not isinstance(value, str):
        raise ValidationError.on("q", _("Texte ou objet {colonne: texte} attendu."))
    return value, ""


def _table(ctx: Context, resource_id: str):
    resource = lookups.resource(ctx, resource_id, "resource_id")
    try:
        return access.current_table(resource)
    except Http404:
        raise NotFound(_("la ressource « %(id)s » n'est pas (encore) dans l'entrepôt de "
                         "données.") % {"id": resource_id}) from None


def _links(ctx: Context, data: dict, offset: int, limit: int, cursor: str | None) -> dict:
    base = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in data.items()
            if k not in ("offset", "cursor") and not hasattr(v, "read")}
    url = ctx.action_url("datastore_search")
    following = dict(base)
    if cursor:
        following["cursor"] = cursor  # past the offset limit, the keyset cursor goes on
    else:
        following["offset"] = str(offset + limit)
    return {"start": f"{url}?{urlencode(base)}", "next": f"{url}?{urlencode(following)}"}


def datastore_search(ctx: Context, data: dict) -> dict:
    """Rows of a loaded resource: resource_id, q (text, or {column: text}), filters
    ({column: value or [values]}), fields, distinct, sort, limit, offset, include_total,
    records_format (objects, lists, csv, tsv)."""
    resource_id = required_str(data, "resource_id") if data.get("resource_id") is not None \
        else required_str(data, "id")
    table = _table(ctx, resource_id)
    fields = names_list(data, "fields")
    filters = json_dict(data, "filters")
    q, where = _text_query(data)
    limit = as_int(data, "limit", DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = as_int(data, "offset", 0)
    records_format = optional_str(data, "records_format") or "objects"
    if records_format not in RECORDS_FORMATS:
        raise ValidationError.on("records_format", _("Valeurs possibles : %(v)s.")
                                 % {"v": ", ".join(RECORDS_FORMATS)})
    include_total = as_bool(data, "include_total", True)
    cursor = optional_str(data, "cursor")
    select = ", ".join(_name(f) for f in fields)
    group_by = ""
    if as_bool(data, "distinct", False):
        columns = fields or [name for name, _type in table.column_pairs]
        select = group_by = ", ".join(_name(c) for c in columns)
    request = RecordsRequest(select=select, where=where, q=q, refine=_refine(filters),
                             group_by=group_by, order_by=_sort(optional_str(data, "sort")),
                             limit=limit, offset=offset, cursor=cursor)
    try:
        page = run_records(duck.query_cursor(), access.table_ref(table), request)
    except QueryError as exc:
        raise query_error(exc) from None
    names = [column["name"] for column in page.columns]
    result = {
        "resource_id": resource_id,
        "fields": [{"id": c["name"], "type": ckan_type(c["type"])} for c in page.columns],
        "records": _records(page.rows, names, records_format),
        "records_format": records_format,
        "limit": limit,
        "include_total": include_total,
        "total_was_estimated": False,
        "_links": _links(ctx, data, offset, limit,
                         page.next_cursor if cursor or offset + limit > MAX_OFFSET
                         else None),
    }
    if include_total:
        result["total"] = page.total
    # The parameters given, decoded, as CKAN echoes them.
    shown_q = json_dict(data, "q") if where and isinstance(data["q"], str) else data.get("q")
    echoed = {"q": shown_q, "filters": filters, "sort": data.get("sort"),
              "offset": offset, "distinct": as_bool(data, "distinct", False)}
    result.update({key: value for key, value in echoed.items() if key in data})
    return result


def _records(rows: list[dict], names: list[str], records_format: str):
    if records_format == "objects":
        return rows
    if records_format == "lists":
        return [[row.get(n) for n in names] for row in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if records_format == "tsv" else ",",
                        lineterminator="\n")
    for row in rows:
        writer.writerow(["" if row.get(n) is None else row.get(n) for n in names])
    return out.getvalue()


def datastore_search_sql(ctx: Context, data: dict) -> dict:
    """One read-only SELECT; tables are named by resource id (`SELECT * FROM "<id>"`,
    `"<id>_2"` for a workbook's second sheet)."""
    sql = required_str(data, "sql")
    wanted = {match.group(0).lower() for match in ids.IN_TEXT.finditer(sql)}
    resource_ids = {ids.parse(ids.RESOURCE, name.split("_")[0]) for name in wanted}
    tables = {}
    if resource_ids:
        for table in access.queryable_tables(ctx.user).filter(
                load__resource_id__in=resource_ids):
            name = ids.make(ids.RESOURCE, table.load.resource_id)
            if table.position:
                name = f"{name}_{table.position + 1}"
            if name in wanted:
                tables[name] = table.path
    try:
        result = run_sql(sql, tables, row_cap=settings.DATASTORE_SQL_ROW_CAP,
                         timeout_s=settings.DATASTORE_SQL_TIMEOUT)
    except QueryError as exc:
        raise query_error(exc) from None
    names = [column["name"] for column in result.columns]
    answer = {
        "sql": sql,
        "fields": [{"id": c["name"], "type": ckan_type(c["type"])} for c in result.columns],
        "records": [dict(zip(names, row, strict=False)) for row in result.rows],
    }
    if result.truncated:
        answer["records_truncated"] = True
    return answer
