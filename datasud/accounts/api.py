"""API of one's own account: who am I, and my personal API tokens.

A token is shown once, when it is created; only its SHA-256 hash is kept. Creating one needs
a signed-in session (the account page), so that a leaked token cannot mint others that would
outlive its revocation; listing and revoking work with a token too.
"""
from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from datasud.api import SIGNED_IN, Page, PageParams, error_responses, get_or_404, paginate
from datasud.api import session as session_auth
from datasud.catalog.models import Organisation
from datasud.catalog.services import CatalogError

from .models import ApiToken, Membership
from .scopes import SCOPES, memberships_of

router = Router(tags=["Compte / Account"])


class MembershipOut(Schema):
    organisation: str = Field(examples=["ville-de-digne"])
    name: str = Field(examples=["Ville de Digne-les-Bains"])
    role: str = Field(examples=["editor"])

    @staticmethod
    def resolve_organisation(obj: Membership) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.organisation.name


class MeOut(Schema):
    username: str
    email: str
    full_name: str
    is_staff: bool
    organisations: list[MembershipOut]


class TokenOut(Schema):
    id: int
    name: str = Field(examples=["Script de publication"])
    prefix: str = Field(description="Début du jeton, pour le reconnaître",
                        examples=["dsud_AbC123"])
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool
    scopes: list[str] = Field(description="Portées : lecture, ecriture, datastore",
                              examples=[["lecture", "datastore"]])
    organisation: str | None = Field(None, description="Organisation à laquelle le jeton "
                                     "est limité (aucune : toutes celles du compte)")

    @staticmethod
    def resolve_organisation(obj: ApiToken) -> str | None:
        return obj.organisation.slug if obj.organisation_id else None

    @staticmethod
    def resolve_active(obj: ApiToken) -> bool:
        now = timezone.now()
        return obj.revoked_at is None and (obj.expires_at is None or obj.expires_at > now)


class TokenPage(Page[TokenOut]):
    pass


class TokenCreated(TokenOut):
    token: str = Field(description="Le jeton, affiché cette seule fois / shown this once only")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, examples=["Script de publication"])
    expires_at: dt.datetime | None = Field(None, description="Sans date : n'expire pas")
    scopes: list[str] = Field(
        default_factory=lambda: list(SCOPES), max_length=len(SCOPES),
        description="Ce que le jeton permet (par défaut toutes) : `lecture` (données non "
                    "publiques que le compte voit), `ecriture` (toute modification), "
                    "`datastore` (tables non publiques de l'entrepôt, OGC API, tuiles). "
                    "What the token may do (all by default).")
    organisation: str | None = Field(
        None, max_length=255, description="Limiter le jeton à une de vos organisations "
        "(identifiant) / restrict the token to one of your organisations")

    @field_validator("scopes")
    @classmethod
    def known_scopes(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(SCOPES))
        if unknown:
            raise ValueError(f"Portées inconnues : {', '.join(unknown)} (possibles : "
                             f"{', '.join(SCOPES)}).")
        if not value:
            raise ValueError("Choisissez au moins une portée.")
        return value

    @field_validator("expires_at")
    @classmethod
    def in_the_future(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)  # read in the platform's time zone
        if value is not None and value <= timezone.now():
            raise ValueError("La date d'expiration doit être dans le futur.")
        return value


@router.get("/me/", response={200: MeOut, **error_responses(401)}, auth=SIGNED_IN,
            summary="Mon compte / My account",
            description="Le compte du jeton ou de la session, et ses organisations.")
def get_me(request: HttpRequest):
    user = request.auth
    # A token restricted to one organisation acts through that membership only.
    memberships = (memberships_of(user).select_related("organisation")
                   .order_by("organisation__name"))
    return {"username": user.get_username(), "email": user.email,
            "full_name": user.get_full_name(), "is_staff": user.is_staff,
            "organisations": list(memberships)}


@router.get("/tokens/", response={200: TokenPage, **error_responses(401)},
            auth=SIGNED_IN,
            summary="Mes jetons d'API / My API tokens",
            description="Actifs, expirés et révoqués, les plus récents d'abord. Le jeton "
                        "lui-même n'est jamais renvoyé. The token itself is never returned.")
def list_tokens(request: HttpRequest, paging: Query[PageParams]):
    return paginate(request, ApiToken.objects.filter(user=request.auth)
                    .select_related("organisation")
                    .order_by("-created_at", "-id"), paging)


@router.post("/tokens/", response={201: TokenCreated, **error_responses(401, 403, 422)},
             auth=[session_auth],
             summary="Créer un jeton d'API / Create an API token",
             description="Depuis une session connectée (avec le jeton CSRF). La réponse "
                         "contient le jeton : c'est la seule fois qu'il est visible. "
                         "Needs a signed-in session; the token is shown once.")
def create_token(request: HttpRequest, payload: TokenIn):
    organisation = None
    if payload.organisation:
        organisation = Organisation.objects.filter(
            slug=payload.organisation, memberships__user=request.auth).first()
        if organisation is None:
            raise CatalogError("Vous n'êtes membre d'aucune organisation de cet identifiant.",
                               "organisation")
    token, raw = ApiToken.issue(request.auth, payload.name, expires_at=payload.expires_at,
                                scopes=payload.scopes, organisation=organisation)
    token.token = raw  # only on this answer's object; never stored
    return Status(201, token)


@router.delete("/tokens/{int:token_id}/", response={204: None, **error_responses(401, 404)},
               auth=SIGNED_IN,
               summary="Révoquer un jeton / Revoke a token",
               description="Le jeton cesse aussitôt de fonctionner. It stops working at once.")
def revoke_token(request: HttpRequest, token_id: int):
    token = get_or_404(ApiToken.objects.filter(user=request.auth), "Jeton introuvable.",
                       pk=token_id)
    token.revoke()
    return Status(204, None)
