"""Pages of applicants and instructors: a call and its application form, "mes
candidatures" (one's own organisations' applications only), an application with its
history, the staff's instruction list and status moves, a place's activity report.

Every application is read through `Application.objects.visible_to(user)`: what a person
may not see answers 404, exactly like what does not exist.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from datasud.web.pagination import paginate

from .. import accompaniment, services
from ..forms import (
    AssignForm,
    MoveForm,
    ReportForm,
    StepForm,
    answers_of,
    application_form_class,
)
from ..models import Application, Call, Consultant, Place, Programme
from ..workflow import ACCOMPANIED, Status, label

APPLICATIONS_PER_PAGE = 30


def _show_error(form: Form, error: services.ProgrammeError) -> None:
    field = (error.field or "").replace("answers.", "q_")
    form.add_error(field if field in form.fields else None, str(error))


def call_detail(request: HttpRequest, slug: str, call: str) -> HttpResponse:
    """The call, and for a signed-in member of an organisation its application form
    (POST submits it through `services.apply`)."""
    found = get_object_or_404(Call.objects.select_related("programme"), programme__slug=slug,
                              slug=call)
    organisations = services.applicant_organisations(request.user)
    form = None
    if found.is_open() and organisations.exists():
        form_class = application_form_class(found, organisations)
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                application = services.apply(request.user, found,
                                             form.cleaned_data["organisation"],
                                             answers_of(form))
            except services.ProgrammeError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("Votre candidature est déposée."))
                return redirect(application.get_absolute_url())
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        messages.error(request, _("Cet appel n'accepte pas de candidature de votre part."))
    status = 400 if form is not None and form.errors else 200
    mine = (Application.objects.visible_to(request.user).filter(
        call=found, organisation__in=organisations) if organisations.exists()
        else Application.objects.none())
    return render(request, "programmes/call.html", {
        "call": found, "programme": found.programme, "form": form, "mine": mine,
        "organisations": organisations}, status=status)


def _login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    """The applications of the organisations the person is a member of (even for staff:
    the instruction list is elsewhere)."""
    applications = (Application.objects.visible_to(request.user)
                    .filter(organisation__memberships__user=request.user)
                    .select_related("call__programme", "organisation")
                    .prefetch_related("history").order_by("-submitted_at"))
    return render(request, "programmes/my_applications.html",
                  {"applications": applications})


@login_required
def instruction(request: HttpRequest) -> HttpResponse:
    """Staff: every application, filtered by programme and status."""
    if not request.user.is_staff:
        raise PermissionDenied(_("Réservé à l'équipe de la Région."))
    applications = (Application.objects.instructable_by(request.user)
                    .select_related("call__programme", "organisation",
                                    "consultant__user", "consultant__organisation")
                    .order_by("-status_changed_at", "-id"))
    programme = request.GET.get("programme", "")
    status = request.GET.get("status", "")
    if programme:
        applications = applications.filter(call__programme__slug=programme)
    if status in Status.values:
        applications = applications.filter(status=status)
    page, links = paginate(request, applications, APPLICATIONS_PER_PAGE)
    return render(request, "programmes/instruction.html", {
        "page": page, "pagination": links, "programmes": Programme.objects.all(),
        "statuses": Status.choices, "selected_programme": programme,
        "selected_status": status})


def _visible_application(request: HttpRequest, pk: int) -> Application:
    found = (Application.objects.visible_to(request.user)
             .select_related("call__programme", "organisation").filter(pk=pk).first())
    if found is None:
        raise Http404(_("Candidature introuvable."))
    return found


def _move_form(user, application: Application, data=None) -> MoveForm | None:
    choices = services.allowed_moves(user, application)
    if not choices:
        return None
    return MoveForm(data, choices=[(s, label(s)) for s in choices])


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    return _render_application(request, application, _move_form(request.user, application))


def _display(answer) -> str:
    if isinstance(answer, bool):
        return _("oui") if answer else _("non")
    if isinstance(answer, list):
        return ", ".join(map(str, answer))
    return str(answer)


def _render_application(request, application: Application, move_form, status: int = 200,
                        step_form=None, assign_form=None):
    answers = [(q.get("label", q["name"]), _display(application.answers[q["name"]]))
               for q in application.call.questions if q["name"] in application.answers]
    user = request.user
    open_accompaniment = application.status in ACCOMPANIED
    if step_form is None and open_accompaniment and accompaniment.can_accompany(
            user, application):
        step_form = StepForm(initial={"on": timezone.localdate()})
    if assign_form is None and open_accompaniment and user.is_staff:
        assign_form = AssignForm(
            initial={"consultant": application.consultant_id},
            consultants=accompaniment.available_consultants(application.programme))
    return render(request, "programmes/application.html", {
        "application": application, "answers": answers, "move_form": move_form,
        "history": application.history.select_related("by"),
        "show_people": user.is_staff,
        "consultant": (Consultant.objects.select_related("user", "organisation")
                       .filter(pk=application.consultant_id).first()),
        "steps": application.steps.select_related("by"),
        "show_notes": accompaniment.can_read_notes(user, application),
        "step_form": step_form, "assign_form": assign_form}, status=status)


@login_required
@require_POST
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    form = _move_form(request.user, application, request.POST)
    if form is None:
        if not (request.user.is_staff or Application.objects.accompanied_by(request.user)
                .filter(pk=pk).exists()):
            raise PermissionDenied(_("Seule l'équipe de la Région instruit les candidatures."))
        form = MoveForm(request.POST, choices=[])
    if form.is_valid():
        try:
            services.move(request.user, application, form.cleaned_data["to_status"],
                          form.cleaned_data["comment"])
        except services.ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Statut mis à jour : %s.") % label(application.status))
            return redirect(application.get_absolute_url())
    return _render_application(request, application, form, status=400)


@login_required
@require_POST
def place_report(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug)
    if not services.can_report(request.user, place):
        raise PermissionDenied(_("Seuls l'organisation gestionnaire du lieu et l'équipe de la "
                                 "Région déclarent son activité."))
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_activity(request.user, place, **form.cleaned_data)
        except services.ProgrammeError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Activité %s enregistrée.") % form.cleaned_data["year"])
            return redirect(place.get_absolute_url())
    from ..maps import build_map

    return render(request, "programmes/place.html", {
        "place": place, "reports": place.reports.order_by("-year"), "can_report": True,
        "report_form": form, "map": build_map(places=[place])}, status=400)
