"""API of the programmes (/api/1/programmes/): public programmes with their indicators and
calls, the public directory of places, the events (challenges, hackathons) with their
public datasets and published reuses; with a token or a session, one's own organisations'
applications (staff: all of them; a consultant: those assigned to them), applying to a
call, instructing (staff), assigning a consultant (staff), recording accompaniment steps
(the consultant, staff) and reporting a place's activity. Applications are read through
`Application.objects.visible_to`, so that another organisation's application answers 404
like one that does not exist.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from datasud.api import PUBLIC, SIGNED_IN, Page, PageParams, error_responses, get_or_404, paginate
from datasud.catalog.models import Organisation

from . import accompaniment, indicators, services
from .models import Application, Call, Event, Place, Programme
from .schemas import (
    AssignIn,
    ConsultantOut,
    EventDetail,
    EventFilters,
    EventOut,
    StepIn,
    StepOut,
    consultant_for,
    steps_for,
)
from .workflow import Status as ApplicationStatus

router = Router(tags=["Programmes"])
APPLICATION_NOT_FOUND = "Candidature introuvable."


class IndicatorOut(Schema):
    key: str = Field(examples=["supported.citizens"])
    label: str = Field(examples=["citoyens accompagnés"])
    period: str = Field(examples=["", "2024"], description="Vide : depuis le début")
    value: int = Field(examples=[24376])


class CallOut(Schema):
    slug: str
    title: str
    kind: str = Field(examples=["aap"], description="aap, ami")
    recurrence: str = Field(examples=["annual"], description="annual, permanent")
    year: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    is_open: bool
    eligible_kinds: list[str] = Field(examples=[["epci"]])
    form: dict = Field(description="Les questions du formulaire de candidature")

    @staticmethod
    def resolve_is_open(obj: Call) -> bool:
        return obj.is_open()


class ProgrammeOut(Schema):
    slug: str = Field(examples=["sud-labs"])
    name: str = Field(examples=["Sud Labs"])
    summary: str
    is_demo: bool
    statuses: list[str]
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Programme) -> list:
        return indicators.programme_indicators(obj)


class ProgrammeDetail(ProgrammeOut):
    description: str
    transitions: dict[str, list[str]]
    calls: list[CallOut]
    status_counts: dict[str, int]

    @staticmethod
    def resolve_calls(obj: Programme) -> list:
        return list(obj.calls.order_by("-opens_at"))

    @staticmethod
    def resolve_status_counts(obj: Programme) -> dict[str, int]:
        return indicators.status_counts(obj)


class PlaceOut(Schema):
    id: str = Field(alias="local_id", description="L'identifiant du schéma national")
    slug: str
    nom: str
    commune: str
    code_postal: str
    code_insee: str
    departement: str
    adresse: str
    latitude: float | None
    longitude: float | None
    services: list[str]
    horaires: str
    telephone: str
    date_maj: dt.date
    is_demo: bool

    @staticmethod
    def resolve_services(obj: Place) -> list[str]:
        return obj.services_list


class PlacePage(Page[PlaceOut]):
    pass


class PlaceFilters(PageParams):
    departement: str = Field("", max_length=3, examples=["04"])
    service: str = Field("", max_length=200, examples=["Aide aux démarches administratives"])
    q: str = Field("", max_length=100, description="Nom ou commune")


class ReportOut(Schema):
    year: int
    business_owners: int
    job_seekers: int
    citizens: int
    is_demo: bool


class PlaceDetail(PlaceOut):
    presentation_resume: str
    presentation_detail: str
    itinerance: str
    programme: str | None
    reports: list[ReportOut]

    @staticmethod
    def resolve_programme(obj: Place) -> str | None:
        return obj.programme.slug if obj.programme_id else None

    @staticmethod
    def resolve_reports(obj: Place) -> list:
        return list(obj.reports.order_by("-year"))


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime
    comment: str


class ApplicationOut(Schema):
    id: int
    programme: str
    call: str
    organisation: str = Field(examples=["cc-alpes-provence-verdon"])
    applicant_kind: str
    status: str = Field(examples=["under_review"])
    answers: dict
    submitted_at: dt.datetime
    status_changed_at: dt.datetime
    is_demo: bool
    history: list[StatusChangeOut]
    consultant: ConsultantOut | None = Field(
        None, description="Le consultant qui accompagne la candidature retenue")
    steps: list[StepOut] = Field([], description="Les étapes de l'accompagnement ; leurs "
                                                 "notes pour l'équipe et le consultant")

    @staticmethod
    def resolve_programme(obj: Application) -> str:
        return obj.call.programme.slug

    @staticmethod
    def resolve_call(obj: Application) -> str:
        return obj.call.slug

    @staticmethod
    def resolve_organisation(obj: Application) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_history(obj: Application) -> list:
        return list(obj.history.all())

    @staticmethod
    def resolve_consultant(obj: Application, context) -> ConsultantOut | None:
        return consultant_for(context, obj)

    @staticmethod
    def resolve_steps(obj: Application, context) -> list:
        return steps_for(context, obj)


class ApplicationPage(Page[ApplicationOut]):
    pass


class EventPage(Page[EventOut]):
    pass


class ApplicationFilters(PageParams):
    programme: str = Field("", max_length=100)
    status: ApplicationStatus | None = None


class ApplicationIn(Schema):
    organisation: str = Field(max_length=255, description="Identifiant de l'organisation",
                              examples=["ville-de-digne"])
    answers: dict = Field({}, description="Réponses aux questions de l'appel (`form`)")


class MoveIn(Schema):
    to_status: ApplicationStatus
    comment: str = Field("", max_length=2000)


class ReportIn(Schema):
    year: int = Field(ge=0, le=9999, examples=[2025])
    business_owners: int = Field(ge=-10**9, le=10**9, examples=[42])
    job_seekers: int = Field(ge=-10**9, le=10**9, examples=[180])
    citizens: int = Field(ge=-10**9, le=10**9, examples=[230])


# --- Public reads -------------------------------------------------------------------------

@router.get("/", response=list[ProgrammeOut], **PUBLIC, url_name="programmes",
            summary="Lister les programmes / List programmes",
            description="Chaque programme avec ses indicateurs calculés à l'instant.")
def list_programmes(request: HttpRequest):
    return list(Programme.objects.all())


@router.get("/places/", response=PlacePage, **PUBLIC, url_name="programme_places",
            summary="Lister les lieux / List places",
            description="L'annuaire des lieux (Sud Labs), filtré par département et service.")
def list_places(request: HttpRequest, filters: Query[PlaceFilters]):
    places = Place.objects.order_by("nom", "pk")
    if filters.departement:
        places = places.filter(departement=filters.departement)
    if filters.q.strip():
        q = filters.q.strip()
        places = places.filter(Q(nom__icontains=q) | Q(commune__icontains=q))
    if filters.service:
        s = filters.service
        places = places.filter(Q(services=s) | Q(services__startswith=f"{s}|")
                               | Q(services__endswith=f"|{s}") | Q(services__contains=f"|{s}|"))
    return paginate(request, places, filters)


@router.get("/places/{slug}/", response={200: PlaceDetail, **error_responses(404)}, **PUBLIC,
            url_name="programme_place", summary="Un lieu / One place")
def get_place(request: HttpRequest, slug: str):
    return get_or_404(Place.objects.select_related("programme"), "Lieu introuvable.",
                      slug=slug)


# --- Applications (signed in) -------------------------------------------------------------

def _application(request: HttpRequest, application_id: int) -> Application:
    """The application `application_id` if the caller may see it, else a 404 (hidden and
    missing alike)."""
    return get_or_404(_applications(request.auth), APPLICATION_NOT_FOUND, pk=application_id)


def _applications(user):
    return (Application.objects.visible_to(user)
            .select_related("call__programme", "organisation", "consultant__user",
                            "consultant__organisation")
            .prefetch_related("history", "steps__by"))


@router.get("/applications/", response={200: ApplicationPage, **error_responses(401)},
            auth=SIGNED_IN, url_name="programme_applications",
            summary="Mes candidatures / My applications",
            description="Les candidatures des organisations dont vous êtes membre et celles "
                        "qui vous sont confiées comme consultant (l'équipe de la Région : "
                        "toutes). Your organisations' and assigned applications only.")
def list_applications(request: HttpRequest, filters: Query[ApplicationFilters]):
    applications = _applications(request.auth).order_by("-submitted_at", "-id")
    if filters.programme:
        applications = applications.filter(call__programme__slug=filters.programme)
    if filters.status:
        applications = applications.filter(status=filters.status)
    return paginate(request, applications, filters)


@router.get("/applications/{int:application_id}/",
            response={200: ApplicationOut, **error_responses(401, 404)}, auth=SIGNED_IN,
            url_name="programme_application", summary="Une candidature / One application")
def get_application(request: HttpRequest, application_id: int):
    return _application(request, application_id)


@router.post("/applications/{int:application_id}/moves/",
             response={200: ApplicationOut, **error_responses(400, 401, 403, 404, 422)},
             auth=SIGNED_IN, url_name="move_programme_application",
             summary="Instruire : changer le statut / Move an application",
             description="Équipe de la Région seulement ; seuls les passages du programme "
                         "sont permis. Staff only; only the programme's moves are allowed.")
def move_application(request: HttpRequest, application_id: int, payload: MoveIn):
    application = _application(request, application_id)
    services.move(request.auth, application, payload.to_status, payload.comment)
    return _applications(request.auth).get(pk=application.pk)


@router.post("/applications/{int:application_id}/consultant/",
             response={200: ApplicationOut, **error_responses(400, 401, 403, 404, 422)},
             auth=SIGNED_IN, url_name="assign_programme_consultant",
             summary="Assigner un consultant / Assign a consultant",
             description="Équipe de la Région seulement, sur une candidature retenue ou en "
                         "cours d'accompagnement ; `null` retire le consultant. Staff only.")
def assign_consultant(request: HttpRequest, application_id: int, payload: AssignIn):
    application = _application(request, application_id)
    accompaniment.check_may_assign(request.auth, application)
    consultant = (accompaniment.find_consultant(payload.consultant)
                  if payload.consultant else None)
    accompaniment.assign(request.auth, application, consultant)
    return _applications(request.auth).get(pk=application.pk)


@router.post("/applications/{int:application_id}/steps/",
             response={201: StepOut, **error_responses(400, 401, 403, 404, 422)},
             auth=SIGNED_IN, url_name="add_accompaniment_step",
             summary="Noter une étape d'accompagnement / Record an accompaniment step",
             description="Le consultant assigné ou l'équipe de la Région, sur une candidature "
                         "retenue ou en cours. Le titre et la date sont visibles du candidat, "
                         "les notes non. The assigned consultant or staff.")
def add_step(request: HttpRequest, application_id: int, payload: StepIn):
    application = _application(request, application_id)
    step = accompaniment.record_step(request.auth, application, payload.on, payload.title,
                                     payload.notes)
    return Status(201, StepOut(on=step.on, title=step.title, notes=step.notes,
                               by=request.auth.get_username()))


# --- Events (public) ----------------------------------------------------------------------

@router.get("/events/", response=EventPage, **PUBLIC, url_name="programme_events",
            summary="Lister les défis et hackathons / List events",
            description="Les événements, les plus récents d'abord, avec le nombre de jeux de "
                        "données publics proposés et de réutilisations publiées produites.")
def list_events(request: HttpRequest, filters: Query[EventFilters]):
    events = Event.objects.with_public_counts().select_related("programme")
    if filters.programme:
        events = events.filter(programme__slug=filters.programme)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    return paginate(request, events.order_by("-starts_on", "title", "pk"), filters)


@router.get("/events/{slug}/", response={200: EventDetail, **error_responses(404)}, **PUBLIC,
            url_name="programme_event", summary="Un événement / One event",
            description="Avec les jeux de données publics qu'il a proposés et les "
                        "réutilisations publiées qu'il a produites (liens vers le catalogue).")
def get_event(request: HttpRequest, slug: str):
    return get_or_404(Event.objects.with_public_counts().select_related("programme"),
                      "Événement introuvable.", slug=slug)


@router.post("/{slug}/calls/{call}/applications/",
             response={201: ApplicationOut, **error_responses(400, 401, 403, 404, 422)},
             auth=SIGNED_IN, url_name="apply_to_call",
             summary="Candidater à un appel / Apply to a call",
             description="Au nom d'une organisation dont vous êtes membre. Refusé (400) : "
                         "appel clos ou pas encore ouvert, type de candidat non éligible, "
                         "deuxième candidature, réponse invalide.")
def apply_to_call(request: HttpRequest, slug: str, call: str, payload: ApplicationIn):
    found = get_or_404(Call.objects.select_related("programme"), "Appel introuvable.",
                       programme__slug=slug, slug=call)
    organisation = get_or_404(Organisation.objects.all(), "Organisation introuvable.",
                               slug=payload.organisation)
    application = services.apply(request.auth, found, organisation, payload.answers)
    return Status(201, _applications(request.auth).get(pk=application.pk))


@router.post("/places/{slug}/reports/",
             response={201: ReportOut, **error_responses(400, 401, 403, 404, 422)},
             auth=SIGNED_IN, url_name="report_place_activity",
             summary="Déclarer l'activité d'un lieu / Report a place's activity",
             description="L'organisation gestionnaire du lieu ou l'équipe de la Région ; un "
                         "rapport par année (le renvoyer le corrige). Nombres entiers ≥ 0.")
def report_place_activity(request: HttpRequest, slug: str, payload: ReportIn):
    place = get_or_404(Place.objects.all(), "Lieu introuvable.", slug=slug)
    report = services.report_activity(request.auth, place, payload.year,
                                      business_owners=payload.business_owners,
                                      job_seekers=payload.job_seekers,
                                      citizens=payload.citizens)
    return Status(201, report)


@router.get("/{slug}/", response={200: ProgrammeDetail, **error_responses(404)}, **PUBLIC,
            url_name="programme", summary="Un programme / One programme",
            description="Indicateurs, appels (avec leurs questions) et candidatures par statut.")
def get_programme(request: HttpRequest, slug: str):
    return get_or_404(Programme.objects.all(), "Programme introuvable.", slug=slug)
