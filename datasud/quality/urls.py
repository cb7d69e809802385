from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("qualite/", views.index, name="index"),
    path("organisations/<slug:slug>/qualite/", views.organisation_dashboard, name="organisation"),
]
