"""Included at /api/3/: the API version and the actions."""
from django.urls import path

from . import views

app_name = "ckan"
urlpatterns = [
    path("", views.api_version, name="version"),
    path("action/<str:name>", views.action, name="action"),
]
