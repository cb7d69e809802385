from django.urls import path

from . import views

app_name = "discovery"
urlpatterns = [
    path("colonnes/", views.column_search, name="columns"),
]
