"""Maps in pages: `{% resource_map resource %}` (dataset page), `{% territory_map ... %}`
(territory pages). Each renders a block that works without JavaScript (the extent in
words, links to the GeoJSON and OGC API pages) and that `geo/map.js` turns into a MapLibre
map when the browser can (JavaScript, WebGL, MapLibre installed). `{% search_area_map %}`:
the search page's map panel (`geo/area-search.js`), an addition to its four area fields."""
from __future__ import annotations

import json

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from datasud.catalog.models import SPATIAL_FIELDS
from datasud.datastore.models import Table
from datasud.territories.models import Territory

register = template.Library()

MAPLIBRE_JS = "vendor/maplibre-gl/maplibre-gl.mjs"
MAPLIBRE_CSS = "vendor/maplibre-gl/maplibre-gl.css"
MAPS_PER_RESOURCE = 3
GEOMETRY_KINDS = {"Point": "point", "MultiPoint": "point", "LineString": "line",
                  "MultiLineString": "line", "Polygon": "polygon", "MultiPolygon": "polygon"}


def _asset(path: str) -> str | None:
    """The address of a static file, None when it is not installed (no node_modules: the
    maps stay text)."""
    try:
        if not (finders.find(path) or staticfiles_storage.exists(path)):
            return None
        return static(path)
    except ValueError:  # missing from the manifest of collected files
        return None


def maplibre_assets() -> dict:
    js, css = _asset(MAPLIBRE_JS), _asset(MAPLIBRE_CSS)
    if not (js and css):
        return {}
    return {"maplibre_js": js, "maplibre_css": css, "map_locale": map_locale()}


def map_locale() -> str:
    """MapLibre's own words (controls, gesture hints) in the page's language, as JSON for
    the maps' `data-map-locale` (`geo/map.js`, `geo/area-search.js`)."""
    return json.dumps({
        "NavigationControl.ZoomIn": _("Zoom avant"),
        "NavigationControl.ZoomOut": _("Zoom arrière"),
        "NavigationControl.ResetBearing": _("Remettre le nord en haut"),
        "AttributionControl.ToggleAttribution": _("Afficher ou masquer les sources"),
        "Popup.Close": _("Fermer"),
        "ScrollZoomBlocker.CtrlMessage": _("Ctrl + molette pour zoomer"),
        "ScrollZoomBlocker.CmdMessage": _("⌘ + molette pour zoomer"),
        "TouchPanBlocker.Message": _("Deux doigts pour déplacer la carte"),
    }, ensure_ascii=False)


def geometry_kind(types: list[str]) -> str:
    kinds = {GEOMETRY_KINDS.get(t, "polygon") for t in types or []}
    return kinds.pop() if len(kinds) == 1 else "polygon"


def bbox_text(bbox: list[float] | None) -> str:
    if not bbox:
        return ""
    west, south, east, north = (round(v, 4) for v in bbox)
    return f"{west:g}, {south:g}, {east:g}, {north:g}"


def _geo_tables(dataset_id: int) -> dict[int, list[Table]]:
    """The geo tables of the versions served of a dataset's resources, by resource."""
    found: dict[int, list[Table]] = {}
    tables = (Table.objects.filter(load__resource__dataset_id=dataset_id, load__is_current=True,
                                   geo__isnull=False)
              .select_related("load").only("position", "name", "geo", "row_count",
                                           "load__resource_id")
              .order_by("load__resource_id", "position"))
    for table in tables:
        found.setdefault(table.load.resource_id, []).append(table)
    return found


@register.inclusion_tag("geo/includes/resource_map.html", takes_context=True)
def resource_map(context, resource) -> dict:
    """Map previews of the geo tables of the version served of `resource` (the page has
    already checked that its dataset is visible). One query for the whole page."""
    key = ("geo_tables", resource.dataset_id)
    cache = context.render_context
    if key not in cache:
        cache[key] = _geo_tables(resource.dataset_id)
    tables = cache[key].get(resource.pk, [])[:MAPS_PER_RESOURCE]
    maps = []
    for table in tables:
        collection_id = table.sql_name
        geo = table.geo or {}
        maps.append({
            "id": collection_id, "name": table.name, "rows": table.row_count,
            "tilejson": reverse("tiles:tilejson", args=[collection_id]),
            "geometry": geometry_kind(geo.get("geometry_types", [])),
            "bounds": ",".join(str(v) for v in geo["bbox"]) if geo.get("bbox") else "",
            "bbox_text": bbox_text(geo.get("bbox")),
            "items": reverse("geo:items", args=[collection_id]),
        })
    return {"resource": resource, "maps": maps,
            "style": reverse("tiles:basemap_style"), **maplibre_assets()}


@register.inclusion_tag("geo/includes/territory_map.html")
def territory_map(territory=None) -> dict:
    """A "Carte" section: the région's territories with a choice of level (no
    `territory`), or one territory's outline. Nothing without MapLibre installed: the
    territory pages list the same links."""
    context = {"style": reverse("tiles:basemap_style"), "territory": territory,
               **maplibre_assets()}
    if territory is None:  # the whole région
        region = Territory.objects.filter(level=Territory.Level.REGION).values_list(
            "bbox", flat=True).first()
        context["bounds"] = ",".join(str(v) for v in region) if region else ""
    elif territory.bbox:
        context["bounds"] = ",".join(str(v) for v in territory.bbox)
        context["bbox_text"] = bbox_text(territory.bbox)
        context["layer"] = {"region": "region", "departement": "departements",
                            "epci": "epci", "commune": "communes"}[territory.level]
    return context


def _result_extents(datasets) -> list[dict]:
    """The extents of the datasets shown (already loaded with the page: no query), for the
    outlines of the search map. A dataset whose extent columns were not loaded is left out
    rather than read one by one."""
    extents = []
    for dataset in datasets or []:
        if set(SPATIAL_FIELDS) & dataset.get_deferred_fields():
            continue
        if dataset.spatial_bbox:
            extents.append({"title": dataset.title, "url": dataset.get_absolute_url(),
                            "bbox": dataset.spatial_bbox})
    return extents


@register.inclusion_tag("geo/includes/search_area_map.html")
def search_area_map(bbox: str = "", datasets=None, remove_url: str = "") -> dict:
    """The search page's "Chercher sur la carte" panel: the area filter `bbox` (the
    `bbox` parameter's text, "" when none) drawn on the basemap, the extents of the page's
    `datasets`, and a button that searches the map's view (`geo/area-search.js`). Nothing
    without MapLibre installed; hidden until the script runs: the four fields of the form
    stay the way to give an area without JavaScript."""
    assets = maplibre_assets()
    if not assets:
        return {}
    return {"bbox": bbox, "extents": _result_extents(datasets), "remove_url": remove_url,
            "style": reverse("tiles:basemap_style"), **assets}
