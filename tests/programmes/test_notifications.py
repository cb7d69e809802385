"""E-mails about applications (Django's locmem backend): the applicant organisation's
members on every status change, the staff's mailbox on a new submission (a setting, empty
by default), a consultant on an assignment; sent through the task queue once the change is
committed, one message per recipient, in French, with the link and nothing personal."""

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from datasud.accounts.models import Membership
from datasud.programmes import accompaniment, services

from .conftest import _user


def _notify(callbacks) -> None:
    """Run the e-mail callbacks queued on commit (not the indicators' republication, which
    has its own tests and would load a dataset into the datastore)."""
    for callback in callbacks:
        if callback.__qualname__.startswith("_enqueue_on_commit"):
            callback()


def test_members_are_told_of_a_status_change_each_in_their_own_message(
    open_call,
    company,
    applicant,
    answers,
    instructor,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.SITE_URL = "https://datasud.example"
    colleague = _user("colleague", company)
    gone = _user("gone", company, is_active=False)
    application = services.apply(applicant, open_call, company, answers)
    with django_capture_on_commit_callbacks() as callbacks:
        services.move(
            instructor, application, "under_review", "Commentaire interne de l'instructeur"
        )
    assert not mailoutbox  # nothing before the commit
    with translation.override("en"):  # a request in English: the e-mail stays French
        _notify(callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == [applicant.email, colleague.email]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mailoutbox)
    message = mailoutbox[0]
    assert message.subject == "Votre candidature « Accompagnement » : En cours d'examen"
    assert (
        "La candidature de « Boulangerie Durance » à l'appel « Accompagnement » du "
        "programme Coach Digital est passée au statut « En cours d'examen »" in message.body
    )
    with translation.override("fr"):
        today = date_format(timezone.localtime(), "DATE_FORMAT")  # "29 novembre 2026"
    assert f"« En cours d'examen » le {today}." in message.body
    assert f"https://datasud.example/programmes/candidatures/{application.pk}/" in message.body
    for private in ("instructor", "Commentaire interne", "Site vitrine", gone.email, "&#x27;"):
        assert private not in message.body and private not in message.subject


def test_a_refused_or_rolled_back_move_sends_nothing(
    open_call,
    company,
    applicant,
    answers,
    instructor,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = services.apply(applicant, open_call, company, answers)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(services.ProgrammeError):
            services.move(instructor, application, "completed")
        with pytest.raises(RuntimeError), transaction.atomic():
            services.move(instructor, application, "under_review")
            raise RuntimeError("rolled back")
    _notify(callbacks)
    assert not mailoutbox


def test_staff_are_told_of_new_submissions_only_when_configured(
    open_call,
    company,
    rival,
    applicant,
    rival_member,
    answers,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.apply(applicant, open_call, company, answers)
    _notify(callbacks)
    assert not mailoutbox  # default: nobody

    settings.PROGRAMMES_NOTIFY_EMAILS = ["programmes@region.example", "coach@region.example"]
    with django_capture_on_commit_callbacks() as callbacks:
        application = services.apply(rival_member, open_call, rival, {"projet": "x"})
    _notify(callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coach@region.example",
        "programmes@region.example",
    ]
    assert mailoutbox[0].subject == "Nouvelle candidature de « Menuiserie Rivale » (Coach Digital)"
    assert f"/programmes/candidatures/{application.pk}/" in mailoutbox[0].body
    assert "rivalmember" not in mailoutbox[0].body


def test_the_consultant_is_told_of_an_assignment(
    accepted, consultant, instructor, mailoutbox, django_capture_on_commit_callbacks
):
    Membership.objects.filter(organisation=accepted.organisation).delete()
    with django_capture_on_commit_callbacks() as callbacks:
        accompaniment.assign(instructor, accepted, consultant)
    _notify(callbacks)
    [message] = mailoutbox
    assert message.to == [consultant.user.email]
    assert message.subject == "Accompagnement à démarrer : « Boulangerie Durance »"
    assert "/programmes/candidatures/accompagnement/" in message.body
