"""API schemas of the events and of the accompaniment (the programmes' other schemas are in
`api.py`). What a schema shows depends on who reads it: a step's notes and author, and the
consultant's account, only to staff and the assigned consultant (`notes_readable`)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from datasud.api import PageParams
from datasud.catalog.schemas import OrganisationRef, page_url

from .models import Application, Event


def notes_readable(context, application: Application) -> bool:
    """Whether the reader of this response reads the steps' notes of `application`: staff,
    or its assigned consultant (computed once per request, through the queryset)."""
    request = (context or {}).get("request")
    user = getattr(request, "auth", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    ids = getattr(request, "_programmes_accompanied", None)
    if ids is None:
        ids = set(Application.objects.accompanied_by(user).values_list("pk", flat=True))
        request._programmes_accompanied = ids
    return application.pk in ids


# --- Accompaniment ------------------------------------------------------------------------


class StepOut(Schema):
    on: dt.date
    title: str = Field(examples=["Diagnostic de la présence en ligne"])
    notes: str | None = Field(
        None, description="Équipe de la Région et consultant seulement ; null pour le candidat"
    )
    by: str | None = Field(None, description="Qui l'a notée (même réserve)")


class ConsultantOut(Schema):
    structure: str = Field(
        examples=["Région Sud"], description="La structure du consultant (ce que voit le candidat)"
    )
    assigned_at: dt.datetime | None
    username: str | None = Field(
        None, description="Son compte : équipe de la Région et consultant seulement"
    )


class StepIn(Schema):
    on: dt.date = Field(examples=["2025-03-14"])
    title: str = Field(max_length=200, examples=["Atelier cybersécurité"])
    notes: str = Field("", max_length=5000)


class AssignIn(Schema):
    consultant: str | None = Field(
        max_length=150, examples=["c.martin"], description="Le compte du consultant ; null : aucun"
    )


def steps_for(context, application: Application) -> list[StepOut]:
    readable = notes_readable(context, application)
    return [
        StepOut(
            on=step.on,
            title=step.title,
            notes=step.notes if readable else None,
            by=(step.by.get_username() if step.by else None) if readable else None,
        )
        for step in application.steps.all()
    ]


def consultant_for(context, application: Application) -> ConsultantOut | None:
    consultant = application.consultant
    if consultant is None:
        return None
    return ConsultantOut(
        structure=consultant.structure,
        assigned_at=application.consultant_assigned_at,
        username=consultant.user.get_username() if notes_readable(context, application) else None,
    )


# --- Events -------------------------------------------------------------------------------


class EventDatasetOut(Schema):
    slug: str
    title: str
    organisation: OrganisationRef | None
    page_url: str | None

    @staticmethod
    def resolve_page_url(obj, context) -> str | None:
        return page_url(obj, context)


class EventReuseOut(Schema):
    slug: str
    title: str
    url: str = Field(description="L'adresse de la réutilisation")
    type: str
    page_url: str | None

    @staticmethod
    def resolve_page_url(obj, context) -> str | None:
        return page_url(obj, context)


class EventOut(Schema):
    slug: str = Field(examples=["hackathon-mobilite"])
    title: str
    kind: str = Field(examples=["hackathon"], description="challenge, hackathon")
    programme: str | None = Field(examples=["sud-labs"])
    description: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    is_demo: bool
    dataset_count: int = Field(description="Jeux de données publics proposés")
    reuse_count: int = Field(description="Réutilisations publiées produites")
    page_url: str | None

    @staticmethod
    def resolve_programme(obj: Event) -> str | None:
        return obj.programme.slug if obj.programme_id else None

    @staticmethod
    def resolve_page_url(obj, context) -> str | None:
        return page_url(obj, context)


class EventDetail(EventOut):
    datasets: list[EventDatasetOut] = Field(description="Publics seulement")
    reuses: list[EventReuseOut] = Field(description="Publiées seulement")

    @staticmethod
    def resolve_datasets(obj: Event) -> list:
        return list(obj.public_datasets())

    @staticmethod
    def resolve_reuses(obj: Event) -> list:
        return list(obj.published_reuses())


class EventFilters(PageParams):
    programme: str = Field("", max_length=100, examples=["sud-labs"])
    kind: Event.Kind | None = None
