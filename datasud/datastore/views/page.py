"""The resource page: "Explorer les données" of one tabular resource."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datasud.catalog.models import Resource

from .. import access, services
from ..models import DeclaredSchema, Load
from . import explorer
from .forms import SchemaForm

# Labels of what a load detects (`Load.options`), in the order shown; others follow.
OPTION_LABELS = {
    "format": gettext_lazy("Format lu"),
    "encoding": gettext_lazy("Encodage"),
    "delimiter": gettext_lazy("Séparateur"),
    "decimal_separator": gettext_lazy("Séparateur décimal"),
    "decimal": gettext_lazy("Séparateur décimal"),
    "thousands": gettext_lazy("Séparateur de milliers"),
    "quote": gettext_lazy("Guillemets"),
    "escape": gettext_lazy("Caractère d'échappement"),
    "date_format": gettext_lazy("Format des dates"),
    "column_formats": gettext_lazy("Formats par colonne"),
    "header_line": gettext_lazy("Ligne d'en-tête"),
    "header_row": gettext_lazy("Ligne d'en-tête"),
    "skipped_rows": gettext_lazy("Lignes ignorées"),
    "sheet": gettext_lazy("Feuille"),
    "sheets": gettext_lazy("Feuilles"),
    "compression": gettext_lazy("Compression"),
}
# Internal details of a load, not worth showing.
HIDDEN_OPTIONS = {"sheet_index"}
# strftime directives as people write date patterns (JJ/MM/AAAA).
DATE_PARTS = {"%Y": gettext_lazy("AAAA"), "%y": gettext_lazy("AA"), "%m": gettext_lazy("MM"),
              "%d": gettext_lazy("JJ"), "%H": gettext_lazy("hh"), "%M": gettext_lazy("mm"),
              "%S": gettext_lazy("ss"), "%f": gettext_lazy("ffffff"), "%z": "±hh:mm",
              "%b": gettext_lazy("mois abrégé"), "%B": gettext_lazy("mois")}
# Labels of the fields of a failed load's `details` (bad lines); others keep their key.
DETAIL_LABELS = {
    "line": gettext_lazy("Ligne"),
    "row": gettext_lazy("Ligne"),
    "column": gettext_lazy("Colonne"),
    "field": gettext_lazy("Colonne"),
    "message": gettext_lazy("Problème"),
    "expected": gettext_lazy("Attendu"),
    "found": gettext_lazy("Trouvé"),
    "value": gettext_lazy("Valeur"),
    "content": gettext_lazy("Contenu"),
    "text": gettext_lazy("Contenu"),
}
MAX_DETAILS = 50
SEPARATOR_NAMES = {
    "\t": gettext_lazy("tabulation"), " ": gettext_lazy("espace"),
    ",": gettext_lazy("virgule"), ";": gettext_lazy("point-virgule"),
    "|": gettext_lazy("barre verticale"), ".": gettext_lazy("point"),
}


def resource_in_dataset(user, slug: str, pk: int) -> Resource:
    """The resource, if `user` may see it and it belongs to the dataset of the address."""
    resource = access.visible_resource(user, pk)
    if resource.dataset.slug != slug:
        raise Http404(access.RESOURCE_NOT_FOUND)
    return resource


def can_edit(user, resource: Resource) -> bool:
    try:
        access.editable_resource(user, resource.pk)
    except (PermissionDenied, Http404):
        return False
    return True


def page_url(resource: Resource) -> str:
    return reverse("datastore:resource", args=[resource.dataset.slug, resource.pk])


def resource_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    resource = resource_in_dataset(request.user, slug, pk)
    return render_page(request, resource)


def render_page(request: HttpRequest, resource: Resource, *, schema_form=None,
                status: int = 200) -> HttpResponse:
    """The page; the producer views call it again to show a form with its errors."""
    editable = can_edit(request.user, resource)
    latest = services.latest_load(resource)
    current = services.current_load(resource) if latest is not None else None
    tables = services.current_tables(resource) if current is not None else []
    declared = DeclaredSchema.objects.filter(resource=resource).first()
    query = request.GET
    filters = explorer.Filters.from_query(query)
    links = explorer.PageLinks(page_url(resource), query)
    context = {
        "resource": resource, "dataset": resource.dataset, "can_edit": editable,
        "tabular": services.is_tabular(resource), "served": current, "latest": latest,
        "failed": latest if latest is not None and latest.status == Load.Status.FAILED
        else None,
        "pending": latest if latest is not None and latest.is_pending else None,
        "tables": tables, "declared": declared, "filters": filters,
        "page_url": links.path, "status_api_url": f"{explorer.API_ROOT}/{resource.pk}/",
        "schema_form": schema_form,
    }
    if editable and schema_form is None:
        context["schema_form"] = SchemaForm(initial={"url": declared.url if declared else ""})
    if current is not None:
        context["options"] = _options(current.options or {})
    if context["failed"] is not None:
        context["failed_details"] = _details((latest.error or {}).get("details") or [])
    if tables:
        if filters.table > len(tables):
            raise Http404(_("Table %(n)s introuvable : cette ressource en a %(count)s.")
                          % {"n": filters.table, "count": len(tables)})
        table = tables[filters.table - 1]
        preview = explorer.build_preview(table, filters, links)
        chart = explorer.build_chart(table, filters, query)
        context.update({
            "table": table, "preview": preview, "chart": chart,
            "table_links": _table_links(tables, filters, links),
            "reset_url": links.url("apercu", where=None, q=None, offset=None),
            "profile": _profile(table),
            "exports": explorer.export_links(resource.pk, filters),
            "schema_url": explorer.schema_download_url(resource.pk, filters),
            "api": explorer.api_examples(request, table, filters),
            "aggregates": explorer.AGGREGATES, "chart_kinds": explorer.CHART_KINDS,
            "chart_groups": explorer.CHART_GROUPS,
        })
        if preview.error is not None or chart.error:
            status = 400
    return render(request, "datastore/resource.html", context, status=status)


def _table_links(tables, filters: explorer.Filters, links: explorer.PageLinks) -> list[dict]:
    """The tabs of a workbook's sheets; another table starts unfiltered, unsorted."""
    return [{"label": str(t), "rows": t.row_count,
             "url": links.url("donnees", table=t.position + 1 if t.position else None,
                              offset=None, order_by=None, where=None, q=None, chart_by=None),
             "current": t.position + 1 == filters.table} for t in tables]


def _options(options: dict) -> list[tuple[str, object]]:
    """(label, value) of what the load detected, known ones first."""
    keys = [k for k in OPTION_LABELS if k in options]
    keys += [k for k in options if k not in OPTION_LABELS and k not in HIDDEN_OPTIONS]
    quote = options.get("quote")
    shown = []
    for key in keys:
        value = options[key]
        if value in (None, "", [], {}) or (key == "quote" and value == '"') \
                or (key == "escape" and value == quote):
            continue  # nothing detected, or the usual double quote
        if key == "format":
            value = str(value).upper()
        elif key == "date_format":
            value = _date_pattern(value)
        elif key == "column_formats" and isinstance(value, dict):
            value = ", ".join(f"{name} : {_date_pattern(fmt)}" for name, fmt in value.items())
        elif isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = _("oui") if value else _("non")
        elif isinstance(value, str) and value in SEPARATOR_NAMES:
            value = f"« {value} » ({SEPARATOR_NAMES[value]})" if value.strip() else \
                str(SEPARATOR_NAMES[value])
        elif isinstance(value, dict):
            value = ", ".join(f"{k} : {v}" for k, v in value.items())
        shown.append((OPTION_LABELS.get(key, key.replace("_", " ")), value))
    return shown


def _date_pattern(fmt) -> str:
    text = str(fmt)
    for directive, label in DATE_PARTS.items():
        text = text.replace(directive, str(label))
    return text


def _details(details: list) -> dict | None:
    """The bad lines of a failed load as a table: labels and rows, known fields first."""
    entries = [d if isinstance(d, dict) else {"message": d} for d in details[:MAX_DETAILS]]
    if not entries:
        return None
    keys: list[str] = []
    for entry in entries:
        keys += [k for k in entry if k not in keys]
    keys.sort(key=lambda k: list(DETAIL_LABELS).index(k) if k in DETAIL_LABELS else 99)
    return {"labels": [DETAIL_LABELS.get(k, k) for k in keys],
            "rows": [[entry.get(k) for k in keys] for entry in entries]}


def _profile(table) -> list[dict]:
    """The column profile with the numbers the page shows (filled share, bar widths)."""
    rows = table.row_count or 0
    columns = []
    for entry in table.profile or []:
        nulls = entry.get("null_count") or 0
        count = entry.get("count")  # the non-null values
        filled = rows - nulls if count is None else count
        tops = entry.get("top_values") or []
        columns.append({
            **entry, "filled": filled, "nulls": nulls,
            "filled_percent": _percent(filled, rows),
            "top": [{"value": t.get("value"), "count": t.get("count") or 0,
                     "percent": _percent(t.get("count") or 0, rows)} for t in tops],
        })
    return columns


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
