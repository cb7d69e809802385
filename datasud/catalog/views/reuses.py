"""Reuse pages: the list, each reuse's page, and the form to declare one."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from datasud.catalog import services
from datasud.catalog.forms import ReuseForm
from datasud.catalog.models import Dataset, Reuse
from datasud.catalog.services import CatalogError
from datasud.search.services import SearchQuery, search_datasets
from datasud.web.pagination import paginate

from .editing import add_catalog_error

REUSES_PER_PAGE = 24
DATASET_SEARCH_RESULTS = 10
TEXT_FIELDS = ("title", "url", "type", "author_name", "organisation", "description")


def reuse_list(request: HttpRequest) -> HttpResponse:
    selected_type = request.GET.get("type", "")
    if selected_type not in Reuse.Type.values:
        selected_type = ""
    reuses = Reuse.objects.visible_to(request.user).annotate(
        dataset_count=Count("datasets",
                            filter=Q(datasets__in=Dataset.objects.visible_to(request.user)))
    ).order_by("-created_at", "-id")
    if selected_type:
        reuses = reuses.filter(type=selected_type)
    page, links = paginate(request, reuses, REUSES_PER_PAGE)
    return render(request, "catalog/reuse_list.html", {
        "page": page, "pagination": links, "types": Reuse.Type.choices,
        "selected_type": selected_type,
    })


def reuse_detail(request: HttpRequest, slug: str) -> HttpResponse:
    reuse = get_object_or_404(
        Reuse.objects.visible_to(request.user).select_related("organisation"), slug=slug
    )
    datasets = (Dataset.objects.visible_to(request.user).filter(reuses=reuse)
                .select_related("organisation").order_by("title"))
    return render(request, "catalog/reuse_detail.html", {"reuse": reuse, "datasets": datasets})


def _datasets_by_slug(user, slugs: list[str]) -> list[Dataset]:
    found = (Dataset.objects.visible_to(user).filter(slug__in=slugs[:100])
             .select_related("organisation").in_bulk(field_name="slug"))
    return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]


@login_required
def reuse_create(request: HttpRequest) -> HttpResponse:
    """Declare a reuse. Datasets are found with the search box of the form: "Chercher"
    posts the form back with the results as extra boxes to tick (no JavaScript needed),
    keeping what was typed and ticked; "Déclarer" saves."""
    user = request.user
    if request.method != "POST":
        chosen = _datasets_by_slug(user, request.GET.getlist("jeu"))
        form = ReuseForm(user=user, dataset_choices=chosen,
                         initial={"datasets": [d.slug for d in chosen]})
        return render(request, "catalog/reuse_form.html", {"form": form, "found": None})

    chosen = _datasets_by_slug(user, request.POST.getlist("datasets"))
    if request.POST.get("action") == "find":
        term = request.POST.get("dataset_search", "").strip()
        found = search_datasets(user, SearchQuery(q=term, page_size=DATASET_SEARCH_RESULTS),
                                facet_limit=0).datasets if term else []
        extra = [d for d in found if d not in chosen]
        initial = {name: request.POST.get(name, "") for name in TEXT_FIELDS}
        initial.update(datasets=[d.slug for d in chosen], dataset_search=term)
        form = ReuseForm(user=user, dataset_choices=chosen + extra, initial=initial)
        return render(request, "catalog/reuse_form.html", {
            "form": form, "found": found, "search_term": term,
        })

    form = ReuseForm(request.POST, request.FILES, user=user, dataset_choices=chosen)
    if form.is_valid():
        try:
            reuse = services.create_reuse(user, datasets=chosen, **form.reuse_fields())
        except CatalogError as error:
            add_catalog_error(form, error)
        else:
            messages.success(request, _("Merci ! Votre réutilisation a été publiée."))
            return redirect(reuse)
    return render(request, "catalog/reuse_form.html", {"form": form, "found": None})
