"""Coach Digital's accompaniment: staff assign a consultant to a retained application; the
consultant sees the applications assigned to them and only those, records dated steps
(notes for staff and the consultant, date and title for the applicant) and starts and
closes the accompaniment; nobody else does any of it, on pages, in the API or through the
services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from datasud.programmes import accompaniment, indicators, services
from datasud.programmes.models import AccompanimentStep, Application, Consultant
from datasud.programmes.services import ProgrammeError

API = "/api/1/programmes/applications/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assigned(accepted, consultant, instructor):
    return accompaniment.assign(instructor, accepted, consultant)


# --- Who sees what ------------------------------------------------------------------------


def test_a_consultant_sees_only_the_applications_assigned_to_them(
    accepted, rival_accepted, consultant, instructor, applicant, client_as
):
    user = consultant.user
    assert not Application.objects.visible_to(user).exists()
    accompaniment.assign(instructor, accepted, consultant)
    assert list(Application.objects.visible_to(user)) == [accepted]
    assert list(Application.objects.accompanied_by(user)) == [accepted]

    link = reverse("programmes:accompaniments")
    assert link in _signed_in(user).get(reverse("programmes:index")).text
    assert link not in _signed_in(applicant).get(reverse("programmes:index")).text
    page = _signed_in(user).get(link)
    assert page.status_code == 200
    assert "Boulangerie Durance" in page.text and "Menuiserie Rivale" not in page.text
    client = _signed_in(user)
    assert client.get(accepted.get_absolute_url()).status_code == 200
    hidden = client.get(rival_accepted.get_absolute_url())
    assert hidden.status_code == 404 and "confidentiel" not in hidden.text

    api = client_as(user)
    listed = api.get(API).json()
    assert [a["id"] for a in listed["data"]] == [accepted.pk]
    assert api.get(f"{API}{rival_accepted.pk}/").status_code == 404


def test_a_deactivated_or_replaced_consultant_loses_access_at_once(
    assigned, consultant, firm, instructor
):
    user = consultant.user
    consultant.is_active = False
    consultant.save()
    assert not Application.objects.visible_to(user).exists()
    assert _signed_in(user).get(assigned.get_absolute_url()).status_code == 404
    consultant.is_active = True
    consultant.save()
    other = Consultant.objects.create(user=services_user("remplacant"), organisation=firm)
    accompaniment.assign(instructor, assigned, other)
    assert not Application.objects.visible_to(user).exists()


def test_a_token_restricted_to_an_organisation_does_not_act_as_consultant(assigned, consultant):
    user = consultant.user
    user.token_organisation_id = assigned.organisation_id + 1000
    assert not Application.objects.visible_to(user).exists()
    assert not Application.objects.accompanied_by(user).exists()


def services_user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(name, f"{name}@example.org", "pw-123-secret!")


# --- Assignment ---------------------------------------------------------------------------


def test_only_staff_assign_and_only_to_a_retained_application(
    open_call, accepted, consultant, applicant, instructor, rival, rival_member, client_as
):
    with pytest.raises(PermissionDenied):
        accompaniment.assign(applicant, accepted, consultant)
    with pytest.raises(PermissionDenied):
        accompaniment.assign(consultant.user, accepted, consultant)
    submitted = services.apply(rival_member, open_call, rival, {"projet": "x"})
    with pytest.raises(ProgrammeError, match="« Déposée »") as error:
        accompaniment.assign(instructor, submitted, consultant)
    assert error.value.field == "consultant"

    refused = _signed_in(applicant).post(
        reverse("programmes:application_assign", args=[accepted.pk]), {"consultant": consultant.pk}
    )
    assert refused.status_code == 403
    assert (
        client_as(applicant)
        .post(
            f"{API}{accepted.pk}/consultant/",
            {"consultant": "consultante"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    # Refused before any consultant is looked up: who is a consultant is not told.
    probe = client_as(applicant).post(
        f"{API}{accepted.pk}/consultant/",
        {"consultant": "personne"},
        content_type="application/json",
    )
    assert probe.status_code == 403 and "consultant actif" not in probe.content.decode()
    assert not Application.objects.filter(consultant__isnull=False).exists()

    done = client_as(instructor).post(
        f"{API}{accepted.pk}/consultant/",
        {"consultant": "consultante"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["consultant"]["structure"] == "Cabinet Numérique Sud"
    assert done.json()["consultant"]["username"] == "consultante"
    unknown = client_as(instructor).post(
        f"{API}{accepted.pk}/consultant/",
        {"consultant": "personne"},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [
        {"field": "consultant", "message": "« personne » n'est pas un consultant actif."}
    ]
    withdrawn = client_as(instructor).post(
        f"{API}{accepted.pk}/consultant/", {"consultant": None}, content_type="application/json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["consultant"] is None


def test_a_consultant_limited_to_other_programmes_cannot_be_assigned(
    accepted, consultant, instructor, psst
):
    consultant.programmes.set([psst])
    with pytest.raises(ProgrammeError, match="n'intervient pas"):
        accompaniment.assign(instructor, accepted, consultant)
    assert consultant not in accompaniment.available_consultants(accepted.programme)
    page = _signed_in(instructor).post(
        reverse("programmes:application_assign", args=[accepted.pk]), {"consultant": consultant.pk}
    )
    assert page.status_code == 400  # not among the choices of the form
    assert Application.objects.get(pk=accepted.pk).consultant is None


def test_staff_assign_through_the_page(accepted, consultant, instructor):
    client = _signed_in(instructor)
    assert "Assigner" in client.get(accepted.get_absolute_url()).text
    response = client.post(
        reverse("programmes:application_assign", args=[accepted.pk]), {"consultant": consultant.pk}
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=accepted.pk).consultant == consultant


# --- Steps --------------------------------------------------------------------------------


def test_the_consultant_records_steps_the_applicant_sees_dates_and_titles_only(
    assigned, consultant, applicant, instructor, client_as
):
    today = timezone.localdate()
    response = _signed_in(consultant.user).post(
        reverse("programmes:application_step", args=[assigned.pk]),
        {
            "on": today.isoformat(),
            "title": "Diagnostic de la présence en ligne",
            "notes": "Site ancien, pas de sauvegarde : priorité cybersécurité.",
        },
    )
    assert response.status_code == 302
    created = client_as(consultant.user).post(
        f"{API}{assigned.pk}/steps/",
        {"on": today.isoformat(), "title": "Atelier réseaux sociaux", "notes": "Note B"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["notes"] == "Note B"
    assert AccompanimentStep.objects.filter(application=assigned).count() == 2

    own = _signed_in(applicant).get(assigned.get_absolute_url())
    assert "Diagnostic de la présence en ligne" in own.text
    assert "priorité cybersécurité" not in own.text and "consultante" not in own.text
    assert "Cabinet Numérique Sud" in own.text
    body = client_as(applicant).get(f"{API}{assigned.pk}/").json()
    assert [(s["title"], s["notes"], s["by"]) for s in body["steps"]] == [
        ("Diagnostic de la présence en ligne", None, None),
        ("Atelier réseaux sociaux", None, None),
    ]
    assert body["consultant"] == {
        "structure": "Cabinet Numérique Sud",
        "assigned_at": body["consultant"]["assigned_at"],
        "username": None,
    }

    for reader in (consultant.user, instructor):
        assert "priorité cybersécurité" in _signed_in(reader).get(assigned.get_absolute_url()).text
        steps = client_as(reader).get(f"{API}{assigned.pk}/").json()["steps"]
        assert steps[0]["by"] == "consultante" and steps[1]["notes"] == "Note B"


def test_steps_are_refused_with_clear_messages(
    assigned, consultant, applicant, client_as, rival_accepted
):
    user = consultant.user
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ProgrammeError, match="dans le futur"):
        accompaniment.record_step(user, assigned, tomorrow, "Plus tard")
    with pytest.raises(ProgrammeError, match="précéder la candidature"):
        accompaniment.record_step(user, assigned, dt.date(2000, 1, 1), "Avant")
    with pytest.raises(ProgrammeError, match="titre de l'étape est obligatoire"):
        accompaniment.record_step(user, assigned, timezone.localdate(), "   ")
    with pytest.raises(PermissionDenied):
        accompaniment.record_step(applicant, assigned, timezone.localdate(), "Moi aussi")
    with pytest.raises(PermissionDenied):
        accompaniment.record_step(user, rival_accepted, timezone.localdate(), "Pas à moi")

    api = client_as(user)
    future = api.post(
        f"{API}{assigned.pk}/steps/",
        {"on": tomorrow.isoformat(), "title": "x"},
        content_type="application/json",
    )
    assert future.status_code == 400 and future.json()["errors"][0]["field"] == "on"
    assert (
        api.post(
            f"{API}{rival_accepted.pk}/steps/",
            {"on": "2025-01-01", "title": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client_as(applicant)
        .post(
            f"{API}{assigned.pk}/steps/",
            {"on": timezone.localdate().isoformat(), "title": "x"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    page = _signed_in(user).post(
        reverse("programmes:application_step", args=[assigned.pk]),
        {"on": tomorrow.isoformat(), "title": "x"},
    )
    assert page.status_code == 400 and "dans le futur" in page.text
    assert not AccompanimentStep.objects.exists()


# --- Moves by the consultant --------------------------------------------------------------


def test_the_consultant_starts_and_closes_the_accompaniment_and_nothing_else(
    assigned, consultant, rival_accepted, client_as
):
    user = consultant.user
    with pytest.raises(PermissionDenied):  # the workflow allows it, but not to a consultant
        services.move(user, assigned, "completed")
    with pytest.raises(PermissionDenied):
        services.move(user, rival_accepted, "in_progress")
    services.move(user, assigned, "in_progress")
    page = _signed_in(user).get(assigned.get_absolute_url())
    assert 'value="completed"' in page.text and 'value="rejected"' not in page.text
    moved = client_as(user).post(
        f"{API}{assigned.pk}/moves/", {"to_status": "completed"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["status"] == "completed"
    assert Application.objects.get(pk=rival_accepted.pk).status == "accepted"
    with pytest.raises(ProgrammeError, match="retenue ou en cours"):
        accompaniment.record_step(user, assigned, timezone.localdate(), "Après la fin")


def test_an_applicant_still_cannot_move_their_own_accompanied_application(assigned, applicant):
    response = _signed_in(applicant).post(
        reverse("programmes:application_move", args=[assigned.pk]), {"to_status": "in_progress"}
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=assigned.pk).status == "accepted"


# --- Per-theme counts ---------------------------------------------------------------------


def test_applications_are_counted_per_theme_and_stage(
    accepted, rival_accepted, coach, company, applicant
):
    rows = {row["theme"]: row for row in indicators.theme_counts(coach)}
    assert list(rows) == ["Web marketing", "Cybersécurité"]
    assert rows["Web marketing"]["total"] == 1 and rows["Cybersécurité"]["total"] == 1
    assert rows["Web marketing"]["counts"]["accepted"] == 1
    assert rows["Web marketing"]["counts"]["submitted"] == 0
    figures = {i.key: i.value for i in indicators.programme_indicators(coach)}
    assert figures["themes.web-marketing"] == 1 and figures["themes.cybersecurite"] == 1
    page = Client().get(coach.get_absolute_url())
    assert (
        "Par thème d&#x27;accompagnement" in page.text or "Par thème d'accompagnement" in page.text
    )
    assert "Cybersécurité" in page.text
