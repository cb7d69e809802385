"""URL map of the platform: French paths first, each app owning its own."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("datasud.web.urls")),
    path("", include("datasud.datastore.urls")),
    path("", include("datasud.dcat.urls")),
    path("", include("datasud.catalog.urls")),
    path("", include("datasud.quality.urls")),
    path("", include("datasud.discovery.urls")),
    path("territoires/", include("datasud.territories.urls")),
    path("diagnostic-mobilite/", include("datasud.employment.urls")),
    path("compte/", include("datasud.accounts.urls")),
    path("programmes/", include("datasud.programmes.urls")),
    path("api/1/", include("datasud.api_urls")),
    path("api/ogc/", include("datasud.geo.urls")),
    path("tuiles/", include("datasud.geo.tiles_urls")),
    path("api/3/", include("datasud.ckan.urls")),
    # CKAN clients (ckanapi among them) call /api/action/... without the version.
    path("api/", include("datasud.ckan.urls_unversioned")),
    path("moissonnage/", include("datasud.harvest.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "datasud.web.views.bad_request"
handler403 = "datasud.web.views.permission_denied"
handler404 = "datasud.web.views.page_not_found"
handler500 = "datasud.web.views.server_error"

if settings.DEBUG:
    from django.urls import re_path
    from django.views.static import serve

    # Only the public images (logos, reuse images); resources' files go through the
    # permission-checked download view (catalog/views/downloads.py), never from here.
    urlpatterns += [re_path(
        rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>(?:organisations|reuses)/.+)$", serve,
        {"document_root": settings.MEDIA_ROOT})]
