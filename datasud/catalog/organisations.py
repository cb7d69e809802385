"""Domain operations on organisations and their members, shared by the API, the pages and
the back-office. Like `services.py`, they check permissions and raise `CatalogError` or
`PermissionDenied`.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from datasud.accounts.models import Membership
from datasud.search import indexing

from .models import Organisation
from .services import CatalogError, unique_slug

STAFF_ONLY_FIELDS = {"partnership_signed_on"}


@transaction.atomic
def create_organisation(user, *, name: str, slug: str = "", **fields) -> Organisation:
    """Create an organisation; staff only (the region's team vets producers)."""
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied("Seule l'équipe DataSud peut créer une organisation.")
    name = (name or "").strip()
    if not name:
        raise CatalogError("Le nom est obligatoire.", "name")
    organisation = Organisation(name=name, **fields)
    organisation.slug = unique_slug(Organisation, slug or name)
    organisation.save()
    return organisation


def check_administers(user, organisation: Organisation) -> None:
    if not Organisation.objects.administered_by(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied("Vous n'administrez pas cette organisation.")


@transaction.atomic
def update_organisation(user, organisation: Organisation, **fields) -> Organisation:
    """Change the given fields; the partnership date is the DataSud team's to set."""
    check_administers(user, organisation)
    if STAFF_ONLY_FIELDS & set(fields) and not user.is_staff:
        raise PermissionDenied("Seule l'équipe DataSud enregistre les conventions.")
    for name, value in fields.items():
        setattr(organisation, name, value)
    if not (organisation.name or "").strip():
        raise CatalogError("Le nom est obligatoire.", "name")
    organisation.save()
    # The producer's name and acronym are searchable in each of its datasets.
    indexing.schedule_reindex(organisation.datasets.values_list("id", flat=True))
    return organisation


def _check_keeps_an_admin(user, membership: Membership) -> None:
    others = Membership.objects.filter(organisation=membership.organisation,
                                       role=Membership.Role.ADMIN).exclude(pk=membership.pk)
    if membership.role == Membership.Role.ADMIN and not user.is_staff and not others.exists():
        raise CatalogError("L'organisation doit garder au moins un administrateur.", "role")


@transaction.atomic
def add_member(user, organisation: Organisation, member, role: str) -> Membership:
    check_administers(user, organisation)
    if Membership.objects.filter(organisation=organisation, user=member).exists():
        raise CatalogError("Cette personne est déjà membre de l'organisation.", "user")
    return Membership.objects.create(organisation=organisation, user=member, role=role)


@transaction.atomic
def set_member_role(user, membership: Membership, role: str) -> Membership:
    check_administers(user, membership.organisation)
    if role != membership.role:
        _check_keeps_an_admin(user, membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(user, membership: Membership) -> None:
    check_administers(user, membership.organisation)
    _check_keeps_an_admin(user, membership)
    membership.delete()
