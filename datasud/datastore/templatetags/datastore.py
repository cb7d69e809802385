"""Template helpers of the datastore: table cells, column types in words, and the
"Explorer les données" link of the dataset page (`{% datastore_link resource %}`)."""
from __future__ import annotations

import re

from django import template
from django.db.models import OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datasud.datastore import charts
from datasud.datastore.models import Load

register = template.Library()

# Table Schema field types (https://specs.frictionlessdata.io/table-schema/) in words.
FIELD_TYPES = {
    "string": gettext_lazy("texte"),
    "integer": gettext_lazy("entier"),
    "number": gettext_lazy("nombre"),
    "boolean": gettext_lazy("booléen"),
    "date": gettext_lazy("date"),
    "datetime": gettext_lazy("date et heure"),
    "time": gettext_lazy("heure"),
    "year": gettext_lazy("année"),
    "yearmonth": gettext_lazy("année et mois"),
    "duration": gettext_lazy("durée"),
    "geopoint": gettext_lazy("point géographique"),
    "geojson": gettext_lazy("géométrie (GeoJSON)"),
    "object": gettext_lazy("objet"),
    "array": gettext_lazy("liste"),
    "any": gettext_lazy("quelconque"),
}
CELL_MAX_CHARS = 300
_URL = re.compile(r"^https?://\S+$")


@register.filter
def field_type(name: str) -> str:
    """A Table Schema type in words: "integer" -> "entier"."""
    return str(FIELD_TYPES.get(name or "", name or _("inconnu")))


@register.filter
def number(value, decimal_pos=None) -> str:
    """A number written as the page's language does (12 345,6 in French)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    return charts.format_number(value, None if decimal_pos is None else int(decimal_pos))


@register.filter
def text(value) -> str:
    """Any value of a table as plain text (em dash for none)."""
    return charts.display_text(value, empty="—")


@register.filter
def cell(value):
    """A value of a table in a cell: an em dash for null, localised numbers, links."""
    if value is None:
        return format_html('<span class="ds-null" title="{}"><span aria-hidden="true">—</span>'
                           '<span class="visually-hidden">{}</span></span>',
                           _("vide"), _("vide"))
    shown = charts.display_text(value)
    if isinstance(value, str) and _URL.match(value) and len(value) < 2000:
        label = shown if len(shown) <= 60 else shown[:59] + "…"
        return format_html('<a href="{}" rel="nofollow noopener">{}</a>', value, label)
    if len(shown) > CELL_MAX_CHARS:
        return format_html('{}<span class="ds-cut" title="{}">…</span>',
                           shown[:CELL_MAX_CHARS], _("texte tronqué"))
    return shown


@register.filter
def duration(milliseconds) -> str:
    """A load's duration: "850 ms", "12,4 s", "3 min 05 s"."""
    if milliseconds is None:
        return "—"
    if milliseconds < 1000:
        return _("%(n)s ms") % {"n": charts.format_number(milliseconds)}
    seconds = milliseconds / 1000
    if seconds < 60:
        return _("%(n)s s") % {"n": charts.format_number(round(seconds, 1))}
    minutes, rest = divmod(int(round(seconds)), 60)
    return _("%(m)s min %(s)02d s") % {"m": minutes, "s": rest}


def _statuses(dataset_id: int) -> dict[int, dict]:
    """State of the datastore for every resource of a dataset, in one query: the current
    version (with its row count) and the latest load of each resource."""
    latest_number = (Load.objects.filter(resource=OuterRef("resource"))
                     .order_by("-number").values("number")[:1])
    loads = (Load.objects.filter(resource__dataset_id=dataset_id)
             .filter(Q(is_current=True) | Q(number=Subquery(latest_number)))
             .annotate(rows=Sum("tables__row_count"))
             .values("resource_id", "number", "status", "is_current", "rows"))
    states: dict[int, dict] = {}
    for load in loads:
        state = states.setdefault(load["resource_id"], {"current": None, "latest": None})
        if load["is_current"]:
            state["current"] = load
        if state["latest"] is None or load["number"] > state["latest"]["number"]:
            state["latest"] = load
    return states


@register.inclusion_tag("datastore/includes/resource_link.html", takes_context=True)
def datastore_link(context, resource) -> dict:
    """The link to the resource page of a tabular resource, with the state of its data."""
    from datasud.datastore import services  # here: it loads DuckDB, pages only need it now

    if not services.is_tabular(resource):
        return {"show": False}
    key = ("datastore_statuses", resource.dataset_id)
    cache = context.render_context
    if key not in cache:
        cache[key] = _statuses(resource.dataset_id)
    state = cache[key].get(resource.pk) or {"current": None, "latest": None}
    current, latest = state["current"], state["latest"]
    if latest is not None and latest["status"] in (Load.Status.QUEUED, Load.Status.RUNNING):
        status = "loading"
    elif latest is not None and latest["status"] == Load.Status.FAILED:
        status = "failed"
    elif current is not None:
        status = "loaded"
    else:
        status = "none"
    return {
        "show": True, "resource": resource, "status": status,
        "rows": current["rows"] if current is not None else None,
        "url": reverse("datastore:resource", args=[resource.dataset.slug, resource.pk]),
    }


@register.filter
def css_percent(value) -> str:
    """A share as a CSS width ("12.5%"), never localised (a French comma breaks CSS)."""
    try:
        share = min(100.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        share = 0.0
    return f"{share:.1f}%"
