"""Domain operations of the programmes, no HTTP: apply to a call, move an application
through its programme's workflow, report a place's yearly activity.

Errors: `ProgrammeError` (a `CatalogError`, so every edge turns it into a 400 with the
field), `PermissionDenied` (403). Every change is one transaction; a refused one changes
nothing.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from datasud.accounts.scopes import memberships_of
from datasud.catalog.models import Organisation
from datasud.catalog.services import CatalogError

from . import notifications
from .models import (
    ActivityReport,
    ApplicantKind,
    ApplicantProfile,
    Application,
    Call,
    Place,
    StatusChange,
)
from .questions import AnswerError, clean_answers
from .workflow import CONSULTANT_MOVES, INITIAL, label

MAX_COUNT = 10_000_000  # more people than the region has: a typing error
MAX_COMMENT = 2000


class ProgrammeError(CatalogError):
    """Input a programme cannot accept (closed call, ineligible applicant, invalid move...)."""


def is_member(user, organisation: Organisation) -> bool:
    # memberships_of: only the token's organisation, for a request with a restricted token.
    return bool(user and user.is_authenticated and user.is_active) and \
        memberships_of(user).filter(organisation=organisation).exists()


def applicant_organisations(user):
    """The organisations in whose name `user` may apply (those they are a member of)."""
    if not (user and user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def check_eligible(call: Call, organisation: Organisation, now=None) -> str:
    """The applicant kind of `organisation`, or ProgrammeError saying why it may not apply
    to `call` now."""
    now = now or timezone.now()
    if now < call.opens_at:
        raise ProgrammeError(_("Cet appel ouvre le %s : les candidatures ne sont pas encore "
                               "acceptées.") % date_format(timezone.localtime(call.opens_at),
                                                           "DATETIME_FORMAT"), "call")
    if call.closes_at is not None and now >= call.closes_at:
        raise ProgrammeError(_("Cet appel est clos depuis le %s : il n'accepte plus de "
                               "candidatures.") % date_format(timezone.localtime(call.closes_at),
                                                              "DATETIME_FORMAT"), "call")
    kind = ApplicantProfile.kind_of(organisation)
    if kind not in call.eligible_kinds:
        raise ProgrammeError(
            _("« %(org)s » (%(kind)s) n'est pas éligible à cet appel, réservé à : %(allowed)s.")
            % {"org": organisation.name, "kind": ApplicantKind(kind).label,
               "allowed": ", ".join(call.eligible_kind_labels())}, "organisation")
    return kind


def apply(user, call: Call, organisation: Organisation, answers: dict) -> Application:
    """Submit the application of `organisation` to `call`, in the name of `user`, one of its
    members. Refused: closed or not yet open call, ineligible applicant kind, a second
    application of the same organisation to the same call, answers that do not fit the
    call's form."""
    if not is_member(user, organisation):
        raise PermissionDenied(_("Seuls les membres de l'organisation peuvent candidater en "
                                 "son nom."))
    kind = check_eligible(call, organisation)
    try:
        cleaned = clean_answers(call.questions, answers or {})
    except AnswerError as error:
        raise ProgrammeError(str(error), f"answers.{error.field}") from error
    if Application.objects.filter(call=call, organisation=organisation).exists():
        raise ProgrammeError(_("« %s » a déjà candidaté à cet appel.") % organisation.name,
                             "organisation")
    now = timezone.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call, organisation=organisation, applicant_kind=kind, status=INITIAL,
                answers=cleaned, submitted_by=user, submitted_at=now, status_changed_at=now)
            StatusChange.objects.create(application=application, from_status="",
                                        to_status=INITIAL, by=user, at=now)
            notifications.on_submission(application)
    except IntegrityError:  # two submissions at once: the constraint decides
        raise ProgrammeError(_("« %s » a déjà candidaté à cet appel.") % organisation.name,
                             "organisation") from None
    return application


def allowed_moves(user, application: Application) -> list[str]:
    """The statuses `user` may move `application` to now (what the page offers): every
    move of the workflow for staff, starting and closing the accompaniment for its
    consultant, none for others. `move` applies the same rule under a lock."""
    allowed = application.programme.next_statuses(application.status)
    if Application.objects.instructable_by(user).filter(pk=application.pk).exists():
        return allowed
    if Application.objects.accompanied_by(user).filter(pk=application.pk).exists():
        return [s for s in allowed if s in CONSULTANT_MOVES.get(application.status, [])]
    return []


def move(user, application: Application, to_status: str, comment: str = "") -> Application:
    """Move `application` to `to_status`, if its programme's workflow allows that move from
    the current status; the move is written to its history and the applicant organisation's
    members are told by e-mail once it is committed. Staff make every move; the assigned
    consultant only starts and closes the accompaniment (`workflow.CONSULTANT_MOVES`)."""
    is_staff = Application.objects.instructable_by(user).filter(pk=application.pk).exists()
    if not is_staff and not Application.objects.accompanied_by(user).filter(
            pk=application.pk).exists():
        raise PermissionDenied(_("Seule l'équipe de la Région instruit les candidatures."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ProgrammeError(_("Le commentaire dépasse %d caractères.") % MAX_COMMENT,
                             "comment")
    with transaction.atomic():
        # Locked, so that two instructors moving it at once cannot both pass the check.
        current = Application.objects.select_for_update().select_related(
            "call__programme").get(pk=application.pk)
        programme = current.call.programme
        allowed = programme.next_statuses(current.status)
        if to_status not in allowed:
            if allowed:
                message = _("Passage impossible de « %(from)s » à « %(to)s » ; possibles : "
                            "%(allowed)s.") % {"from": label(current.status),
                                               "to": label(to_status),
                                               "allowed": ", ".join(map(label, allowed))}
            else:
                message = _("La candidature est « %s » : son instruction est terminée.") \
                    % label(current.status)
            raise ProgrammeError(message, "status")
        if not is_staff and to_status not in CONSULTANT_MOVES.get(current.status, []):
            raise PermissionDenied(_("Le consultant démarre et termine l'accompagnement ; "
                                     "les autres décisions reviennent à l'équipe de la "
                                     "Région."))
        now = timezone.now()
        change = StatusChange.objects.create(application=current, from_status=current.status,
                                             to_status=to_status, by=user, at=now,
                                             comment=comment)
        current.status = to_status
        current.status_changed_at = now
        current.save(update_fields=["status", "status_changed_at"])
        notifications.on_status_change(change)
    application.status, application.status_changed_at = current.status, now
    return application


def can_report(user, place: Place) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_staff or (place.organisation_id is not None
                             and is_member(user, place.organisation))


def _count(name: str, value) -> int:
    labels = {"business_owners": _("chefs d'entreprise"), "job_seekers": _("demandeurs "
              "d'emploi"), "citizens": _("citoyens")}
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ProgrammeError(_("Le nombre de %s doit être un nombre entier.") % labels[name],
                             name) from None
    if number < 0:
        raise ProgrammeError(_("Le nombre de %s ne peut pas être négatif.") % labels[name],
                             name)
    if number > MAX_COUNT:
        raise ProgrammeError(_("Le nombre de %s est invraisemblable (plus de %d).")
                             % (labels[name], MAX_COUNT), name)
    return number


def report_activity(user, place: Place, year, *, business_owners, job_seekers, citizens,
                    is_demo: bool = False) -> ActivityReport:
    """Record (or correct) what `place` did in `year`: staff, or a member of the
    organisation running the place. Counts are whole numbers ≥ 0; the year is past or
    current."""
    if not can_report(user, place):
        raise PermissionDenied(_("Seuls l'organisation gestionnaire du lieu et l'équipe de la "
                                 "Région déclarent son activité."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ProgrammeError(_("L'année doit être un nombre entier."), "year") from None
    if not 2000 <= year <= timezone.now().year:
        raise ProgrammeError(_("L'année doit être comprise entre 2000 et l'année en cours."),
                             "year")
    counts = {"business_owners": _count("business_owners", business_owners),
              "job_seekers": _count("job_seekers", job_seekers),
              "citizens": _count("citizens", citizens)}
    report, _created = ActivityReport.objects.update_or_create(
        place=place, year=year,
        defaults={**counts, "submitted_by": user, "submitted_at": timezone.now(),
                  "is_demo": is_demo})
    return report
