"""What the resource page shows of a loaded table, built from the query layer.

Everything here reads the page's GET parameters (`table`, `q`, `where`, `order_by`,
`offset`, and `chart_*` for the chart builder) and turns them into query-layer requests;
the where/order_by text goes to the query layer as the API would receive it, so a wrong
filter gives the same `QueryError` message as the API.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import access, charts, duck
from ..errors import QueryError
from ..models import Table
from ..query import RecordsRequest, run_records

PAGE_SIZE = 20
# The records API refuses offsets beyond this (it has cursors for that): the page stops there.
MAX_OFFSET = 10_000
CHART_GROUPS = 50
CHART_ALIAS = "valeur_graphique"
ROW_ID = "_id"  # the query layer's row number (1 = first data row of the file)
API_ROOT = "/api/1/datastore"

EXPORT_FORMATS = [
    ("csv", "CSV", gettext_lazy("tableurs, tous logiciels")),
    ("json", "JSON", gettext_lazy("tableau d'objets")),
    ("jsonl", "JSON Lines", gettext_lazy("un objet par ligne")),
    ("parquet", "Parquet", gettext_lazy("typé et compressé, pour l'analyse")),
    ("xlsx", "XLSX", gettext_lazy("Excel, LibreOffice")),
]
AGGREGATES = {
    "count": gettext_lazy("Nombre de lignes"),
    "sum": gettext_lazy("Somme"),
    "avg": gettext_lazy("Moyenne"),
    "min": gettext_lazy("Minimum"),
    "max": gettext_lazy("Maximum"),
}
CHART_KINDS = {
    charts.BAR: gettext_lazy("Barres (triées par valeur)"),
    charts.LINE: gettext_lazy("Courbe (dans l'ordre des groupes)"),
}

_NUMERIC = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)INT|U?INTEGER|INT\d*|FLOAT\d*|DOUBLE|REAL"
                      r"|DECIMAL(\(.*\))?|NUMERIC(\(.*\))?)$", re.IGNORECASE)
_PLAIN_NAME = re.compile(r"^[^\W\d]\w*$")
# Words of the query language: a column named so is written in backticks.
_KEYWORDS = {"and", "or", "not", "in", "between", "like", "ilike", "is", "null", "true",
             "false", "as", "asc", "desc", "distinct", "date", "timestamp"}
_ORDER = re.compile(r"^(?P<name>`(?:[^`]|``)+`|[^\s,]+)(?:\s+(?P<dir>asc|desc))?$", re.I)


def is_numeric(duckdb_type: str) -> bool:
    return bool(_NUMERIC.match((duckdb_type or "").strip()))


def field_ref(name: str) -> str:
    """A column name as the query language reads it: bare, or quoted in backticks."""
    if _PLAIN_NAME.match(name) and name.lower() not in _KEYWORDS:
        return name
    return "`" + name.replace("`", "``") + "`"


def _unquote(ref: str) -> str:
    if len(ref) > 1 and ref.startswith("`") and ref.endswith("`"):
        return ref[1:-1].replace("``", "`")
    return ref


def _int(value, default: int, minimum: int = 0) -> int:
    try:
        return max(minimum, int(value))
    except (TypeError, ValueError):
        return default


@dataclass
class Filters:
    """The view of the data the page shows: table, filters, sort, position."""

    table: int = 1
    where: str = ""
    q: str = ""
    order_by: str = ""
    offset: int = 0

    @classmethod
    def from_query(cls, query: QueryDict) -> Filters:
        return cls(table=_int(query.get("table"), 1, minimum=1),
                   where=query.get("where", "").strip(), q=query.get("q", "").strip(),
                   order_by=query.get("order_by", "").strip(),
                   offset=_int(query.get("offset"), 0))

    @property
    def active(self) -> bool:
        return bool(self.where or self.q)

    def params(self, *, order: bool = True) -> dict[str, str]:
        """The non-empty parameters that select these rows (for exports and the API)."""
        params = {}
        if self.table > 1:
            params["table"] = str(self.table)
        for name in ("where", "q") + (("order_by",) if order else ()):
            if getattr(self, name):
                params[name] = getattr(self, name)
        return params


class PageLinks:
    """Links to the resource page with some GET parameters changed (None removes one).

    Built on the page's own address, not the request's: after a producer form is posted,
    the page is shown at the form's address and its links must still lead to the page.
    """

    def __init__(self, path: str, query: QueryDict) -> None:
        self.path = path
        self.query = query

    def url(self, anchor: str = "", **params) -> str:
        query = self.query.copy()
        for key, value in params.items():
            query.pop(key, None)
            if value is not None and value != "":
                query[key] = str(value)
        encoded = query.urlencode()
        return self.path + (f"?{encoded}" if encoded else "") + (f"#{anchor}" if anchor else "")


@dataclass
class Column:
    name: str
    type: str
    numeric: bool
    field_type: str = ""  # Table Schema type, from the profile
    sort: str = ""  # "ascending", "descending" or ""
    sort_url: str = ""


@dataclass
class Row:
    number: int | None
    cells: list[tuple[object, bool]]  # (value, is numeric)


@dataclass
class Preview:
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    total: int | None = None
    start: int = 0
    end: int = 0
    first_url: str = ""
    previous_url: str = ""
    next_url: str = ""
    limited: bool = False  # more rows than the page can reach with offsets
    error: QueryError | None = None


def current_sort(order_by: str, names: set[str]) -> tuple[str, str]:
    """(column, "asc"|"desc") when the sort is on one known column, else ("", "")."""
    match = _ORDER.match(order_by.strip())
    if not match or _unquote(match.group("name")) not in names:
        return "", ""
    return _unquote(match.group("name")), (match.group("dir") or "asc").lower()


def build_preview(table: Table, filters: Filters, links: PageLinks) -> Preview:
    names = {name for name, _type in table.column_pairs}
    sorted_on, direction = current_sort(filters.order_by, names)
    kinds = {p.get("name"): p.get("field_type", "") for p in table.profile or []}
    columns = []
    for name, type_ in table.column_pairs:
        column = Column(name=name, type=type_, numeric=is_numeric(type_),
                        field_type=kinds.get(name) or "")
        if name == sorted_on:
            column.sort = "ascending" if direction == "asc" else "descending"
        # Ascending first; a second click sorts descending, a third goes back to ascending.
        order = f"{field_ref(name)} desc" if column.sort == "ascending" else field_ref(name)
        column.sort_url = links.url("apercu", order_by=order, offset=None)
        columns.append(column)
    preview = Preview(columns=columns)
    offset = min(filters.offset, MAX_OFFSET)
    request = RecordsRequest(where=filters.where, q=filters.q, order_by=filters.order_by,
                             limit=PAGE_SIZE, offset=offset)
    try:
        page = run_records(duck.query_cursor(), access.table_ref(table), request)
    except QueryError as exc:
        preview.error = exc
        return preview
    numeric = {c.name: c.numeric for c in columns}
    timestamps = {c.name for c in columns if c.type.upper().startswith("TIMESTAMP")}
    preview.rows = [Row(number=row.get(ROW_ID),
                        cells=[(_shown(row.get(c.name), c.name in timestamps), numeric[c.name])
                               for c in columns])
                    for row in page.rows]
    preview.total = page.total
    preview.start = offset + 1 if page.rows else 0
    preview.end = offset + len(page.rows)
    if offset > 0:
        preview.first_url = links.url("apercu", offset=None)
        previous = max(0, offset - PAGE_SIZE)
        preview.previous_url = links.url("apercu", offset=previous or None)
    if preview.end < (page.total or 0):
        if offset + PAGE_SIZE <= MAX_OFFSET:
            preview.next_url = links.url("apercu", offset=offset + PAGE_SIZE)
        else:
            preview.limited = True
    return preview


def _shown(value, timestamp: bool):
    """ISO timestamps with a space rather than a T, easier to read in a table."""
    if timestamp and isinstance(value, str) and "T" in value:
        return value.replace("T", " ", 1)
    return value


@dataclass
class ChartChoice:
    by: str = ""
    aggregate: str = "count"
    measure: str = ""
    kind: str = charts.BAR
    submitted: bool = False


@dataclass
class ChartResult:
    choice: ChartChoice
    group_columns: list[str]
    measure_columns: list[str]
    svg: str = ""
    title: str = ""
    points: list[tuple[str, str]] = field(default_factory=list)
    value_label: str = ""
    groups: int = 0
    truncated: bool = False
    error: str = ""
    error_field: str = ""


def _default_group_column(table: Table) -> str:
    """A column worth grouping by: the text column with the fewest (but several) distinct
    values, else the first column."""
    profile = {p.get("name"): p for p in table.profile or []}
    candidates = []
    for index, (name, type_) in enumerate(table.column_pairs):
        distinct = (profile.get(name) or {}).get("distinct_count") or 0
        if not is_numeric(type_) and 1 < distinct <= CHART_GROUPS:
            candidates.append((distinct, index, name))
    if candidates:
        return min(candidates)[2]
    return table.column_pairs[0][0] if table.columns else ""


def chart_choice(query: QueryDict, table: Table) -> ChartChoice:
    """The chart asked for, or (before the form is sent) a suggestion to start from."""
    if "chart_by" in query:
        return ChartChoice(by=query.get("chart_by", ""),
                           aggregate=query.get("chart_agg", "count"),
                           measure=query.get("chart_measure", ""),
                           kind=query.get("chart_type", charts.BAR), submitted=True)
    numeric = [n for n, t in table.column_pairs if is_numeric(t)]
    return ChartChoice(by=_default_group_column(table), measure=numeric[0] if numeric else "")


def build_chart(table: Table, filters: Filters, query: QueryDict) -> ChartResult:
    choice = chart_choice(query, table)
    names = [name for name, _type in table.column_pairs]
    result = ChartResult(choice=choice, group_columns=names,
                         measure_columns=[n for n, t in table.column_pairs if is_numeric(t)])
    if not choice.submitted:
        return result
    if choice.by not in names:
        result.error, result.error_field = _("Choisissez la colonne des groupes."), "chart_by"
        return result
    if choice.aggregate not in AGGREGATES:
        result.error, result.error_field = _("Choisissez un calcul."), "chart_agg"
        return result
    if choice.kind not in CHART_KINDS:
        result.error, result.error_field = _("Choisissez un type de graphique."), "chart_type"
        return result
    counting = choice.aggregate == "count"
    if not counting and choice.measure not in result.measure_columns:
        result.error = _("Choisissez une colonne numérique pour ce calcul (ou « Nombre de "
                         "lignes »).")
        result.error_field = "chart_measure"
        return result
    expression = "count(*)" if counting else f"{choice.aggregate}({field_ref(choice.measure)})"
    group = field_ref(choice.by)
    request = RecordsRequest(
        select=f"{group}, {expression} as {CHART_ALIAS}", where=filters.where, q=filters.q,
        group_by=group, limit=CHART_GROUPS,
        order_by=f"{CHART_ALIAS} desc" if choice.kind == charts.BAR else group)
    try:
        page = run_records(duck.query_cursor(), access.table_ref(table), request)
    except QueryError as exc:
        result.error = exc.message
        return result
    labels = [charts.display_text(row.get(choice.by), empty=_("(vide)")) for row in page.rows]
    values = [_float(row.get(CHART_ALIAS)) for row in page.rows]
    aggregate = str(AGGREGATES[choice.aggregate])
    if counting:
        result.title = _("Nombre de lignes par « %(by)s »") % {"by": choice.by}
        result.value_label = aggregate
    else:
        result.title = _("%(aggregate)s de « %(measure)s » par « %(by)s »") % {
            "aggregate": aggregate, "measure": choice.measure, "by": choice.by}
        result.value_label = f"{aggregate} ({choice.measure})"
    result.groups = page.total
    result.truncated = page.total > len(page.rows)
    result.points = [(label, charts.format_number(value)) for label, value in
                     zip(labels, values, strict=True)]
    result.svg = charts.render_svg(charts.Chart(
        kind=choice.kind, labels=labels, values=values, title=result.title,
        description=_describe(labels, values, result), x_label=choice.by,
        y_label=result.value_label, id="graphique-svg"))
    return result


def _float(value) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _describe(labels: list[str], values: list[float | None], result: ChartResult) -> str:
    known = [(v, label) for label, v in zip(labels, values, strict=True) if v is not None]
    text = _("%(count)s groupes.") % {"count": len(labels)}
    if result.truncated:
        text = _("%(shown)s groupes représentés sur %(total)s.") % {
            "shown": len(labels), "total": result.groups}
    if known:
        high, low = max(known), min(known)
        text += " " + _("Valeur la plus élevée : %(label)s (%(value)s) ; la plus basse : "
                        "%(low_label)s (%(low)s).") % {
            "label": high[1], "value": charts.format_number(high[0]),
            "low_label": low[1], "low": charts.format_number(low[0])}
    return text + " " + _("Les valeurs sont aussi dans le tableau qui suit le graphique.")


def export_links(resource_id: int, filters: Filters) -> list[dict]:
    query = urlencode(filters.params())
    suffix = f"?{query}" if query else ""
    return [{"format": fmt, "label": label, "hint": hint,
             "url": f"{API_ROOT}/{resource_id}/export/{fmt}/{suffix}"}
            for fmt, label, hint in EXPORT_FORMATS]


def schema_download_url(resource_id: int, filters: Filters) -> str:
    table = f"&table={filters.table}" if filters.table > 1 else ""
    return f"{API_ROOT}/{resource_id}/schema/?download=1{table}"


def shell_quote(text: str) -> str:
    """Quote for a POSIX shell, readably: 'text', or "text" when it holds apostrophes
    (and nothing a shell expands between double quotes), else shlex's quoting."""
    if not re.search(r"[^\w@%+=:,./-]", text):
        return text
    if "'" not in text:
        return f"'{text}'"
    # `!` starts a history expansion in interactive bash, except before "=", "(" or a space.
    if not re.search(r'["$`\\]|!(?![=(\s])', text):
        return f'"{text}"'
    return shlex.quote(text)


def api_examples(request: HttpRequest, table: Table, filters: Filters) -> dict:
    resource_id = table.load.resource_id
    records = request.build_absolute_uri(f"{API_ROOT}/{resource_id}/records/")
    params = {**filters.params(), "limit": str(PAGE_SIZE)}
    curl = "curl -G " + shell_quote(records) + "".join(
        f" \\\n  --data-urlencode {shell_quote(f'{k}={v}')}" for k, v in params.items())
    python_params = "".join(f"\n    {k!r}: {v!r}," for k, v in params.items())
    python = (
        "import json\n"
        "from urllib.parse import urlencode\n"
        "from urllib.request import urlopen\n\n"
        f"params = {{{python_params}\n}}\n"
        f"url = {records!r} + \"?\" + urlencode(params)\n"
        "with urlopen(url) as response:\n"
        "    page = json.load(response)\n\n"
        "print(page[\"total\"])\n"
        "for record in page[\"records\"]:\n"
        "    print(record)\n")
    sql = f"SELECT * FROM {table.sql_name} LIMIT 10"
    sql_endpoint = request.build_absolute_uri(f"{API_ROOT}/sql/")
    return {
        "records_url": f"{records}?{urlencode(params)}",
        "curl": curl,
        "python": python,
        "sql": sql,
        "sql_name": table.sql_name,
        "sql_url": f"{sql_endpoint}?{urlencode({'sql': sql})}",
        "sql_curl": f"curl -G {shell_quote(sql_endpoint)} \\\n"
                    f"  --data-urlencode {shell_quote('sql=' + sql)}",
        "status_url": request.build_absolute_uri(f"{API_ROOT}/{resource_id}/"),
    }
