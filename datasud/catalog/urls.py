from django.urls import path

from datasud.accounts.views import members

from .views import datasets, downloads, editing, organisations, reuses, search

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
    # Uploaded files, through the dataset's permissions (see views/downloads.py).
    path("fichiers/ressources/<int:pk>/<str:name>", downloads.resource_file,
         name="resource_file"),
    # Outside /jeux-de-donnees/, /organisations/ and /reutilisations/ so that no slug can
    # hide these pages.
    path("publier/jeu-de-donnees/", editing.dataset_create, name="dataset_create"),
    path("publier/reutilisation/", reuses.reuse_create, name="reuse_create"),
    path("publier/organisation/", organisations.organisation_create,
         name="organisation_create"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", organisations.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/modifier/", organisations.organisation_edit,
         name="organisation_edit"),
    path("organisations/<slug:slug>/rejoindre/", members.join, name="organisation_join"),
    path("organisations/<slug:slug>/membres/", members.members, name="organisation_members"),
    path("organisations/<slug:slug>/membres/ajouter/", members.member_add,
         name="member_add"),
    path("organisations/<slug:slug>/membres/<int:pk>/role/", members.member_role,
         name="member_role"),
    path("organisations/<slug:slug>/membres/<int:pk>/retirer/", members.member_remove,
         name="member_remove"),
    path("organisations/<slug:slug>/demandes/<int:pk>/accepter/", members.request_accept,
         name="request_accept"),
    path("organisations/<slug:slug>/demandes/<int:pk>/refuser/", members.request_refuse,
         name="request_refuse"),
    path("reutilisations/", reuses.reuse_list, name="reuses"),
    path("reutilisations/<slug:slug>/", reuses.reuse_detail, name="reuse"),
    path("reutilisations/<slug:slug>/modifier/", reuses.reuse_edit, name="reuse_edit"),
    path("reutilisations/<slug:slug>/supprimer/", reuses.reuse_delete, name="reuse_delete"),
]
