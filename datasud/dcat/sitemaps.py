"""sitemap.xml: the public pages search engines should know, with their last change.

Only what an anonymous visitor may see is listed (public datasets, producers with public
datasets, published reuses). Sections hold at most `limit` addresses each; the index at
/sitemap.xml lists every page of every section (Django's sitemap framework).
"""
from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from datasud.catalog.models import Organisation, Reuse
from datasud.territories.models import Territory

from .queries import public_datasets


class PageSitemap(Sitemap):
    """The entry pages of the site."""

    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["web:home", "catalog:search", "catalog:organisations", "catalog:reuses",
                "territories:index"]

    def location(self, item: str) -> str:
        return reverse(item)


class DatasetSitemap(Sitemap):
    limit = 10_000
    priority = 0.8

    def items(self):
        return public_datasets().only("slug", "modified_at").order_by("pk")

    def lastmod(self, item):
        return item.modified_at


class OrganisationSitemap(Sitemap):
    priority = 0.6

    def items(self):
        # Producers only: an organisation without public dataset has nothing to show yet.
        return (Organisation.objects.producers()
                .annotate(last_change=Max("datasets__modified_at", filter=Q(
                    datasets__status="published", datasets__private=False)))
                .only("slug").order_by("pk"))

    def lastmod(self, item):
        return item.last_change


class ReuseSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return Reuse.objects.visible_to(AnonymousUser()).only("slug", "modified_at") \
            .order_by("pk")

    def lastmod(self, item):
        return item.modified_at


class TerritorySitemap(Sitemap):
    limit = 10_000
    priority = 0.4

    def items(self):
        return Territory.objects.only("level", "code").order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "jeux-de-donnees": DatasetSitemap,
    "organisations": OrganisationSitemap,
    "reutilisations": ReuseSitemap,
    "territoires": TerritorySitemap,
}
