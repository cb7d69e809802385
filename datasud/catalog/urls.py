from django.urls import path

from .views import datasets, editing, organisations, reuses, search

app_name = "catalog"
urlpatterns = [
    path("jeux-de-donnees/", search.search, name="search"),
    path("jeux-de-donnees/<slug:slug>/", datasets.dataset_detail, name="dataset"),
    path("jeux-de-donnees/<slug:slug>/modifier/", editing.dataset_edit, name="dataset_edit"),
    path("jeux-de-donnees/<slug:slug>/supprimer/", editing.dataset_delete,
         name="dataset_delete"),
    path("jeux-de-donnees/<slug:slug>/ressources/ajouter/", editing.resource_add,
         name="resource_add"),
    path("jeux-de-donnees/<slug:slug>/ressources/<int:pk>/modifier/", editing.resource_edit,
         name="resource_edit"),
    path("jeux-de-donnees/<slug:slug>/ressources/<int:pk>/supprimer/", editing.resource_delete,
         name="resource_delete"),
    # Outside /jeux-de-donnees/ and /reutilisations/ so that no slug can hide these pages.
    path("publier/jeu-de-donnees/", editing.dataset_create, name="dataset_create"),
    path("publier/reutilisation/", reuses.reuse_create, name="reuse_create"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", organisations.organisation_detail, name="organisation"),
    path("reutilisations/", reuses.reuse_list, name="reuses"),
    path("reutilisations/<slug:slug>/", reuses.reuse_detail, name="reuse"),
]
