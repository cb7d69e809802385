"""Included at the site root, before the catalogue's pages."""
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from . import discovery, views
from .sitemaps import SITEMAPS

FORMAT = r"(?P<fmt>ttl|jsonld|rdf)"

app_name = "dcat"
urlpatterns = [
    path("catalogue", views.catalogue, name="catalogue"),
    re_path(rf"^catalogue\.{FORMAT}$", views.catalogue, name="catalogue_format"),
    re_path(rf"^jeux-de-donnees/(?P<slug>[-a-zA-Z0-9_]+)\.{FORMAT}$", views.dataset_rdf,
            name="dataset_format"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS,
                                              "sitemap_url_name": "dcat:sitemap_section"},
         name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS},
         name="sitemap_section"),
    path("robots.txt", discovery.robots_txt, name="robots"),
    path("opensearch.xml", discovery.opensearch, name="opensearch"),
]
