"""An organisation's members page (its administrators and the DataSud team): add people,
change roles, remove, answer requests to join; and the page where a signed-in person asks
to join. The domain rules (last administrator, who may do what) are those of
`catalog/organisations.py` and `membership_requests.py`; every change is a POST."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datasud.catalog.models import Organisation
from datasud.catalog.organisations import add_member, remove_member, set_member_role
from datasud.catalog.services import CatalogError

from ..forms import JoinRequestForm, MemberAddForm, MemberRoleForm, RefusalForm
from ..membership_requests import (
    accept_request,
    pending_request_of,
    pending_requests,
    refuse_request,
    request_membership,
)
from ..models import Membership, MembershipRequest


def administered_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation `slug` (404 if unknown) if the user administers it (403 if not)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not Organisation.objects.administered_by(request.user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("Vous n'administrez pas cette organisation."))
    return organisation


def _members_page(request: HttpRequest, organisation: Organisation, *,
                  add_form: MemberAddForm | None = None, error: str = "",
                  status: int = 200) -> HttpResponse:
    memberships = (Membership.objects.filter(organisation=organisation).select_related("user")
                   .order_by("role", "user__username"))
    return render(request, "accounts/members.html", {
        "organisation": organisation,
        "memberships": memberships,
        "requests": pending_requests(organisation),
        "add_form": add_form or MemberAddForm(),
        "roles": Membership.Role.choices,
        "refusal_form": RefusalForm(),
        "error": error,
    }, status=status)


def _done(request: HttpRequest, organisation: Organisation, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("catalog:organisation_members", organisation.slug)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    return _members_page(request, administered_organisation(request, slug))


@login_required
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        member = form.cleaned_data["user"]
        try:
            add_member(request.user, organisation, member, form.cleaned_data["role"])
        except CatalogError as error:
            form.add_error("user", str(error))
        else:
            return _done(request, organisation,
                         _("%(name)s est maintenant membre de l'organisation.")
                         % {"name": member.get_full_name() or member.get_username()})
    return _members_page(request, organisation, add_form=form, status=400)


def _membership(organisation: Organisation, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "organisation"),
                             pk=pk, organisation=organisation)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    membership = _membership(organisation, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, status=400,
                             error=_("Choisissez un rôle dans la liste."))
    try:
        set_member_role(request.user, membership, form.cleaned_data["role"])
    except CatalogError as error:
        return _members_page(request, organisation, error=str(error), status=400)
    return _done(request, organisation,
                 _("%(name)s est maintenant %(role)s.")
                 % {"name": membership.user.get_username(),
                    "role": membership.get_role_display().lower()})


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    membership = _membership(organisation, pk)
    try:
        remove_member(request.user, membership)
    except CatalogError as error:
        return _members_page(request, organisation, error=str(error), status=400)
    if membership.user == request.user and not request.user.is_staff:
        messages.success(request, _("Vous avez quitté l'organisation."))
        return redirect(organisation)
    return _done(request, organisation, _("%(name)s a été retiré de l'organisation.")
                 % {"name": membership.user.get_username()})


def _request(organisation: Organisation, pk: int) -> MembershipRequest:
    return get_object_or_404(MembershipRequest.objects.select_related("user", "organisation"),
                             pk=pk, organisation=organisation)


@login_required
@require_POST
def request_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    membership_request = _request(organisation, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, status=400,
                             error=_("Choisissez un rôle dans la liste."))
    try:
        accept_request(request.user, membership_request, form.cleaned_data["role"])
    except CatalogError as error:
        return _members_page(request, organisation, error=str(error), status=400)
    return _done(request, organisation, _("Demande acceptée : %(name)s est maintenant membre.")
                 % {"name": membership_request.user.get_username()})


@login_required
@require_POST
def request_refuse(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    membership_request = _request(organisation, pk)
    form = RefusalForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, status=400,
                             error=_("Le motif ne doit pas dépasser 1000 caractères."))
    try:
        refuse_request(request.user, membership_request, form.cleaned_data["reason"])
    except CatalogError as error:
        return _members_page(request, organisation, error=str(error), status=400)
    return _done(request, organisation, _("La demande de %(name)s a été refusée.")
                 % {"name": membership_request.user.get_username()})


@login_required
def join(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join the organisation (signed-in people who are not members)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    user = request.user
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        messages.info(request, _("Vous êtes déjà membre de cette organisation."))
        return redirect(organisation)
    pending = pending_request_of(user, organisation)
    form = JoinRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and pending is None:
        status = 400
        if form.is_valid():
            try:
                request_membership(user, organisation, form.cleaned_data["message"])
            except CatalogError as error:
                form.add_error("message" if error.field == "message" else None, str(error))
            else:
                messages.success(request, _("Votre demande a été envoyée aux administrateurs "
                                            "de l'organisation. Vous recevrez leur réponse "
                                            "par courriel."))
                return redirect(organisation)
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/join.html", {
        "organisation": organisation, "form": form, "pending": pending,
    }, status=status)
