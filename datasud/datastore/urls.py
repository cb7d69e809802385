"""Pages of the datastore, under the dataset they belong to."""
from django.urls import path

from . import views

app_name = "datastore"
urlpatterns = [
    path("jeux-de-donnees/<slug:slug>/ressources/<int:pk>/", views.resource_page,
         name="resource"),
    path("jeux-de-donnees/<slug:slug>/ressources/<int:pk>/recharger/", views.reload_resource,
         name="reload"),
    path("jeux-de-donnees/<slug:slug>/ressources/<int:pk>/schema/", views.declare_schema,
         name="declare_schema"),
]
