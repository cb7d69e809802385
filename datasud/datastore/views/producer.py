"""What producers do from the resource page: reload it, declare its Table Schema.

Both are POST-only (with the CSRF token of the page's forms) and go through
`access.editable_resource`: a user who may see the dataset but not edit it gets 403, one
who may not see it 404.
"""
from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datasud.catalog.models import Resource

from .. import access, services
from ..errors import IngestError
from ..tableschema import SchemaError
from .forms import SchemaForm
from .page import page_url, render_page


def _editable(request: HttpRequest, slug: str, pk: int) -> Resource:
    resource = access.editable_resource(request.user, pk)
    if resource.dataset.slug != slug:
        raise Http404(access.RESOURCE_NOT_FOUND)
    return resource


@require_POST
def reload_resource(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    resource = _editable(request, slug, pk)
    if not services.is_tabular(resource):
        messages.error(request, _("Le format « %(format)s » ne peut pas être chargé dans "
                                  "l'entrepôt de données.")
                       % {"format": resource.format or _("inconnu")})
        return redirect(page_url(resource))
    try:
        load = services.request_load(resource, request.user)
    except IngestError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Chargement de la version %(number)s demandé : la "
                                    "version actuelle reste servie jusqu'à la fin.")
                         % {"number": load.number})
    return redirect(page_url(resource) + "#etat")


@require_POST
def declare_schema(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    resource = _editable(request, slug, pk)
    form = SchemaForm(request.POST)
    if form.is_valid():
        descriptor, url = form.cleaned_data["schema"], form.cleaned_data["url"]
        try:
            with transaction.atomic():
                services.declare_schema(resource, descriptor, url or "", request.user)
        except SchemaError as exc:
            form.add_error("url" if url else "schema", str(exc))
        except IngestError as exc:
            form.add_error("url" if url else "schema", exc.message)
        else:
            messages.success(request, _("Schéma enregistré : la ressource va être rechargée "
                                        "et validée contre lui."))
            return redirect(page_url(resource) + "#validation")
    return render_page(request, resource, schema_form=form, status=400)
