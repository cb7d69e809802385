"""OGC API Features: /api/ogc/ (landing page), conformance, api, collections, items,
queryables; OGC API Tiles: tile matrix sets, a collection's tilesets and tiles.

Paths follow the standard, without trailing slash; one is tolerated, as GIS clients
differ on it.
"""
from django.urls import re_path

from . import ogc_tiles, views

app_name = "geo"
urlpatterns = [
    re_path(r"^$", views.landing, name="landing"),
    re_path(r"^conformance/?$", views.conformance, name="conformance"),
    re_path(r"^api/?$", views.openapi, name="openapi"),
    re_path(r"^collections/?$", views.collections, name="collections"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/?$", views.collection, name="collection"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/?$", views.items, name="items"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/queryables/?$", views.queryables,
            name="queryables"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/(?P<feature_id>[^/]+)/?$",
            views.item, name="item"),
    # OGC API - Tiles (ogc_tiles.py): the same vector tiles as /tuiles/, z/row/col.
    re_path(r"^tileMatrixSets/?$", ogc_tiles.tile_matrix_sets, name="tile_matrix_sets"),
    re_path(r"^tileMatrixSets/(?P<tms_id>[^/]+)/?$", ogc_tiles.tile_matrix_set_view,
            name="tile_matrix_set"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/tiles/?$", ogc_tiles.tilesets,
            name="ogc_tilesets"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/tiles/(?P<tms_id>[^/]+)/?$",
            ogc_tiles.tileset, name="ogc_tileset"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/tiles/(?P<tms_id>[^/]+)/(?P<z>[^/]+)/"
            r"(?P<row>[^/]+)/(?P<col>[^/]+)/?$", ogc_tiles.tile, name="ogc_tile"),
]
