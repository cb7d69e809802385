"""API of the organisations (data producers) and of their members.

Organisations are public; creating one is for the DataSud team (staff), updating one for
the team and the organisation's administrators, who also manage its members.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from datasud.accounts.models import Membership
from datasud.api import (
    PUBLIC,
    SIGNED_IN,
    PageParams,
    error_responses,
    get_or_404,
    paginate,
)

from .api import territories_by_key
from .models import Organisation
from .organisations import (
    add_member,
    check_administers,
    create_organisation,
    remove_member,
    set_member_role,
    update_organisation,
)
from .schemas_organisations import (
    MemberIn,
    MemberOut,
    MemberPage,
    MemberRoleIn,
    OrganisationFilters,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrganisationPatch,
)
from .services import CatalogError

router = Router(tags=["Organisations"])
NOT_FOUND = "Organisation introuvable."
MEMBER_NOT_FOUND = "Membre introuvable."


# --- Organisations ------------------------------------------------------------------------

def _organisations() -> QuerySet:
    public = Q(datasets__status="published", datasets__private=False)
    return (Organisation.objects.select_related("territory")
            .annotate(datasets_count=Count("datasets", filter=public)))


def _fields(payload, sent: set[str]) -> dict:
    fields = {name: getattr(payload, name) for name in sent if name not in ("territory", "slug")}
    if "territory" in sent:
        keys = [payload.territory] if payload.territory else []
        fields["territory"] = next(iter(territories_by_key(keys, "territory")), None)
    return fields


@router.get("/", response=OrganisationPage, **PUBLIC, url_name="organisations",
            summary="Lister les organisations / List organisations",
            description="Filtre par nom (`q`), par partenariat (`partner`) et par type.")
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]):
    organisations = _organisations()
    if q := filters.q.strip():
        organisations = organisations.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    if filters.partner is not None:
        organisations = organisations.filter(partnership_signed_on__isnull=not filters.partner)
    if filters.type:
        organisations = organisations.filter(type__in=filters.type)
    return paginate(request, organisations.order_by("name", "id"), filters)


@router.post("/", response={201: OrganisationOut, **error_responses(400, 401, 403, 422)},
             auth=SIGNED_IN,
             summary="Créer une organisation / Create an organisation",
             description="Réservé à l'équipe DataSud. DataSud team only.")
def create_organisation_view(request: HttpRequest, payload: OrganisationIn):
    fields = _fields(payload, set(OrganisationIn.model_fields))
    organisation = create_organisation(request.auth, slug=payload.slug, **fields)
    return Status(201, _organisations().get(pk=organisation.pk))


@router.get("/{slug}/", response={200: OrganisationOut, **error_responses(404)}, **PUBLIC,
            url_name="organisation",
            summary="Lire une organisation / Get an organisation")
def get_organisation(request: HttpRequest, slug: str):
    return get_or_404(_organisations(), NOT_FOUND, slug=slug)


@router.patch("/{slug}/",
              response={200: OrganisationOut, **error_responses(400, 401, 403, 404, 422)},
              auth=SIGNED_IN,
              summary="Modifier une organisation / Update an organisation",
              description="Équipe DataSud et administrateurs de l'organisation ; la date de "
                          "convention est réservée à l'équipe. Staff and the organisation's "
                          "administrators; the partnership date is staff only.")
def update_organisation_view(request: HttpRequest, slug: str, payload: OrganisationPatch):
    organisation = get_or_404(Organisation.objects.all(), NOT_FOUND, slug=slug)
    update_organisation(request.auth, organisation,
                        **_fields(payload, payload.model_fields_set))
    return _organisations().get(pk=organisation.pk)


# --- Members ------------------------------------------------------------------------------

def _administered(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_or_404(Organisation.objects.all(), NOT_FOUND, slug=slug)
    check_administers(request.auth, organisation)
    return organisation


def _membership(request: HttpRequest, slug: str, username: str) -> Membership:
    organisation = _administered(request, slug)
    memberships = organisation.memberships.select_related("user", "organisation")
    return get_or_404(memberships, MEMBER_NOT_FOUND, user__username=username)


@router.get("/{slug}/members/",
            response={200: MemberPage, **error_responses(401, 403, 404)}, auth=SIGNED_IN,
            summary="Lister les membres / List members",
            description="Administrateurs de l'organisation et équipe DataSud.")
def list_members(request: HttpRequest, slug: str, paging: Query[PageParams]):
    organisation = _administered(request, slug)
    memberships = organisation.memberships.select_related("user").order_by("user__username")
    return paginate(request, memberships, paging)


@router.post("/{slug}/members/",
             response={201: MemberOut, **error_responses(400, 401, 403, 404, 422)},
             auth=SIGNED_IN,
             summary="Ajouter un membre / Add a member",
             description="La personne doit avoir un compte (nom d'utilisateur ou courriel). "
                         "Rôles : `admin` (gère l'organisation), `editor` (publie).")
def add_member_view(request: HttpRequest, slug: str, payload: MemberIn):
    organisation = _administered(request, slug)
    users = get_user_model().objects.filter(is_active=True)
    member = (users.filter(username=payload.user).first()
              or users.filter(email__iexact=payload.user).order_by("id").first())
    if member is None:
        raise CatalogError(f"Aucun compte ne correspond à « {payload.user} ».", "user")
    return Status(201, add_member(request.auth, organisation, member, payload.role))


@router.patch("/{slug}/members/{username}/",
              response={200: MemberOut, **error_responses(400, 401, 403, 404, 422)},
              auth=SIGNED_IN,
              summary="Changer le rôle d'un membre / Change a member's role")
def set_member_role_view(request: HttpRequest, slug: str, username: str,
                         payload: MemberRoleIn):
    return set_member_role(request.auth, _membership(request, slug, username), payload.role)


@router.delete("/{slug}/members/{username}/",
               response={204: None, **error_responses(400, 401, 403, 404)}, auth=SIGNED_IN,
               summary="Retirer un membre / Remove a member")
def remove_member_view(request: HttpRequest, slug: str, username: str):
    remove_member(request.auth, _membership(request, slug, username))
    return Status(204, None)
