"""Challenges and hackathons: what they featured (datasets) and produced (reuses), each
read through the catalogue's own visibility rules, so an event never reveals a private
dataset or an unpublished reuse."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from datasud.catalog.models import Dataset, Reuse

from ..models import Event


def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/events.html", {
        "events": Event.objects.select_related("programme")})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("programme"), slug=slug)
    return render(request, "programmes/event.html", {
        "event": event,
        "datasets": Dataset.objects.visible_to(request.user).filter(events=event)
        .select_related("organisation").order_by("title"),
        "reuses": Reuse.objects.visible_to(request.user).filter(events=event)
        .order_by("title")})
