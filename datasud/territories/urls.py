from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("", views.territory_index, name="index"),
    path("<slug:level>/<str:code>/", views.territory_detail, name="detail"),
]
