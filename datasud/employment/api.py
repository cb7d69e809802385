"""/api/1/employment/: the advisor API, the engine's diagnostic as JSON (token required,
rate-limited). Nothing about the person is stored: answers come from the query alone."""
from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.throttling import AuthRateThrottle
from pydantic import Field

from datasud.api import SIGNED_IN, error_responses

from . import services
from .engine import EngineError
from .services import current_engine

router = Router(tags=["Emploi : diagnostic de mobilité"], auth=SIGNED_IN,
                throttle=[AuthRateThrottle("120/m")])
ERRORS = error_responses(400, 401, 404, 422, 429, 503)


def _answer(call, *args, **kwargs) -> Any:
    try:
        return call(current_engine(), *args, **kwargs)
    except EngineError as exc:
        if exc.code == "referential_missing":
            raise HttpError(503, str(exc)) from exc
        if exc.code == "unknown_code":
            raise HttpError(404, str(exc)) from exc
        raise HttpError(400, str(exc)) from exc


class SearchQuery(Schema):
    q: str = Field(..., max_length=500, description="Intitulé libre : « caissière », « dev web »")
    limit: int = Field(10, ge=1, le=50)


class DiagnosticQuery(Schema):
    actuel: str = Field(..., max_length=20, description="Code ROME du métier actuel (D1505)")
    cible: str | None = Field(None, max_length=20, description="Code ROME visé (facultatif)")
    competences: list[str] = Field([], max_length=200,
                                   description="Codes OGR de compétences cochées en plus")
    propositions: int = Field(10, ge=1, le=100)
    commune: str | None = Field(None, max_length=10,
                                description="Code Insee de la commune de la personne (13055), "
                                            "pour les distances aux formations")


@router.get("/search", response={200: dict, **ERRORS}, summary="Du texte libre aux métiers")
def search(request, filters: Query[SearchQuery]):
    """Appellations et fiches ROME classées pour un intitulé libre (accents, fautes,
    féminin, abréviations)."""
    return _answer(lambda engine: engine.search(filters.q, filters.limit))


@router.get("/fiches/{code}", response={200: dict, **ERRORS}, summary="Profil d'une fiche")
def fiche(request, code: str):
    """Compétences (savoir-faire, savoir-être, savoirs) d'une fiche, cœur de métier d'abord."""
    return _answer(lambda engine: engine.profile(code))


@router.get("/fiches/{code}/mobilites", response={200: dict, **ERRORS},
            summary="Mobilités proposées")
def mobilities(request, code: str, top: int = 10):
    """Fiches proches classées, avec leurs raisons."""
    return _answer(lambda engine: {"code_rome": engine.fiche(code)["code_rome"],
                                   "mobilites": engine.mobilities(code, top)})


@router.get("/diagnostic", response={200: dict, **ERRORS}, summary="Diagnostic complet")
def diagnostic(request, filters: Query[DiagnosticQuery]):
    """Profil du métier actuel, mobilités, et pour un métier visé : écart de compétences,
    salaires, tension de recrutement, secteurs et bassins d'emploi de la région
    (`marche`), offres de formation classées (`formations`) ; sources et dates indiquées.
    Rien n'est enregistré sur la personne."""
    return _answer(lambda _engine: services.full_diagnostic(
        filters.actuel, filters.cible, filters.competences, filters.propositions,
        filters.commune))
