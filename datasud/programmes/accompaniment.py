"""The accompaniment of retained applications (Coach Digital), no HTTP: staff assign a
consultant; the assigned consultant (or staff) records dated steps and starts and closes
the accompaniment through `services.move`.

Who may do what is decided here and nowhere else:
- assign or withdraw a consultant: staff, on a retained or in-progress application;
- record a step: staff or the consultant assigned to the application, while it is
  retained or in progress;
- read a step's notes and author: staff and the assigned consultant (`can_read_notes`);
  the applicant organisation's members see each step's date and title only.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .models import AccompanimentStep, Application, Consultant
from .services import ProgrammeError
from .workflow import ACCOMPANIED, label

MAX_TITLE = 200
MAX_NOTES = 5000


def consultant_of(user) -> Consultant | None:
    """The active consultant record of `user`, if any."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    return Consultant.objects.filter(user=user, is_active=True).first()


def can_accompany(user, application: Application) -> bool:
    """Staff, or the active consultant assigned to `application`."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return (
        user.is_staff or Application.objects.accompanied_by(user).filter(pk=application.pk).exists()
    )


def check_may_accompany(user, application: Application) -> None:
    """PermissionDenied unless `user` may record the steps of `application`."""
    if not can_accompany(user, application):
        raise PermissionDenied(
            _(
                "Seuls le consultant assigné et l'équipe de la Région "
                "notent les étapes de l'accompagnement."
            )
        )


def can_read_notes(user, application: Application) -> bool:
    """Whether `user` reads the notes and authors of `application`'s steps."""
    return can_accompany(user, application)


def available_consultants(programme):
    """The active consultants staff may assign to an application of `programme`."""
    return (
        Consultant.objects.filter(is_active=True, user__is_active=True)
        .filter(Q(programmes=None) | Q(programmes=programme))
        .distinct()
        .select_related("user", "organisation")
    )


def find_consultant(username: str) -> Consultant:
    """The active consultant whose account is `username`, or ProgrammeError."""
    found = (
        Consultant.objects.filter(
            is_active=True, user__is_active=True, user__username=(username or "").strip()
        )
        .select_related("user", "organisation")
        .first()
    )
    if found is None:
        raise ProgrammeError(_("« %s » n'est pas un consultant actif.") % username, "consultant")
    return found


def _check_accompanied(application: Application, field: str) -> None:
    if application.status not in ACCOMPANIED:
        raise ProgrammeError(
            _(
                "L'accompagnement concerne une candidature retenue ou en cours "
                "d'accompagnement ; celle-ci est « %s »."
            )
            % label(application.status),
            field,
        )


def check_may_assign(user, application: Application) -> None:
    """PermissionDenied unless `user` may assign a consultant to `application` (those who
    instruct it: staff). Pages and API ask it first, before reading any consultant."""
    if not Application.objects.instructable_by(user).filter(pk=application.pk).exists():
        raise PermissionDenied(_("Seule l'équipe de la Région assigne les consultants."))


def assign(user, application: Application, consultant: Consultant | None) -> Application:
    """Assign `consultant` to `application` (None withdraws the current one): staff only,
    on a retained or in-progress application, a consultant active for its programme. The
    consultant is told by e-mail once committed."""
    check_may_assign(user, application)
    with transaction.atomic():
        current = (
            Application.objects.select_for_update()
            .select_related("call__programme")
            .get(pk=application.pk)
        )
        _check_accompanied(current, "consultant")
        if consultant is not None and (
            not consultant.is_active or not consultant.works_on(current.call.programme)
        ):
            raise ProgrammeError(
                _("Ce consultant n'intervient pas sur le programme %s.")
                % current.call.programme.name,
                "consultant",
            )
        changed = current.consultant_id != (consultant.pk if consultant else None)
        current.consultant = consultant
        current.consultant_assigned_at = timezone.now() if consultant else None
        current.save(update_fields=["consultant", "consultant_assigned_at"])
        if consultant is not None and changed:
            notifications.on_assignment(current)
    application.consultant = current.consultant
    application.consultant_assigned_at = current.consultant_assigned_at
    return application


def record_step(
    user, application: Application, on, title: str, notes: str = ""
) -> AccompanimentStep:
    """Record a dated step of the accompaniment of `application`: staff or its assigned
    consultant, while it is retained or in progress. The date is neither in the future nor
    before the application; the title (shown to the applicant) is required."""
    check_may_accompany(user, application)
    if isinstance(on, str):
        try:
            on = dt.date.fromisoformat(on.strip())
        except ValueError:
            raise ProgrammeError(_("La date doit être au format AAAA-MM-JJ."), "on") from None
    if not isinstance(on, dt.date):
        raise ProgrammeError(_("La date est obligatoire."), "on")
    if on > timezone.localdate():
        raise ProgrammeError(_("La date d'une étape ne peut pas être dans le futur."), "on")
    if on < timezone.localtime(application.submitted_at).date():
        raise ProgrammeError(_("La date d'une étape ne peut pas précéder la candidature."), "on")
    title = " ".join((title or "").split())
    if not title:
        raise ProgrammeError(_("Le titre de l'étape est obligatoire."), "title")
    if len(title) > MAX_TITLE:
        raise ProgrammeError(_("Le titre dépasse %d caractères.") % MAX_TITLE, "title")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ProgrammeError(_("Les notes dépassent %d caractères.") % MAX_NOTES, "notes")
    with transaction.atomic():
        # The status read under the lock that moves take, not the caller's copy.
        current = Application.objects.select_for_update().get(pk=application.pk)
        _check_accompanied(current, "status")
        return AccompanimentStep.objects.create(
            application=current, on=on, title=title, notes=notes, by=user
        )
