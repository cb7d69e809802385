"""Organisation pages: the list of producers and partners, each organisation's page, and
the forms to create (DataSud team) and edit (its administrators and the team) one. Its
members are managed on the pages of `accounts/views/members.py`."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from datasud.accounts.membership_requests import pending_request_of, pending_requests
from datasud.accounts.models import Membership
from datasud.catalog.forms import OrganisationForm
from datasud.catalog.models import Dataset, Organisation, Reuse
from datasud.catalog.organisations import create_organisation, update_organisation
from datasud.catalog.services import CatalogError
from datasud.web.pagination import paginate

from .editing import add_catalog_error

ORGANISATIONS_PER_PAGE = 30
DATASETS_PER_PAGE = 20


def organisation_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    partners_only = request.GET.get("partenaires") == "1"
    # Archived datasets are left out, as in search and the key figures: an organisation
    # whose datasets are all archived publishes nothing any more.
    organisations = Organisation.objects.annotate(
        public_count=Count("datasets",
                           filter=Q(datasets__in=Dataset.objects.public().active()))
    ).order_by("name")
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    if partners_only:
        organisations = organisations.partners()
    page, links = paginate(request, organisations, ORGANISATIONS_PER_PAGE)
    return render(request, "catalog/organisation_list.html", {
        "page": page, "pagination": links, "q": q, "partners_only": partners_only,
    })


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("territory"),
                                     slug=slug)
    user = request.user
    # Members of the organisation and staff: the same people who may publish in its name.
    is_insider = Organisation.objects.publishable_by(user).filter(pk=organisation.pk).exists()
    # Maintained datasets first, archived ones (kept for the record) after them.
    datasets = (Dataset.objects.visible_to(user).filter(organisation=organisation)
                .select_related("organisation", "licence").prefetch_related("resources")
                .order_by(F("archived_at").desc(nulls_first=True), "-modified_at", "-id"))
    page, links = paginate(request, datasets, DATASETS_PER_PAGE)
    reuses = Reuse.objects.visible_to(user)
    members = (Membership.objects.filter(organisation=organisation).select_related("user")
               .order_by("role", "user__username")) if is_insider else None
    can_administer = Organisation.objects.administered_by(user).filter(
        pk=organisation.pk).exists()
    is_member = user.is_authenticated and organisation.memberships.filter(user=user).exists()
    return render(request, "catalog/organisation_detail.html", {
        "organisation": organisation,
        "is_insider": is_insider,
        "page": page,
        "pagination": links,
        # Said under the heading: the organisations list counts maintained datasets only.
        "archived_count": datasets.filter(archived_at__isnull=False).count(),
        "own_reuses": reuses.filter(organisation=organisation),
        "reuses_of_data": reuses.filter(datasets__organisation=organisation)
        .exclude(organisation=organisation).distinct(),
        "members": members,
        "can_administer": can_administer,
        "pending_count": pending_requests(organisation).count() if can_administer else 0,
        "is_member": is_member,
        "join_request": pending_request_of(user, organisation) if not is_member else None,
    })


def _posted_files(request: HttpRequest):
    # Reading request.FILES streams the upload through the size limit of
    # catalog.middleware: a file too big ends as the 413 page before anything is stored.
    if request.method != "POST":
        return None, None
    return request.POST, request.FILES


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    """The DataSud team registers a producer, then adds its first administrator."""
    if not request.user.is_staff:
        raise PermissionDenied(_("Seule l'équipe DataSud peut créer une organisation."))
    form = OrganisationForm(*_posted_files(request), user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                organisation = create_organisation(request.user, **form.organisation_fields())
            except CatalogError as error:
                add_catalog_error(form, error)
            else:
                messages.success(request, _("L'organisation a été créée. Ajoutez-lui "
                                            "maintenant son administrateur."))
                return redirect("catalog:organisation_members", organisation.slug)
    return render(request, "catalog/organisation_form.html", {
        "form": form, "organisation": None}, status=status)


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not Organisation.objects.administered_by(request.user).filter(
            pk=organisation.pk).exists():
        raise PermissionDenied(_("Vous n'administrez pas cette organisation."))
    form = OrganisationForm(*_posted_files(request), user=request.user,
                            organisation=organisation)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            old_logo = organisation.logo.name if organisation.logo else ""
            try:
                update_organisation(request.user, organisation, **form.organisation_fields())
            except CatalogError as error:
                add_catalog_error(form, error)
            else:
                if old_logo and old_logo != organisation.logo.name:
                    # The replaced or removed logo would otherwise stay on disk for ever.
                    storage = organisation.logo.storage
                    transaction.on_commit(lambda: storage.delete(old_logo))
                messages.success(request, _("Les modifications ont été enregistrées."))
                return redirect(organisation)
    return render(request, "catalog/organisation_form.html", {
        "form": form, "organisation": organisation}, status=status)
