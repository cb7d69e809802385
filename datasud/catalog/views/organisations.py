"""Organisation pages: the list of producers and partners, and each organisation's page."""
from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from datasud.accounts.models import Membership
from datasud.catalog.models import Dataset, Organisation, Reuse
from datasud.web.pagination import paginate

ORGANISATIONS_PER_PAGE = 30
DATASETS_PER_PAGE = 20


def organisation_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    partners_only = request.GET.get("partenaires") == "1"
    organisations = Organisation.objects.annotate(
        public_count=Count("datasets", filter=Q(datasets__in=Dataset.objects.public()))
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
    datasets = (Dataset.objects.visible_to(user).filter(organisation=organisation)
                .select_related("organisation", "licence").prefetch_related("resources")
                .order_by("-modified_at", "-id"))
    page, links = paginate(request, datasets, DATASETS_PER_PAGE)
    reuses = Reuse.objects.visible_to(user)
    members = (Membership.objects.filter(organisation=organisation).select_related("user")
               .order_by("role", "user__username")) if is_insider else None
    return render(request, "catalog/organisation_detail.html", {
        "organisation": organisation,
        "is_insider": is_insider,
        "page": page,
        "pagination": links,
        "own_reuses": reuses.filter(organisation=organisation),
        "reuses_of_data": reuses.filter(datasets__organisation=organisation)
        .exclude(organisation=organisation).distinct(),
        "members": members,
    })
