"""POST /api/1/suggestions: metadata suggestions for a dataset being described (themes,
tags, licence, frequency, territories). Open to everybody, rate-limited for anonymous
callers; nothing sent is stored."""
from __future__ import annotations

from typing import Annotated

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.throttling import SimpleRateThrottle
from pydantic import Field, StringConstraints

from datasud.api import PUBLIC, error_responses

from . import services


class AnonymousThrottle(SimpleRateThrottle):
    """Anonymous callers, per IP address. (ninja's AnonRateThrottle skips them here: public
    operations authenticate everybody, AnonymousUser included.)"""

    scope = "suggestions-anon"

    def get_cache_key(self, request):
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignedInThrottle(SimpleRateThrottle):
    """Signed-in callers (token or session), per account."""

    scope = "suggestions-user"

    def get_cache_key(self, request):
        user = getattr(request, "auth", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


router = Router(tags=["Suggestions"])
ERRORS = error_responses(400, 401, 422, 429, 503)


class SuggestionColumnIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, examples=["code_insee"])
    values: list[Annotated[str, StringConstraints(max_length=500)]] = Field(
        [], max_length=200, examples=[["13055", "13001"]],
                              description="Quelques valeurs de la colonne (200 au plus)")


class SuggestionsIn(Schema):
    title: str = Field(..., min_length=1, max_length=300,
                       examples=["Aménagements cyclables de Marseille"])
    description: str = Field("", max_length=20_000)
    columns: list[SuggestionColumnIn] = Field([], max_length=200,
                                    description="Colonnes d'une table chargée (facultatif)")
    organisation: str = Field("", max_length=255, examples=["ville-de-marseille"],
                              description="Identifiant de l'organisation productrice "
                                          "(facultatif) : les mots-clés qu'elle donne à ses "
                                          "autres jeux de données comptent")


class SuggestedTheme(Schema):
    slug: str = Field(examples=["mobilite-et-transports"])
    score: float = Field(examples=[0.82])


class SuggestedTag(Schema):
    name: str = Field(examples=["velo"])
    score: float = Field(examples=[0.74])


class SuggestedLicence(Schema):
    slug: str = Field(examples=["lov2"])
    score: float


class SuggestedFrequency(Schema):
    code: str = Field(examples=["annual"])
    score: float


class SuggestedTerritory(Schema):
    key: str = Field(examples=["commune:13055"])
    level: str
    code: str
    name: str = Field(examples=["Marseille"])
    score: float
    source: str = Field(examples=["titre"], description="Où le territoire a été trouvé")


class ProducerTag(Schema):
    name: str = Field(examples=["velo"])
    datasets: int = Field(examples=[12],
                          description="Nombre de jeux de données publics de l'organisation "
                                      "qui portent ce mot-clé")


class SuggestionsOut(Schema):
    themes: list[SuggestedTheme]
    tags: list[SuggestedTag]
    licence: SuggestedLicence | None
    frequency: SuggestedFrequency | None
    territories: list[SuggestedTerritory]
    producer_tags: list[ProducerTag] = Field(
        [], description="Mots-clés habituels de l'organisation donnée (ceux qu'elle donne le "
                        "plus souvent à ses jeux de données publics), hors ceux de `tags` ; "
                        "vide sans organisation")


@router.post("/suggestions", url_name="suggestions", response={200: SuggestionsOut, **ERRORS},
             summary="Suggérer thèmes, mots-clés, licence, fréquence et territoires",
             throttle=[AnonymousThrottle("60/m"), SignedInThrottle("600/m")], **PUBLIC)
def suggestions(request, payload: SuggestionsIn):
    """À partir du titre, de la description et, si la table est chargée, de ses colonnes :
    les thèmes DataSud, les mots-clés du catalogue (ceux de l'organisation productrice, si elle
    est donnée, comptent), la licence et la fréquence de mise à jour les plus probables, et
    les territoires nommés (communes, EPCI, départements, codes INSEE ou postaux,
    coordonnées). Chaque liste est classée, meilleure suggestion d'abord, avec un score
    entre 0 et 1. Avec l'organisation, ses mots-clés habituels sont aussi listés à part
    (`producer_tags`). Rien de ce qui est envoyé n'est enregistré."""
    if not payload.title.strip():
        raise HttpError(400, "Le titre est vide : décrivez le jeu de données en quelques mots.")
    columns = [services.Column(c.name, c.values) for c in payload.columns]
    try:
        return services.suggest(payload.title, payload.description, columns,
                                payload.organisation)
    except services.SuggestionsUnavailable as exc:
        raise HttpError(503, str(exc)) from exc
