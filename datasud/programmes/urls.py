from django.urls import path

from .views import accompaniment, applications, events, public

app_name = "programmes"
urlpatterns = [
    path("", public.programme_list, name="index"),
    path("chiffres-cles/", public.key_figures, name="key_figures"),
    path("lieux/", public.place_list, name="places"),
    path("lieux/export.csv", public.place_export, name="places_export"),
    path("lieux/<slug:slug>/", public.place_detail, name="place"),
    path("lieux/<slug:slug>/activite/", applications.place_report, name="place_report"),
    path("evenements/", events.event_list, name="events"),
    path("evenements/<slug:slug>/", events.event_detail, name="event"),
    path("candidatures/", applications.my_applications, name="my_applications"),
    path("candidatures/instruction/", applications.instruction, name="instruction"),
    path("candidatures/accompagnement/", accompaniment.accompaniments,
         name="accompaniments"),
    path("candidatures/<int:pk>/", applications.application_detail, name="application"),
    path("candidatures/<int:pk>/statut/", applications.application_move,
         name="application_move"),
    path("candidatures/<int:pk>/consultant/", accompaniment.application_assign,
         name="application_assign"),
    path("candidatures/<int:pk>/etapes/", accompaniment.application_step,
         name="application_step"),
    path("<slug:slug>/", public.programme_detail, name="programme"),
    path("<slug:slug>/appels/<slug:call>/", applications.call_detail, name="call"),
    path("<slug:slug>/participants/<slug:organisation>/", public.participant,
         name="participant"),
]
