"""OGC API Features: /api/ogc/ (landing page), conformance, api, collections, items,
queryables.

Paths follow the standard, without trailing slash; one is tolerated, as GIS clients
differ on it.
"""
from django.urls import re_path

from . import views

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
]
