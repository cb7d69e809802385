"""Public pages: the programmes, each programme's dashboard, the key figures, the Sud Labs
directory and place pages, a participant's page. Only counts and organisations' public
facts: nothing personal, no application that is not engaged in the programme."""
from __future__ import annotations

import io

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from datasud.catalog.models import Dataset, Organisation
from datasud.territories.models import Territory
from datasud.web.pagination import paginate

from .. import accompaniment, indicators, services
from ..forms import PlaceFilterForm, ReportForm
from ..maps import build_map
from ..models import Application, Event, Place, Programme
from ..places_csv import export_places
from ..tableschema import pattern_choices
from ..workflow import ENGAGED, label

PLACES_PER_PAGE = 50


def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.prefetch_related("calls")
    return render(request, "programmes/index.html", {
        "programmes": [(p, indicators.headline(p)[:4]) for p in programmes],
        "is_consultant": accompaniment.consultant_of(request.user) is not None})


KEY_FIGURES_EVENTS = 10


def key_figures(request: HttpRequest) -> HttpResponse:
    """The public "Chiffres clés" page: every programme's figures, computed now, and the
    latest challenges and hackathons with their public datasets and published reuses."""
    events = Event.objects.with_public_counts().select_related("programme")
    return render(request, "programmes/key_figures.html", {
        "programmes": [(p, indicators.headline(p)) for p in Programme.objects.all()],
        "events": events.order_by("-starts_on", "title")[:KEY_FIGURES_EVENTS],
        "event_total": events.count()})


def _epci_map(programme: Programme):
    engaged = set(Application.objects.filter(
        call__programme=programme, status__in=ENGAGED,
        organisation__territory__level=Territory.Level.EPCI)
        .values_list("organisation__territory_id", flat=True))
    if not engaged:
        return None, []
    organisations = list(Organisation.objects.filter(
        territory_id__in=engaged, programme_applications__call__programme=programme,
        programme_applications__status__in=ENGAGED).distinct().order_by("name"))
    # The EPCI have no outline of their own in the referential: each is drawn from its
    # member communes, over the départements.
    communes: dict[int, list] = {}
    for commune in Territory.objects.filter(level=Territory.Level.COMMUNE,
                                            parents__in=engaged).values("geometry",
                                                                        "parents__id"):
        if commune["parents__id"] in engaged:
            communes.setdefault(commune["parents__id"], []).append(commune["geometry"])
    groups = [(o.name, communes.get(o.territory_id, []), _participant_url(programme, o))
              for o in organisations]
    departements = Territory.objects.filter(level=Territory.Level.DEPARTEMENT)
    return build_map(departements, groups=groups), organisations


def _participant_url(programme: Programme, organisation: Organisation) -> str:
    from django.urls import reverse

    return reverse("programmes:participant", args=[programme.slug, organisation.slug])


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    counts = indicators.status_counts(programme)
    pipeline = indicators.pipeline(programme)
    peak = max([n for month in pipeline for n in month["counts"].values()] or [0]) or 1
    # Bars of at most 60 pixels, the largest count of the period being the longest.
    rows = [{"date": month["date"],
             "cells": [(month["counts"][s], round(month["counts"][s] * 60 / peak))
                       for s in programme.statuses]} for month in pipeline]
    epci_map, participants = _epci_map(programme)
    return render(request, "programmes/programme.html", {
        "programme": programme,
        "figures": indicators.headline(programme),
        "yearly": [i for i in indicators.programme_indicators(programme) if i.period],
        "calls": programme.calls.order_by("-opens_at"),
        "status_counts": [(label(s), n) for s, n in counts.items()],
        "pipeline": rows,
        "themes": [{"theme": row["theme"], "total": row["total"],
                    "cells": [row["counts"][s] for s in programme.statuses]}
                   for row in indicators.theme_counts(programme)],
        "statuses": [(s, label(s)) for s in programme.statuses],
        "places_count": programme.places.count(),
        "epci_map": epci_map, "participants": participants,
        "dataset": Dataset.objects.public().filter(
            slug=f"indicateurs-programme-{programme.slug}").first(),
    })


def participant(request: HttpRequest, slug: str, organisation: str) -> HttpResponse:
    """An organisation engaged in a programme (an EPCI of Parcours Sud Smart Territoires):
    its retained projects and the datasets it publishes."""
    programme = get_object_or_404(Programme, slug=slug)
    applications = (Application.objects.filter(call__programme=programme,
                                               organisation__slug=organisation,
                                               status__in=ENGAGED)
                    .select_related("call", "organisation").order_by("call__opens_at"))
    if not applications:
        raise Http404("Cette organisation ne participe pas à ce programme.")
    owner = applications[0].organisation
    datasets = (Dataset.objects.visible_to(request.user).filter(organisation=owner)
                .order_by("-modified_at")[:20])
    return render(request, "programmes/participant.html", {
        "programme": programme, "organisation": owner, "applications": applications,
        "datasets": datasets,
        "dataset_count": Dataset.objects.visible_to(request.user)
        .filter(organisation=owner).count()})


def _filtered_places(request: HttpRequest):
    departements = Territory.objects.filter(level=Territory.Level.DEPARTEMENT).order_by("code")
    choices = [(d.code, f"{d.name} ({d.code})") for d in departements] or [
        (code, code) for code in Place.objects.exclude(departement="").order_by("departement")
        .values_list("departement", flat=True).distinct()]
    form = PlaceFilterForm(request.GET or None, departements=choices,
                           services=pattern_choices("services"))
    places = Place.objects.select_related("programme").order_by("nom")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            places = places.filter(Q(nom__icontains=data["q"]) | Q(commune__icontains=data["q"]))
        if data["departement"]:
            places = places.filter(departement=data["departement"])
        if data["service"]:
            # Whole values of the `a|b|c` list, not a substring of another service.
            service = data["service"]
            places = places.filter(Q(services=service) | Q(services__startswith=f"{service}|")
                                   | Q(services__endswith=f"|{service}")
                                   | Q(services__contains=f"|{service}|"))
    return form, places


def place_list(request: HttpRequest) -> HttpResponse:
    form, places = _filtered_places(request)
    page, links = paginate(request, places, PLACES_PER_PAGE)
    outlines = Territory.objects.filter(level=Territory.Level.DEPARTEMENT)
    return render(request, "programmes/places.html", {
        "form": form, "page": page, "pagination": links, "count": places.count(),
        "has_demo": places.filter(is_demo=True).exists(),
        "map": build_map(outlines, places=places.select_related(None).only(
            "nom", "slug", "latitude", "longitude")),
        "query": request.GET.urlencode()})


def place_export(request: HttpRequest) -> HttpResponse:
    """The filtered directory as CSV following the national schema."""
    _form, places = _filtered_places(request)
    out = io.StringIO()
    export_places(places.iterator(), out)
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lieux-mediation-numerique.csv"'
    return response


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.select_related("programme", "organisation"),
                              slug=slug)
    can_report = services.can_report(request.user, place)
    return render(request, "programmes/place.html", {
        "place": place, "reports": place.reports.order_by("-year"),
        "can_report": can_report, "report_form": ReportForm() if can_report else None,
        "map": build_map(Territory.objects.filter(level=Territory.Level.DEPARTEMENT),
                         places=[place])})
