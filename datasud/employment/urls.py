"""Addresses of the public diagnostic wizard, under /diagnostic-mobilite/ (French slugs)."""
from django.urls import path

from . import views

app_name = "employment"

urlpatterns = [
    path("", views.wizard, name="wizard"),
    path("metier-vise/", views.target, name="target"),
    path("competences/", views.skills, name="skills"),
    path("resultat/", views.result, name="result"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("enregistrer/", views.save, name="save"),
    path("enregistre/<str:token>/", views.saved, name="saved"),
    path("enregistre/<str:token>/supprimer/", views.saved_delete, name="saved_delete"),
    path("supprime/", views.deleted, name="deleted"),
]
