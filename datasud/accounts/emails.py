"""E-mails sent to people about their account and memberships.

Each e-mail is two templates, `accounts/emails/<name>_subject.txt` and
`accounts/emails/<name>.txt`, rendered with the platform's public address (`SITE_URL`, never
the request's Host header, which a client chooses) in the current language.
"""
from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class MailError(Exception):
    """The e-mail could not be handed to the mail server."""


def render_mail(name: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and the text body of the e-mail `name`."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"accounts/emails/{name}_subject.txt",
                                        context).split())
    return subject, render_to_string(f"accounts/emails/{name}.txt", context)


def deliver(name: str, context: dict, to: list[str]) -> None:
    """Send the e-mail `name` now; raise `MailError` if the mail server refuses it, for
    e-mails the person waits for (a confirmation link)."""
    subject, body = render_mail(name, context)
    try:
        send_mail(subject, body, None, to)
    except (smtplib.SMTPException, OSError) as error:
        logger.exception("E-mail %s to %d recipient(s) not sent", name, len(to))
        raise MailError(str(error)) from error


def notify(name: str, context: dict, to: list[str]) -> bool:
    """Send the notice `name` if there is anyone to send it to; a failure is logged, not
    raised, since the change it tells about has been made anyway."""
    to = [address for address in dict.fromkeys(to) if address]
    if not to:
        return False
    try:
        deliver(name, context, to)
    except MailError:
        return False
    return True
