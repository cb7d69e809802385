"""Requests to join an organisation: a signed-in person asks, the organisation's
administrators (or the DataSud team) accept, choosing the role, or refuse.

Like `catalog/organisations.py`, whose `add_member` accepting goes through, these
functions check permissions and raise `CatalogError` or `PermissionDenied`; they e-mail the
administrators about a new request and the person about the decision.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from datasud.catalog.models import Organisation
from datasud.catalog.organisations import add_member, check_administers
from datasud.catalog.services import CatalogError

from .emails import notify
from .models import Membership, MembershipRequest

MESSAGE_MAX_LENGTH = 1000


def pending_requests(organisation: Organisation) -> QuerySet:
    return (MembershipRequest.objects.filter(organisation=organisation,
                                             status=MembershipRequest.Status.PENDING)
            .select_related("user").order_by("created_at", "id"))


def pending_request_of(user, organisation: Organisation) -> MembershipRequest | None:
    if not user.is_authenticated:
        return None
    return pending_requests(organisation).filter(user=user).first()


def _admin_addresses(organisation: Organisation) -> list[str]:
    admins = (Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN,
                                        user__is_active=True)
              .values_list("user__email", flat=True))
    addresses = list(admins)
    if not addresses:
        # An organisation nobody administers is the DataSud team's to look after.
        addresses = list(get_user_model().objects.filter(is_staff=True, is_active=True)
                         .values_list("email", flat=True))
    return addresses


@transaction.atomic
def request_membership(user, organisation: Organisation, message: str = "") -> MembershipRequest:
    """Ask to join `organisation`; its administrators are told by e-mail."""
    if not user.is_authenticated:
        raise PermissionDenied("Connectez-vous pour demander à rejoindre une organisation.")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise CatalogError(f"Le message ne doit pas dépasser {MESSAGE_MAX_LENGTH} caractères.",
                           "message")
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise CatalogError("Vous êtes déjà membre de cette organisation.")
    if pending_request_of(user, organisation) is not None:
        raise CatalogError("Votre demande est déjà en attente de réponse.")
    try:
        with transaction.atomic():
            request = MembershipRequest.objects.create(user=user, organisation=organisation,
                                                       message=message)
    except IntegrityError as error:  # the same request sent twice at once
        raise CatalogError("Votre demande est déjà en attente de réponse.") from error
    context = {"organisation": organisation, "requester": user, "message": message}
    addresses = _admin_addresses(organisation)
    transaction.on_commit(lambda: notify("membership_requested", context, addresses))
    return request


def _decide(user, request: MembershipRequest, status: str) -> None:
    check_administers(user, request.organisation)
    if request.status != MembershipRequest.Status.PENDING:
        raise CatalogError("Cette demande a déjà été traitée.")
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = user
    request.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def accept_request(user, request: MembershipRequest, role: str) -> Membership:
    """Make the requester a member with `role`; they are told by e-mail."""
    if role not in Membership.Role.values:
        raise CatalogError("Rôle inconnu.", "role")
    _decide(user, request, MembershipRequest.Status.ACCEPTED)
    existing = Membership.objects.filter(organisation=request.organisation,
                                         user=request.user).first()
    if existing is not None:  # added by hand in the meantime: nothing more to do
        return existing
    membership = add_member(user, request.organisation, request.user, role)
    context = {"organisation": request.organisation, "role": membership.get_role_display()}
    address = request.user.email
    transaction.on_commit(lambda: notify("membership_accepted", context, [address]))
    return membership


@transaction.atomic
def refuse_request(user, request: MembershipRequest, reason: str = "") -> None:
    """Refuse the request; the requester is told by e-mail, with the reason if given."""
    _decide(user, request, MembershipRequest.Status.REFUSED)
    context = {"organisation": request.organisation, "reason": (reason or "").strip()}
    address = request.user.email
    transaction.on_commit(lambda: notify("membership_refused", context, [address]))
