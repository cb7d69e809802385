"""Producer pages: create, edit and delete datasets and their resources.

Every change goes through `catalog/services.py`, which checks permissions (PermissionDenied
becomes the 403 page) and keeps the history; a `CatalogError` is shown on its form field.
"""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from datasud.catalog import services
from datasud.catalog.forms import DatasetForm, ResourceEditForm, ResourceForm
from datasud.catalog.models import Dataset, Organisation, Resource
from datasud.catalog.services import CatalogError
from datasud.intelligence import panel as suggestions

# Fields the services name in their errors that the forms call differently.
ERROR_FIELDS = {"territories": "communes", "organisation": "organisation"}


def add_catalog_error(form: forms.Form, error: CatalogError) -> None:
    """Show a service's error on the form field it names, or above the form."""
    name = ERROR_FIELDS.get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, str(error))


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def editable_dataset(request: HttpRequest, slug: str) -> Dataset:
    """The dataset `slug` if the user may change it; 404 if they may not even see it."""
    dataset = get_object_or_404(
        Dataset.objects.visible_to(request.user).select_related("organisation"), slug=slug
    )
    if not Dataset.objects.editable_by(request.user).filter(pk=dataset.pk).exists():
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce jeu de données."))
    return dataset


@login_required
def dataset_create(request: HttpRequest) -> HttpResponse:
    if not Organisation.objects.publishable_by(request.user).exists():
        raise PermissionDenied(_("Vous n'êtes membre d'aucune organisation productrice."))
    if suggestions.wants_suggestions(request):
        form, panel = suggestions.form_with_suggestions(request, DatasetForm, user=request.user)
        return render(request, "catalog/dataset_form.html",
                      {"form": form, "dataset": None, "suggestions": panel})
    suggestions.warm_up()
    form = DatasetForm(_posted(request), user=request.user,
                       initial={"organisation": request.GET.get("organisation")})
    if form.is_valid():
        try:
            dataset = services.create_dataset(request.user, form.cleaned_data["organisation"],
                                              **form.dataset_fields(), **form.relations())
        except CatalogError as error:
            add_catalog_error(form, error)
        else:
            messages.success(request, _("Le jeu de données a été créé. Ajoutez-lui maintenant "
                                        "ses ressources (fichiers ou liens)."))
            return redirect("catalog:resource_add", dataset.slug)
    return render(request, "catalog/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The metadata form. A harvested dataset belongs to its source: producers see it
    read-only, with the source named; the DataSud team may change it, warned that the next
    harvest puts the source's version back."""
    dataset = editable_dataset(request, slug)
    source = services.harvest_source_name(dataset)
    read_only = source is not None and not request.user.is_staff
    context = {"dataset": dataset, "harvest_source": source, "read_only": read_only}
    if read_only:
        form = DatasetForm(user=request.user, dataset=dataset)
        for field in form.fields.values():
            field.disabled = True
        if request.method != "POST":
            return render(request, "catalog/dataset_form.html", {**context, "form": form})
        try:
            services.check_not_harvested(request.user, dataset)
        except CatalogError as error:
            context["refusal"] = str(error)
        return render(request, "catalog/dataset_form.html", {**context, "form": form},
                      status=409)
    if suggestions.wants_suggestions(request):
        form, panel = suggestions.form_with_suggestions(request, DatasetForm, user=request.user,
                                                        dataset=dataset)
        return render(request, "catalog/dataset_form.html",
                      {**context, "form": form, "suggestions": panel})
    suggestions.warm_up()
    form = DatasetForm(_posted(request), user=request.user, dataset=dataset)
    if form.is_valid():
        try:
            services.update_dataset(request.user, dataset, **form.dataset_fields(),
                                    organisation=form.cleaned_data["organisation"],
                                    **form.relations(), force=True)
        except CatalogError as error:
            add_catalog_error(form, error)
        else:
            messages.success(request, _("Les modifications ont été enregistrées."))
            return redirect(dataset)
    return render(request, "catalog/dataset_form.html", {**context, "form": form})


@login_required
def dataset_delete(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    if request.method == "POST":
        organisation = dataset.organisation
        services.delete_dataset(request.user, dataset)
        messages.success(request, _("Le jeu de données « %(title)s » a été supprimé.")
                         % {"title": dataset.title})
        return redirect(organisation)
    return render(request, "catalog/confirm_delete.html", {
        "dataset": dataset, "object_title": dataset.title, "cancel_url": dataset.get_absolute_url(),
        "warning": _("Le jeu de données, ses %(count)s ressources et son historique seront "
                     "supprimés définitivement.") % {"count": dataset.resources.count()},
    })


def _resource(dataset: Dataset, pk: int) -> Resource:
    return get_object_or_404(Resource, pk=pk, dataset=dataset)


@login_required
def resource_add(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    # Reading request.FILES streams the upload through the size limit of
    # catalog.middleware: a file too big ends as the 413 page before anything is stored.
    files = request.FILES if request.method == "POST" else None
    form = ResourceForm(_posted(request), files,
                        max_size=filesizeformat(settings.DATASUD_MAX_UPLOAD_SIZE))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_resource(request.user, dataset, title=data["title"],
                                  description=data["description"], upload=data["file"],
                                  url=data["url"], format=data["format"])
        except CatalogError as error:
            add_catalog_error(form, error)
        else:
            messages.success(request, _("La ressource a été ajoutée."))
            return redirect(f"{dataset.get_absolute_url()}#ressources")
    return render(request, "catalog/resource_form.html", {
        "form": form, "dataset": dataset, "resource": None,
    })


@login_required
def resource_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    resource = _resource(dataset, pk)
    form = ResourceEditForm(_posted(request), resource=resource)
    if form.is_valid():
        try:
            services.update_resource(request.user, resource, **form.cleaned_data)
        except CatalogError as error:
            add_catalog_error(form, error)
        else:
            messages.success(request, _("La ressource a été modifiée."))
            return redirect(f"{dataset.get_absolute_url()}#ressources")
    return render(request, "catalog/resource_form.html", {
        "form": form, "dataset": dataset, "resource": resource,
    })


@login_required
def resource_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    resource = _resource(dataset, pk)
    if request.method == "POST":
        services.delete_resource(request.user, resource)
        messages.success(request, _("La ressource « %(title)s » a été supprimée.")
                         % {"title": resource.title})
        return redirect(f"{dataset.get_absolute_url()}#ressources")
    return render(request, "catalog/confirm_delete.html", {
        "dataset": dataset, "object_title": resource.title,
        "cancel_url": f"{dataset.get_absolute_url()}#ressources",
        "warning": _("La ressource sera retirée du jeu de données ; un fichier déposé sera "
                     "effacé."),
    })
