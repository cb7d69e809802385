"""The quality dashboards: one per organisation, and the list of one's organisations.

For the organisation's members and staff only (`services.organisations_for`): the
dashboard lists drafts and private datasets, and the advice is for producers.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from datasud.catalog.models import Organisation
from datasud.web.pagination import paginate, url_with

from . import services

PER_PAGE = 50
# ?tri= values of the dashboard's table -> ordering (worst score first by default).
DATASET_SORTS = {
    "score": ("quality_score", "title", "id"),
    "-score": ("-quality_score", "title", "id"),
    "titre": ("title", "id"),
    "-titre": ("-title", "-id"),
    "modifie": ("modified_at", "id"),
    "-modifie": ("-modified_at", "-id"),
}
ORGANISATION_SORTS = {
    # Organisations without dataset have no average: last either way.
    "score": (F("average_score").asc(nulls_last=True), "name"),
    "-score": (F("average_score").desc(nulls_last=True), "name"),
    "nom": ("name",),
    "-nom": ("-name",),
    "jeux": ("dataset_count", "name"),
    "-jeux": ("-dataset_count", "name"),
}


def _sort_links(request: HttpRequest, current: str, columns: dict[str, str]) -> dict:
    """For each sortable column: the link that sorts by it (reversed if already sorted so),
    and its aria-sort state."""
    links = {}
    for column, key in columns.items():
        if current == key:
            target, state = f"-{key}", "ascending"
        elif current == f"-{key}":
            target, state = key, "descending"
        else:
            target, state = key, "none"
        links[column] = {"url": url_with(request, tri=target, page=None), "state": state}
    return links


@login_required
def organisation_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not services.organisations_for(request.user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            _("Ce tableau de bord est réservé aux membres de l'organisation et à l'équipe DataSud.")
        )
    sort = request.GET.get("tri", "score")
    sort = sort if sort in DATASET_SORTS else "score"
    datasets = (
        services.maintained_datasets(organisation)
        .order_by(*DATASET_SORTS[sort])
        .only("id", "title", "slug", "status", "private", "quality_score", "modified_at")
    )
    page, links = paginate(request, datasets, PER_PAGE)
    ids = [dataset.pk for dataset in page.object_list]
    reports = services.reports(ids)
    broken = services.broken_counts(ids)
    rows = [
        {"dataset": dataset, "report": reports.get(dataset.pk), "broken": broken.get(dataset.pk, 0)}
        for dataset in page.object_list
    ]
    return render(
        request,
        "quality/organisation_dashboard.html",
        {
            "organisation": organisation,
            "summary": services.summary(organisation),
            "rows": rows,
            "page": page,
            "pagination": links,
            "sort_links": _sort_links(
                request, sort, {"title": "titre", "score": "score", "modified": "modifie"}
            ),
        },
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("tri", "score")
    sort = sort if sort in ORGANISATION_SORTS else "score"
    organisations = services.organisation_rows(services.organisations_for(request.user))
    if request.user.is_staff:  # every organisation: those that publish something
        organisations = organisations.filter(dataset_count__gt=0)
    page, links = paginate(
        request, organisations.order_by(*ORGANISATION_SORTS[sort], "id"), PER_PAGE
    )
    broken = services.broken_links_by_organisation([o.pk for o in page.object_list])
    for organisation in page.object_list:
        organisation.broken_links = broken.get(organisation.pk, 0)
        if organisation.average_score is not None:
            organisation.average_score = round(organisation.average_score)
    return render(
        request,
        "quality/index.html",
        {
            "page": page,
            "pagination": links,
            "sort_links": _sort_links(
                request, sort, {"name": "nom", "score": "score", "datasets": "jeux"}
            ),
        },
    )
