"""E-mails about applications: the applicant organisation's members when its status
changes, the staff's programme mailbox (`settings.PROGRAMMES_NOTIFY_EMAILS`) on a new
submission, a consultant when an application is assigned to them.

Queued on commit through the task queue (a refused or rolled-back change sends nothing,
and a slow mail server never holds a request). Each recipient gets their own message, so
that no one learns another's address. The text names the organisation, the call, the
status and the date, with a link to the application's page: never the person who made
the change, nor the instructor's comment, nor the answers (they are behind the link, for
those allowed to read them).
"""

from __future__ import annotations

import functools
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

logger = logging.getLogger(__name__)


# --- Scheduling (called by the services, inside their transaction) ------------------------


def on_submission(application) -> None:
    """Tell the staff's programme mailbox about a new application, once committed."""
    if settings.PROGRAMMES_NOTIFY_EMAILS:
        _enqueue_on_commit("notify_submission", application.pk)


def on_status_change(change) -> None:
    """Tell the applicant organisation's members about a move, once committed."""
    _enqueue_on_commit("notify_status_change", change.pk)


def on_assignment(application) -> None:
    """Tell a consultant an application is assigned to them, once committed."""
    _enqueue_on_commit("notify_assignment", application.pk)


def _enqueue_on_commit(task_name: str, object_id: int) -> None:
    def enqueue() -> None:
        from . import tasks

        getattr(tasks, task_name).enqueue(object_id)

    # robust: a task queue that refuses the job is logged, it does not undo the change.
    transaction.on_commit(enqueue, robust=True)


# --- Sending (run by the tasks) -----------------------------------------------------------


def _in_site_language(send):
    """Render the whole message (dates, status labels) in the platform's language, whatever
    the language of the request whose commit ran the task."""

    @functools.wraps(send)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return send(*args, **kwargs)

    return wrapper


@_in_site_language
def send_status_change(change_id: int) -> int:
    """E-mail every active member of the applicant organisation about the move
    `change_id`; returns the number of messages sent."""
    from datasud.accounts.models import Membership

    from .models import StatusChange

    change = (
        StatusChange.objects.select_related(
            "application__call__programme", "application__organisation"
        )
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return 0
    application = change.application
    to = (
        Membership.objects.filter(organisation=application.organisation_id, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return _send(
        "status_changed",
        _context(application, at=change.at, status=change.get_to_status_display()),
        to,
    )


@_in_site_language
def send_submission(application_id: int) -> int:
    """E-mail the staff's programme mailbox about the new application `application_id`."""
    application = _application(application_id)
    if application is None:
        return 0
    return _send(
        "submitted",
        _context(application, at=application.submitted_at),
        settings.PROGRAMMES_NOTIFY_EMAILS,
    )


@_in_site_language
def send_assignment(application_id: int) -> int:
    """E-mail the consultant now assigned to `application_id` (if still active)."""
    application = _application(application_id)
    if (
        application is None
        or application.consultant is None
        or not application.consultant.is_active
        or not application.consultant.user.is_active
    ):
        return 0
    return _send(
        "consultant_assigned",
        _context(application, at=application.consultant_assigned_at),
        [application.consultant.user.email],
    )


def _application(application_id: int):
    from .models import Application

    return (
        Application.objects.select_related("call__programme", "organisation", "consultant__user")
        .filter(pk=application_id)
        .first()
    )


def _context(application, *, at, **extra) -> dict:
    return {
        "application": application,
        "call": application.call,
        "programme": application.call.programme,
        "organisation": application.organisation,
        "date": date_format(timezone.localtime(at or timezone.now()), "DATE_FORMAT"),
        "url": f"{settings.SITE_URL}{application.get_absolute_url()}",
        **extra,
    }


def render(name: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and text body of `programmes/emails/<name>`."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"programmes/emails/{name}_subject.txt", context).split())
    return subject, render_to_string(f"programmes/emails/{name}.txt", context)


def _send(name: str, context: dict, to) -> int:
    addresses = list(dict.fromkeys(a for a in to if a))
    if not addresses:
        return 0
    subject, body = render(name, context)
    messages = [EmailMessage(subject, body, None, [address]) for address in addresses]
    try:
        return get_connection().send_messages(messages) or 0
    except (smtplib.SMTPException, OSError):
        # The change is made anyway; the mail server's refusal is for the operators.
        logger.exception("Programme e-mail %s to %d recipient(s) not sent", name, len(addresses))
        return 0
