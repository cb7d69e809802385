"""Deleting one's own account (the right to erasure of the GDPR).

What goes: the account (username, e-mail, name, password hash), its memberships, requests
to join organisations, API tokens, and the reuses declared in the person's own name.
What stays: datasets, which belong to their organisation; reuses declared for an
organisation; the datasets' history, which keeps each change but no longer names the
person (it says "compte supprimé"). An organisation's last administrator must first name
another one, so that no organisation is left without anyone to manage it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from datasud.catalog import services
from datasud.catalog.models import Organisation, Reuse

from .emails import notify
from .errors import AccountError
from .models import ApiToken, Membership, MembershipRequest


@dataclass
class DeletionPlan:
    """What deleting the account would delete and keep, as the confirmation page shows."""

    memberships: list[Membership]
    token_count: int
    request_count: int
    personal_reuses: list[Reuse]
    kept_reuses: list[Reuse]
    # Organisations of which the person is the last administrator: deletion waits.
    sole_admin_of: list[Organisation] = field(default_factory=list)
    is_staff: bool = False

    @property
    def blocked(self) -> bool:
        return bool(self.sole_admin_of) or self.is_staff


def deletion_plan(user) -> DeletionPlan:
    memberships = list(Membership.objects.filter(user=user).select_related("organisation")
                       .order_by("organisation__name"))
    administered = [m.organisation for m in memberships if m.role == Membership.Role.ADMIN]
    others = set(Membership.objects.filter(organisation__in=administered,
                                           role=Membership.Role.ADMIN)
                 .exclude(user=user).values_list("organisation_id", flat=True))
    reuses = list(Reuse.objects.filter(owner=user).select_related("organisation")
                  .order_by("title"))
    return DeletionPlan(
        memberships=memberships,
        token_count=ApiToken.objects.filter(user=user).count(),
        request_count=MembershipRequest.objects.filter(user=user).count(),
        personal_reuses=[r for r in reuses if r.organisation_id is None],
        kept_reuses=[r for r in reuses if r.organisation_id is not None],
        sole_admin_of=[o for o in administered if o.pk not in others],
        is_staff=user.is_staff,
    )


@transaction.atomic
def delete_account(user) -> None:
    """Delete `user`'s account as `deletion_plan` describes it; `AccountError` when it
    must wait (last administrator of an organisation, DataSud team account)."""
    plan = deletion_plan(user)
    if plan.is_staff:
        raise AccountError("Le compte d'un membre de l'équipe DataSud se supprime depuis "
                           "l'administration, par un autre membre de l'équipe.")
    if plan.sole_admin_of:
        names = ", ".join(o.name for o in plan.sole_admin_of)
        raise AccountError(f"Vous êtes le dernier administrateur de : {names}. Nommez "
                           "d'abord un autre administrateur, ou demandez à l'équipe DataSud "
                           "de le faire.")
    for reuse in plan.personal_reuses:
        services.delete_reuse(user, reuse)  # its image file too, once committed
    # The history keeps each change but no longer names the person (the foreign key is
    # emptied with the account; catalog/signals.py marks the entries "compte supprimé").
    address, name = user.email, user.get_username()
    user.delete()
    transaction.on_commit(lambda: notify("account_deleted", {"username": name}, [address]))
