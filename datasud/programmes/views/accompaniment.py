"""Pages of the accompaniment (Coach Digital): a consultant's list of the applications
assigned to them (and only those), the staff's assignment of a consultant, the steps the
consultant records. Rules in `accompaniment.py`; an application the person may not see
answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import accompaniment
from ..forms import AssignForm, StepForm
from ..models import Application
from ..services import ProgrammeError
from .applications import _move_form, _render_application, _visible_application


@login_required
def accompaniments(request: HttpRequest) -> HttpResponse:
    """ "Mes accompagnements": the applications assigned to the signed-in consultant."""
    applications = (
        Application.objects.accompanied_by(request.user)
        .select_related("call__programme", "organisation")
        .order_by("-consultant_assigned_at", "-id")
    )
    return render(
        request,
        "programmes/accompaniments.html",
        {
            "applications": applications,
            "is_consultant": accompaniment.consultant_of(request.user) is not None,
        },
    )


@login_required
@require_POST
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    accompaniment.check_may_assign(request.user, application)
    form = AssignForm(
        request.POST, consultants=accompaniment.available_consultants(application.programme)
    )
    if form.is_valid():
        try:
            accompaniment.assign(request.user, application, form.cleaned_data["consultant"])
        except ProgrammeError as error:
            form.add_error("consultant" if error.field == "consultant" else None, str(error))
        else:
            messages.success(
                request,
                _("Consultant assigné.")
                if application.consultant_id
                else _("Plus aucun consultant n'est assigné."),
            )
            return redirect(application.get_absolute_url())
    return _render_application(
        request, application, _move_form(request.user, application), status=400, assign_form=form
    )


@login_required
@require_POST
def application_step(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    accompaniment.check_may_accompany(request.user, application)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            accompaniment.record_step(request.user, application, **form.cleaned_data)
        except ProgrammeError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Étape enregistrée."))
            return redirect(application.get_absolute_url())
    return _render_application(
        request, application, _move_form(request.user, application), status=400, step_form=form
    )
