"""The registry of write actions: every way to change a dataset, its resources, an
organisation's members or one's tokens, through the pages, the API v1 and the CKAN API.

An action is `act(world, role, kind) -> response`, `kind` being the targeted dataset of
organisation A (or None for actions on A itself or on one's account). `allowed` says which
roles may do it (`matrix.py`); the others must be refused with the answer the surface
defines for them (`refusal`), and leave the database as it was (`state`).

A new write surface joins the matrix by registering an action here:

    @write_action("ogc-transaction", "api", kinds=("public", "private"))
    def _ogc_transaction(world, role, kind):
        return api_client(world, role).post(...)
"""
from __future__ import annotations

import json
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from datasud.accounts.models import ApiToken, Membership, MembershipRequest
from datasud.catalog.models import Activity, Dataset, Organisation, Resource
from datasud.ckan import ids
from datasud.datastore.models import DeclaredSchema, Load
from datasud.programmes.models import AccompanimentStep, Application, StatusChange

from .matrix import APPLIES_FOR_A, CHANGES, MANAGES_MEMBERS_OF_A, sees
from .world import (
    APPLICATION_ROLES,
    APPLICATIONS,
    OPEN_CALL,
    PROGRAMME,
    ROLES,
    SCHEMA,
    World,
    csv_of,
    slug_of,
)

JSON = "application/json"
LOGIN = "/compte/connexion/"
#: How each surface refuses: the anonymous visitor, a role who may see the target but not
#: change it, and a role who may not even see it (the target's existence is not leaked).
REFUSALS = {
    "html": {"anonymous": "login", "visible": 403, "hidden": 404},
    "api": {"anonymous": 401, "visible": 403, "hidden": 404},
    "ckan": {"anonymous": 403, "visible": 403, "hidden": 404},
}


@dataclass(frozen=True)
class WriteAction:
    name: str
    surface: str                               # "html", "api" or "ckan"
    act: Callable[[World, str, str | None], HttpResponse]
    allowed: Callable[[str, str | None], bool]
    success: tuple[int, ...]
    kinds: tuple[str | None, ...]
    files: bool                                # writes files: needs the test's own copy
    # The anonymous are refused like any other role (403, 404 for what they may not see)
    # instead of the surface's own way (a POST-only button has no login page to send to).
    anonymous_as_others: bool = False
    # The refusal, if not the surface's: one answer for every role, or {role: answer}.
    refusal: object = None
    covers: tuple[str, ...] = ()               # URL names and CKAN actions it writes through
    roles: tuple[str, ...] = ROLES             # who tries it (applications: + the consultant)


WRITE_ACTIONS: dict[str, WriteAction] = {}


def _may_change(role: str, kind: str | None) -> bool:
    return role in CHANGES[kind or "public"]


def write_action(name: str, surface: str, *, success: tuple[int, ...],
                 kinds: tuple[str | None, ...] = ("public", "private"),
                 allowed: Callable[[str, str | None], bool] = _may_change,
                 files: bool = False, anonymous_as_others: bool = False,
                 refusal: object = None, covers: tuple[str, ...] = (),
                 roles: tuple[str, ...] = ROLES):
    def register(act):
        assert name not in WRITE_ACTIONS, f"action {name} registered twice"
        WRITE_ACTIONS[name] = WriteAction(name, surface, act, allowed, success, kinds, files,
                                          anonymous_as_others, refusal, covers, roles)
        return act

    return register


# --- Clients --------------------------------------------------------------------------------

def page_client(world: World, role: str) -> tuple[Client, str]:
    """A browser-like client of `role` that enforces CSRF, and the CSRF token its forms
    would carry (the cookie's secret, as a page's form sends it)."""
    client = world.client(role, token=False, enforce_csrf_checks=True)
    secret = get_random_string(32, string.ascii_letters + string.digits)
    client.cookies["csrftoken"] = secret
    return client, secret


def post_form(world: World, role: str, path: str, data: dict) -> HttpResponse:
    client, csrf = page_client(world, role)
    return client.post(path, {**data, "csrfmiddlewaretoken": csrf})


def api_client(world: World, role: str) -> Client:
    """An API client of `role`: its personal token, no session."""
    return world.client(role, session=False)


def ckan_post(world: World, role: str, action: str, **data) -> HttpResponse:
    return api_client(world, role).post(f"/api/3/action/{action}", json.dumps(data),
                                        content_type=JSON)


def dataset_path(kind: str) -> str:
    return f"/jeux-de-donnees/{slug_of(kind)}/"


def upload(kind: str, name: str = "ajout.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_of(kind), content_type="text/csv")


# --- Pages ----------------------------------------------------------------------------------

@write_action("html-dataset-edit", "html", success=(302,),
              covers=("catalog:dataset_edit",))
def _html_dataset_edit(world, role, kind):
    dataset = world.datasets[kind]
    return post_form(world, role, f"{dataset_path(kind)}modifier/", {
        "organisation": world.org_a.pk, "title": "Titre changé", "description": "",
        "frequency": "unknown", "status": dataset.status,
        **({"private": "on"} if dataset.private else {}),
    })


@write_action("html-dataset-delete", "html", success=(302,),
              covers=("catalog:dataset_delete",))
def _html_dataset_delete(world, role, kind):
    return post_form(world, role, f"{dataset_path(kind)}supprimer/", {})


@write_action("html-resource-upload", "html", success=(302,), files=True,
              covers=("catalog:resource_add",))
def _html_resource_upload(world, role, kind):
    return post_form(world, role, f"{dataset_path(kind)}ressources/ajouter/",
                     {"file": upload(kind), "title": "Ajout"})


@write_action("html-resource-delete", "html", success=(302,),
              covers=("catalog:resource_delete",))
def _html_resource_delete(world, role, kind):
    pk = world.resources[kind].pk
    return post_form(world, role, f"{dataset_path(kind)}ressources/{pk}/supprimer/", {})


@write_action("html-datastore-reload", "html", success=(302,), files=True,
              anonymous_as_others=True,
              covers=("datastore:reload",))
def _html_datastore_reload(world, role, kind):
    pk = world.resources[kind].pk
    return post_form(world, role, f"{dataset_path(kind)}ressources/{pk}/recharger/", {})


@write_action("html-member-add", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("catalog:member_add",))
def _html_member_add(world, role, kind):
    return post_form(world, role, f"/organisations/{world.org_a.slug}/membres/ajouter/",
                     {"user": "t-outsider", "role": "admin"})


@write_action("html-member-remove", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("catalog:member_remove",))
def _html_member_remove(world, role, kind):
    membership = Membership.objects.get(organisation=world.org_a, user=world.users["editor"])
    return post_form(world, role, f"/organisations/{world.org_a.slug}/membres/"
                                  f"{membership.pk}/retirer/", {})


@write_action("html-token-create", "html", success=(200,), kinds=(None,),
              allowed=lambda role, kind: role != "anonymous",
              covers=("accounts:token_create",))
def _html_token_create(world, role, kind):
    return post_form(world, role, "/compte/jetons/", {"name": "Nouveau jeton"})


# --- API v1 ---------------------------------------------------------------------------------

@write_action("api-dataset-patch", "api", success=(200,),
              covers=("api-1:update_dataset",))
def _api_dataset_patch(world, role, kind):
    return api_client(world, role).patch(f"/api/1/datasets/{slug_of(kind)}/",
                                         {"title": "Titre changé", "private": False},
                                         content_type=JSON)


@write_action("api-dataset-delete", "api", success=(204,),
              covers=("api-1:delete_dataset",))
def _api_dataset_delete(world, role, kind):
    return api_client(world, role).delete(f"/api/1/datasets/{slug_of(kind)}/")


@write_action("api-resource-link", "api", success=(201,),
              covers=("api-1:add_resource_link",))
def _api_resource_link(world, role, kind):
    return api_client(world, role).post(
        f"/api/1/datasets/{slug_of(kind)}/resources/",
        {"url": "https://example.org/annexe.pdf", "title": "Annexe"}, content_type=JSON)


@write_action("api-resource-upload", "api", success=(201,), files=True,
              covers=("api-1:upload_resource",))
def _api_resource_upload(world, role, kind):
    return api_client(world, role).post(f"/api/1/datasets/{slug_of(kind)}/resources/upload/",
                                        {"file": upload(kind), "title": "Ajout"})


@write_action("api-resource-patch", "api", success=(200,),
              covers=("api-1:update_resource",))
def _api_resource_patch(world, role, kind):
    pk = world.resources[kind].pk
    return api_client(world, role).patch(f"/api/1/datasets/{slug_of(kind)}/resources/{pk}/",
                                         {"title": "Renommée"}, content_type=JSON)


@write_action("api-datastore-load", "api", success=(202,), files=True,
              covers=("api-1:request_load",))
def _api_datastore_load(world, role, kind):
    pk = world.resources[kind].pk
    return api_client(world, role).post(f"/api/1/datastore/{pk}/load/")


@write_action("api-declared-schema", "api", success=(200,), files=True,
              covers=("api-1:put_declared_schema",))
def _api_declared_schema(world, role, kind):
    pk = world.resources[kind].pk
    schema = {**SCHEMA, "description": "Relevés, version déclarée par l'API."}
    return api_client(world, role).put(f"/api/1/datastore/{pk}/declared-schema/",
                                       {"schema": schema}, content_type=JSON)


@write_action("api-member-add", "api", success=(201,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("api-1:add_member_view",))
def _api_member_add(world, role, kind):
    return api_client(world, role).post(f"/api/1/organisations/{world.org_a.slug}/members/",
                                        {"user": "t-outsider", "role": "admin"},
                                        content_type=JSON)


@write_action("api-member-role", "api", success=(200,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("api-1:set_member_role_view",))
def _api_member_role(world, role, kind):
    return api_client(world, role).patch(
        f"/api/1/organisations/{world.org_a.slug}/members/t-editor/", {"role": "admin"},
        content_type=JSON)


@write_action("api-token-create-with-token", "api", success=(201,), kinds=(None,),
              allowed=lambda role, kind: False, refusal=401,
              covers=("api-1:create_token",))
def _api_token_create_with_token(world, role, kind):
    # A token never mints another one: a leaked token must not outlive its revocation.
    return api_client(world, role).post("/api/1/tokens/", {"name": "Relais"},
                                        content_type=JSON)


# --- CKAN Action API --------------------------------------------------------------------------

@write_action("ckan-package_patch", "ckan", success=(200,),
              covers=("ckan:package_patch",))
def _ckan_package_patch(world, role, kind):
    return ckan_post(world, role, "package_patch", id=slug_of(kind), title="Titre changé")


@write_action("ckan-package_update", "ckan", success=(200,),
              covers=("ckan:package_update",))
def _ckan_package_update(world, role, kind):
    dataset = world.datasets[kind]
    return ckan_post(world, role, "package_update", id=ids.make(ids.DATASET, dataset.pk),
                     title="Titre changé", private=dataset.private, notes="Remplacé.")


@write_action("ckan-resource_create", "ckan", success=(200,),
              covers=("ckan:resource_create",))
def _ckan_resource_create(world, role, kind):
    return ckan_post(world, role, "resource_create", package_id=slug_of(kind),
                     url="https://example.org/annexe.pdf", name="Annexe")


@write_action("ckan-resource_patch", "ckan", success=(200,),
              covers=("ckan:resource_patch",))
def _ckan_resource_patch(world, role, kind):
    return ckan_post(world, role, "resource_patch",
                     id=ids.make(ids.RESOURCE, world.resources[kind].pk), name="Renommée")


@write_action("ckan-package_create", "ckan", success=(200,), kinds=(None,),
              covers=("ckan:package_create",))
def _ckan_package_create(world, role, kind):
    return ckan_post(world, role, "package_create", name="nouveau-jeu-confiance",
                     owner_org=world.org_a.slug, title="Nouveau jeu")


# --- More ways in ------------------------------------------------------------------------------

# Publishing in A's name: members of A and staff. An outsider (member of nothing) is refused
# the page; a member of B gets the form back, A not being among the organisations offered.
@write_action("html-dataset-create", "html", success=(302,), kinds=(None,),
              refusal={"anonymous": "login", "outsider": 403, "b_member": 200},
              covers=("catalog:dataset_create",))
def _html_dataset_create(world, role, kind):
    return post_form(world, role, "/publier/jeu-de-donnees/", {
        "organisation": world.org_a.pk, "title": "Nouveau jeu", "frequency": "unknown",
        "status": "draft"})


@write_action("api-dataset-create", "api", success=(201,), kinds=(None,),
              covers=("api-1:create_dataset",))
def _api_dataset_create(world, role, kind):
    return api_client(world, role).post("/api/1/datasets/", {
        "organisation": world.org_a.slug, "title": "Nouveau jeu"}, content_type=JSON)


@write_action("api-resource-delete", "api", success=(204,),
              covers=("api-1:delete_resource",))
def _api_resource_delete(world, role, kind):
    pk = world.resources[kind].pk
    return api_client(world, role).delete(f"/api/1/datasets/{slug_of(kind)}/resources/{pk}/")


@write_action("api-declared-schema-delete", "api", success=(204,),
              covers=("api-1:delete_declared_schema",))
def _api_declared_schema_delete(world, role, kind):
    pk = world.resources[kind].pk
    return api_client(world, role).delete(f"/api/1/datastore/{pk}/declared-schema/")


@write_action("html-declare-schema", "html", success=(302,), files=True,
              anonymous_as_others=True, covers=("datastore:declare_schema",))
def _html_declare_schema(world, role, kind):
    pk = world.resources[kind].pk
    schema = {**SCHEMA, "description": "Relevés, version déclarée sur la page."}
    return post_form(world, role, f"{dataset_path(kind)}ressources/{pk}/schema/",
                     {"schema": json.dumps(schema)})


@write_action("api-organisation-patch", "api", success=(200,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("api-1:update_organisation_view",))
def _api_organisation_patch(world, role, kind):
    return api_client(world, role).patch(f"/api/1/organisations/{world.org_a.slug}/",
                                         {"description": "Changée."}, content_type=JSON)


@write_action("api-member-remove", "api", success=(204,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("api-1:remove_member_view",))
def _api_member_remove(world, role, kind):
    return api_client(world, role).delete(
        f"/api/1/organisations/{world.org_a.slug}/members/t-editor/")


# --- The remaining producer forms: resource, organisation card, member role ---------------------

@write_action("html-resource-edit", "html", success=(302,), covers=("catalog:resource_edit",))
def _html_resource_edit(world, role, kind):
    pk = world.resources[kind].pk
    return post_form(world, role, f"{dataset_path(kind)}ressources/{pk}/modifier/",
                     {"title": "Renommée", "description": "", "format": "csv"})


@write_action("html-organisation-edit", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("catalog:organisation_edit",))
def _html_organisation_edit(world, role, kind):
    return post_form(world, role, f"/organisations/{world.org_a.slug}/modifier/", {
        "name": "Ville de Trust", "type": world.org_a.type, "description": "Changée."})


@write_action("html-member-role", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("catalog:member_role",))
def _html_member_role(world, role, kind):
    membership = Membership.objects.get(organisation=world.org_a, user=world.users["editor"])
    return post_form(world, role, f"/organisations/{world.org_a.slug}/membres/"
                                  f"{membership.pk}/role/", {"role": "admin"})


# Membership requests: A's administrators and staff decide the outsider's pending one;
# anybody signed in who is not a member asks to join (the outsider has asked already: 400;
# A's members are sent back to the organisation's page, nothing changed).
def _pending_request(world: World):
    return MembershipRequest.objects.get(organisation=world.org_a, user=world.users["outsider"],
                                         status=MembershipRequest.Status.PENDING)


@write_action("html-request-accept", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("catalog:request_accept",))
def _html_request_accept(world, role, kind):
    pk = _pending_request(world).pk
    return post_form(world, role, f"/organisations/{world.org_a.slug}/demandes/{pk}/accepter/",
                     {"role": "editor"})


@write_action("html-request-refuse", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in MANAGES_MEMBERS_OF_A,
              covers=("catalog:request_refuse",))
def _html_request_refuse(world, role, kind):
    pk = _pending_request(world).pk
    return post_form(world, role, f"/organisations/{world.org_a.slug}/demandes/{pk}/refuser/",
                     {"reason": "Pas pour l'instant."})


@write_action("html-join", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in {"b_member", "staff"},
              refusal={"anonymous": "login", "outsider": 400, "editor": 302, "admin": 302},
              covers=("catalog:organisation_join",))
def _html_join(world, role, kind):
    return post_form(world, role, f"/organisations/{world.org_a.slug}/rejoindre/",
                     {"message": "Bonjour."})


# --- Programme applications: instruction (staff) and applying (the organisation's members) ---

def _next_status(world: World, kind: str) -> str:
    application = world.applications[kind]
    return world.programme.next_statuses(application.status)[0]


@write_action("api-application-move", "api", success=(200,), kinds=APPLICATIONS,
              roles=APPLICATION_ROLES, covers=("api-1:move_programme_application",))
def _api_application_move(world, role, kind):
    pk = world.applications[kind].pk
    return api_client(world, role).post(f"/api/1/programmes/applications/{pk}/moves/",
                                        {"to_status": _next_status(world, kind),
                                         "comment": "Instruit."}, content_type=JSON)


@write_action("html-application-move", "html", success=(302,), kinds=APPLICATIONS,
              roles=APPLICATION_ROLES, covers=("programmes:application_move",))
def _html_application_move(world, role, kind):
    pk = world.applications[kind].pk
    return post_form(world, role, f"/programmes/candidatures/{pk}/statut/",
                     {"to_status": _next_status(world, kind), "comment": "Instruit."})


@write_action("api-apply", "api", success=(201,), kinds=(None,),
              allowed=lambda role, kind: role in APPLIES_FOR_A,
              refusal={"anonymous": 401, "outsider": 403, "b_member": 403, "staff": 403,
                       "consultant": 403},
              roles=APPLICATION_ROLES, covers=("api-1:apply_to_call",))
def _api_apply(world, role, kind):
    # In A's name: staff instruct applications but never apply for an organisation.
    return api_client(world, role).post(
        f"/api/1/programmes/{PROGRAMME}/calls/{OPEN_CALL}/applications/",
        {"organisation": world.org_a.slug, "answers": {"projet": "Projet détourné"}},
        content_type=JSON)


# A signed-in person who is a member of nothing gets the call's page back with a message; a
# member of B the form back (A is not among the organisations offered).
@write_action("html-apply", "html", success=(302,), kinds=(None,),
              allowed=lambda role, kind: role in APPLIES_FOR_A,
              refusal={"anonymous": "login", "outsider": 200, "b_member": 400, "staff": 200,
                       "consultant": 200},
              roles=APPLICATION_ROLES, covers=("programmes:call",))
def _html_apply(world, role, kind):
    return post_form(world, role, f"/programmes/{PROGRAMME}/appels/{OPEN_CALL}/",
                     {"organisation": world.org_a.pk, "q_projet": "Projet détourné"})


# The accompaniment of B's retained application: staff assign (here: withdraw) its
# consultant; the consultant and staff record its steps.
def _step(world: World) -> dict:
    return {"on": timezone.localdate().isoformat(), "title": "Étape d'accompagnement",
            "notes": "Notes internes."}


@write_action("api-assign-consultant", "api", success=(200,), kinds=("application-b",),
              allowed=lambda role, kind: role == "staff", roles=APPLICATION_ROLES,
              covers=("api-1:assign_programme_consultant",))
def _api_assign_consultant(world, role, kind):
    pk = world.applications[kind].pk
    return api_client(world, role).post(f"/api/1/programmes/applications/{pk}/consultant/",
                                        {"consultant": None}, content_type=JSON)


@write_action("html-assign-consultant", "html", success=(302,), kinds=("application-b",),
              allowed=lambda role, kind: role == "staff", roles=APPLICATION_ROLES,
              covers=("programmes:application_assign",))
def _html_assign_consultant(world, role, kind):
    pk = world.applications[kind].pk
    return post_form(world, role, f"/programmes/candidatures/{pk}/consultant/",
                     {"consultant": ""})


@write_action("api-add-step", "api", success=(201,), kinds=("application-b",),
              roles=APPLICATION_ROLES, covers=("api-1:add_accompaniment_step",))
def _api_add_step(world, role, kind):
    pk = world.applications[kind].pk
    return api_client(world, role).post(f"/api/1/programmes/applications/{pk}/steps/",
                                        _step(world), content_type=JSON)


@write_action("html-add-step", "html", success=(302,), kinds=("application-b",),
              roles=APPLICATION_ROLES, covers=("programmes:application_step",))
def _html_add_step(world, role, kind):
    pk = world.applications[kind].pk
    return post_form(world, role, f"/programmes/candidatures/{pk}/etapes/", _step(world))


# --- What a write may change ------------------------------------------------------------------

def database_state(world: World) -> dict:
    """Everything the write actions may change, as plain values. Left out: what merely
    authenticating touches (a token's last use, a user's last sign-in, sessions)."""
    token_fields = ("id", "user_id", "name", "key_hash", "expires_at", "revoked_at")
    return {
        "datasets": list(Dataset.objects.order_by("pk").values()),
        "tags": sorted(Dataset.tags.through.objects.values_list("dataset_id", "tag__name")),
        "themes": sorted(Dataset.themes.through.objects.values_list("dataset_id", "theme_id")),
        "resources": list(Resource.objects.order_by("pk").values()),
        "activities": Activity.objects.count(),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "membership_requests": list(MembershipRequest.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "tokens": list(ApiToken.objects.order_by("pk").values(*token_fields)),
        "loads": list(Load.objects.order_by("pk").values("id", "status", "is_current")),
        "declared_schemas": list(DeclaredSchema.objects.order_by("pk")
                                 .values("id", "resource_id", "descriptor", "url")),
        "applications": list(Application.objects.order_by("pk").values()),
        "status_changes": StatusChange.objects.count(),
        "steps": list(AccompanimentStep.objects.order_by("pk").values()),
    }


def files_on_disk() -> set[Path]:
    """Every file of the uploads and the datastore: a refused write leaves none behind."""
    found = set()
    for root in (Path(settings.MEDIA_ROOT), Path(settings.DATASTORE_DIR)):
        if root.exists():
            found |= {p for p in root.rglob("*") if p.is_file()}
    return found


def expected_refusal(action: WriteAction, role: str, kind: str | None) -> object:
    if isinstance(action.refusal, dict):
        return action.refusal[role]
    if action.refusal is not None:
        return action.refusal
    refusals = REFUSALS[action.surface]
    if role == "anonymous" and not action.anonymous_as_others:
        return refusals["anonymous"]
    return refusals["visible" if kind is None or sees(role, kind) else "hidden"]


CELLS = [(role, kind, name) for name, action in WRITE_ACTIONS.items()
         for kind in action.kinds for role in action.roles]
