"""Vector tiles under /tuiles/ (see docs/geo.md, "Tuiles vectorielles et cartes").

z, x and y are matched loosely and checked by the views, so that a wrong number gets a 400
that says why rather than a bare 404.
"""
from django.urls import re_path

from . import tiles_views as views

app_name = "tiles"
TILE = r"(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.mvt"
urlpatterns = [
    re_path(r"^territoires/style\.json$", views.basemap_style, name="basemap_style"),
    re_path(r"^territoires/tiles\.json$", views.territory_tilejson, name="territory_tilejson"),
    re_path(rf"^territoires/{TILE}$", views.territory_tile, name="territory_tile"),
    re_path(r"^(?P<collection_id>resource_[^/]+)/tiles\.json$", views.collection_tilejson,
            name="tilejson"),
    re_path(rf"^(?P<collection_id>resource_[^/]+)/{TILE}$", views.tile, name="tile"),
]
