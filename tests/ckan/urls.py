"""The platform's URLs plus /api/action/, CKAN's unversioned address that ckanapi calls
(the line asked of datasud/urls.py: `path("api/", include("datasud.ckan.urls_unversioned"))`)."""
from django.urls import include, path

from datasud.urls import urlpatterns as platform

urlpatterns = [path("api/", include("datasud.ckan.urls_unversioned")), *platform]
