"""To include at /api/: CKAN serves its Action API without the version too
(/api/action/<name>), and that is the address ckanapi.RemoteCKAN calls."""
from django.urls import path

from . import views

urlpatterns = [
    path("action/<str:name>", views.action, name="ckan-action-unversioned"),
]
