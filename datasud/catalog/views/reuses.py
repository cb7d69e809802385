"""Reuse pages: the list, each reuse's page, and the forms to declare, edit and delete one
(its author, members of its organisation, the DataSud team: the rules of the API)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from datasud.catalog import services
from datasud.catalog.forms import ReuseEditForm, ReuseForm
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
    can_edit = Reuse.objects.editable_by(request.user).filter(pk=reuse.pk).exists()
    return render(request, "catalog/reuse_detail.html",
                  {"reuse": reuse, "datasets": datasets, "can_edit": can_edit})


def _datasets_by_slug(user, slugs: list[str]) -> list[Dataset]:
    found = (Dataset.objects.visible_to(user).filter(slug__in=slugs[:100])
             .select_related("organisation").in_bulk(field_name="slug"))
    return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]


def _form_page(request: HttpRequest, form: ReuseForm, reuse: Reuse | None, **context):
    # The declaration form has always answered 200 with its errors (tests/web/test_reuses.py
    # relies on it); the newer edit form says 400, as the other new forms do.
    status = 400 if form.errors and reuse is not None else 200
    return render(request, "catalog/reuse_form.html",
                  {"form": form, "reuse": reuse, "found": None, **context}, status=status)


def _make_form(user, reuse: Reuse | None, *args, **kwargs) -> ReuseForm:
    if reuse is None:
        return ReuseForm(*args, user=user, **kwargs)
    return ReuseEditForm(*args, user=user, reuse=reuse, **kwargs)


def _reuse_form(request: HttpRequest, reuse: Reuse | None) -> HttpResponse:
    """The form to declare (`reuse` None) or edit a reuse. Datasets are found with the
    search box of the form: "Chercher" posts the form back with the results as extra boxes
    to tick (no JavaScript needed), keeping what was typed and ticked; the other button
    saves."""
    user = request.user
    if request.method != "POST":
        if reuse is None:
            chosen = _datasets_by_slug(user, request.GET.getlist("jeu"))
            initial = {}
        else:
            chosen = list(Dataset.objects.visible_to(user).filter(reuses=reuse)
                          .select_related("organisation").order_by("title"))
            initial = ReuseEditForm.initial_for(reuse)
        initial["datasets"] = [d.slug for d in chosen]
        return _form_page(request, _make_form(user, reuse, dataset_choices=chosen,
                                              initial=initial), reuse)

    chosen = _datasets_by_slug(user, request.POST.getlist("datasets"))
    if request.POST.get("action") == "find":
        term = request.POST.get("dataset_search", "").strip()[:200]
        found = search_datasets(user, SearchQuery(q=term, page_size=DATASET_SEARCH_RESULTS),
                                facet_limit=0).datasets if term else []
        extra = [d for d in found if d not in chosen]
        initial = {name: request.POST.get(name, "") for name in TEXT_FIELDS}
        initial.update(datasets=[d.slug for d in chosen], dataset_search=term,
                       published=bool(request.POST.get("published")))
        if reuse is not None:
            initial["image"] = reuse.image
        form = _make_form(user, reuse, dataset_choices=chosen + extra, initial=initial)
        return _form_page(request, form, reuse, found=found, search_term=term)

    form = _make_form(user, reuse, request.POST, request.FILES, dataset_choices=chosen)
    if form.is_valid():
        try:
            if reuse is None:
                reuse = services.create_reuse(user, datasets=chosen, **form.reuse_fields())
                message = _("Merci ! Votre réutilisation a été publiée.")
            else:
                # The form lists only the datasets the editor may see; the service keeps
                # the others linked.
                services.update_reuse(user, reuse, datasets=chosen, **form.reuse_fields())
                message = _("Les modifications ont été enregistrées.")
        except CatalogError as error:
            add_catalog_error(form, error)
        else:
            messages.success(request, message)
            return redirect(reuse)
    return _form_page(request, form, reuse)


@login_required
def reuse_create(request: HttpRequest) -> HttpResponse:
    return _reuse_form(request, None)


def editable_reuse(request: HttpRequest, slug: str) -> Reuse:
    """The reuse `slug` if the user may change it (403); 404 if they may not even see it."""
    reuse = get_object_or_404(
        Reuse.objects.visible_to(request.user).select_related("organisation"), slug=slug)
    if not Reuse.objects.editable_by(request.user).filter(pk=reuse.pk).exists():
        raise PermissionDenied(_("Vous ne pouvez pas modifier cette réutilisation."))
    return reuse


@login_required
def reuse_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _reuse_form(request, editable_reuse(request, slug))


@login_required
def reuse_delete(request: HttpRequest, slug: str) -> HttpResponse:
    reuse = editable_reuse(request, slug)
    if request.method == "POST":
        services.delete_reuse(request.user, reuse)
        messages.success(request, _("La réutilisation « %(title)s » a été supprimée.")
                         % {"title": reuse.title})
        return redirect("catalog:reuses")
    return render(request, "catalog/reuse_confirm_delete.html", {"reuse": reuse})
