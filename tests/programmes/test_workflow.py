"""Applying, instructing and reporting through the services: what is accepted, what is
refused with which message, and that a refusal changes nothing."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from datasud.programmes import services
from datasud.programmes.models import ActivityReport, ApplicantProfile, Application, Call
from datasud.programmes.services import ProgrammeError
from datasud.programmes.workflow import WorkflowError, check_workflow, transitions_for


def test_a_subset_of_statuses_skips_the_missing_ones():
    moves = transitions_for(["submitted", "under_review", "accepted", "rejected"])
    assert moves == {"submitted": ["under_review", "rejected"],
                     "under_review": ["accepted", "rejected"],
                     "accepted": [], "rejected": []}


def test_workflow_check_refuses_unknown_statuses_and_dangling_moves():
    with pytest.raises(WorkflowError, match="inconnus"):
        check_workflow(["submitted", "flying"], {})
    with pytest.raises(WorkflowError, match="déposée"):
        check_workflow(["under_review"], {})
    with pytest.raises(WorkflowError, match="sort des statuts"):
        check_workflow(["submitted"], {"submitted": ["accepted"]})


def test_apply_records_the_application_and_its_first_history_line(open_call, company,
                                                                  applicant, answers):
    application = services.apply(applicant, open_call, company, answers)
    assert application.status == "submitted"
    assert application.applicant_kind == "entreprise"
    assert application.answers == {"projet": "Site vitrine", "themes": ["Web marketing"],
                                   "effectif": 4}
    [change] = application.history.all()
    assert (change.from_status, change.to_status, change.by) == ("", "submitted", applicant)


def test_applying_after_the_closing_date_is_refused(closed_call, company, applicant, answers):
    with pytest.raises(ProgrammeError, match="clos depuis le") as error:
        services.apply(applicant, closed_call, company, answers)
    assert error.value.field == "call"
    assert not Application.objects.exists()


def test_applying_before_the_opening_is_refused(coach, company, applicant, answers, now):
    future = Call.objects.create(programme=coach, slug="futur", title="Futur",
                                 opens_at=now + dt.timedelta(days=3),
                                 eligible_kinds=["entreprise"])
    with pytest.raises(ProgrammeError, match="ouvre le"):
        services.apply(applicant, future, company, answers)


def test_an_ineligible_applicant_kind_is_refused(psst, company, applicant):
    call = psst.calls.get()
    with pytest.raises(ProgrammeError, match="n'est pas éligible") as error:
        services.apply(applicant, call, company, {"projet": "x"})
    assert "Intercommunalité (EPCI)" in str(error.value)
    assert error.value.field == "organisation"
    assert not Application.objects.exists()


def test_an_epci_is_eligible_from_its_catalogue_type(psst, epci, epci_member):
    application = services.apply(epci_member, psst.calls.get(), epci, {"projet": "Capteurs"})
    assert application.applicant_kind == "epci"


def test_an_applicant_profile_overrides_the_catalogue_type(psst, company, applicant):
    ApplicantProfile.objects.create(organisation=company, kind="epci")
    application = services.apply(applicant, psst.calls.get(), company, {"projet": "x"})
    assert application.applicant_kind == "epci"


def test_one_application_per_organisation_and_call(open_call, company, applicant, answers):
    services.apply(applicant, open_call, company, answers)
    with pytest.raises(ProgrammeError, match="déjà candidaté"):
        services.apply(applicant, open_call, company, answers)
    assert Application.objects.count() == 1


def test_only_members_apply_in_an_organisations_name(open_call, rival, applicant, answers):
    with pytest.raises(PermissionDenied):
        services.apply(applicant, open_call, rival, answers)


@pytest.mark.parametrize(("answers", "field", "message"), [
    ({}, "answers.projet", "obligatoire"),
    ({"projet": "x" * 51}, "answers.projet", "dépasse 50"),
    ({"projet": "x", "themes": ["Jardinage"]}, "answers.themes", "Choix invalide"),
    ({"projet": "x", "effectif": "-3"}, "answers.effectif", "positif"),
    ({"projet": "x", "effectif": "beaucoup"}, "answers.effectif", "entier"),
    ({"projet": ["liste"]}, "answers.projet", "texte"),
])
def test_answers_must_fit_the_calls_form(open_call, company, applicant, answers, field,
                                         message):
    with pytest.raises(ProgrammeError, match=message) as error:
        services.apply(applicant, open_call, company, answers)
    assert error.value.field == field
    assert not Application.objects.exists()


@pytest.fixture
def application(open_call, company, applicant, answers):
    return services.apply(applicant, open_call, company, answers)


def test_staff_move_along_the_workflow_with_history(application, instructor):
    for status in ["under_review", "diagnostic", "accepted", "in_progress", "completed"]:
        services.move(instructor, application, status, comment=f"vers {status}")
    application.refresh_from_db()
    assert application.status == "completed"
    history = list(application.history.values_list("from_status", "to_status", "by"))
    assert history == [("", "submitted", application.submitted_by_id),
                       ("submitted", "under_review", instructor.pk),
                       ("under_review", "diagnostic", instructor.pk),
                       ("diagnostic", "accepted", instructor.pk),
                       ("accepted", "in_progress", instructor.pk),
                       ("in_progress", "completed", instructor.pk)]


def test_an_invalid_move_is_refused_and_changes_nothing(application, instructor):
    with pytest.raises(ProgrammeError, match="Passage impossible de « Déposée » à "
                                             "« Terminée »") as error:
        services.move(instructor, application, "completed")
    assert error.value.field == "status"
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.history.count() == 1


def test_a_final_status_allows_no_move(application, instructor):
    services.move(instructor, application, "rejected")
    with pytest.raises(ProgrammeError, match="instruction est terminée"):
        services.move(instructor, application, "under_review")


def test_a_move_to_a_status_the_programme_does_not_use_is_refused(psst, epci, epci_member,
                                                                  instructor):
    application = services.apply(epci_member, psst.calls.get(), epci, {"projet": "x"})
    services.move(instructor, application, "under_review")
    with pytest.raises(ProgrammeError, match="Passage impossible"):
        services.move(instructor, application, "diagnostic")


def test_applicants_do_not_instruct_even_their_own(application, applicant, rival_member):
    for user in (applicant, rival_member):
        with pytest.raises(PermissionDenied):
            services.move(user, application, "under_review")
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.fixture
def place(make_place, company):
    return make_place(organisation=company)


def test_a_member_of_the_place_reports_its_activity(place, applicant):
    report = services.report_activity(applicant, place, 2024, business_owners=12,
                                      job_seekers="40", citizens=0)
    assert (report.business_owners, report.job_seekers, report.citizens) == (12, 40, 0)
    # Sending the same year again corrects it.
    services.report_activity(applicant, place, 2024, business_owners=13, job_seekers=40,
                             citizens=1)
    assert ActivityReport.objects.get().business_owners == 13


@pytest.mark.parametrize(("counts", "field", "message"), [
    ({"business_owners": -1}, "business_owners", "chefs d'entreprise ne peut pas être négatif"),
    ({"job_seekers": -5}, "job_seekers", "demandeurs d'emploi ne peut pas être négatif"),
    ({"citizens": "-2"}, "citizens", "citoyens ne peut pas être négatif"),
    ({"citizens": "douze"}, "citizens", "nombre entier"),
    ({"citizens": 10**9}, "citizens", "invraisemblable"),
])
def test_an_activity_report_with_bad_numbers_is_refused(place, applicant, counts, field,
                                                        message):
    values = {"business_owners": 1, "job_seekers": 1, "citizens": 1, **counts}
    with pytest.raises(ProgrammeError, match=message) as error:
        services.report_activity(applicant, place, 2024, **values)
    assert error.value.field == field
    assert not ActivityReport.objects.exists()


def test_a_report_for_a_future_year_is_refused(place, applicant, now):
    with pytest.raises(ProgrammeError, match="année"):
        services.report_activity(applicant, place, now.year + 1, business_owners=1,
                                 job_seekers=1, citizens=1)


def test_outsiders_do_not_report_for_a_place(place, rival_member):
    with pytest.raises(PermissionDenied):
        services.report_activity(rival_member, place, 2024, business_owners=1, job_seekers=1,
                                 citizens=1)


def test_a_programme_slug_cannot_hide_a_page(coach):
    from django.core.exceptions import ValidationError

    coach.slug = "lieux"
    with pytest.raises(ValidationError, match="réservé"):
        coach.full_clean()


@pytest.mark.parametrize(("changes", "field"), [
    ({"eligible_kinds": ["extraterrestre"]}, "eligible_kinds"),
    ({"form": {"fields": [{"name": "x", "type": "colour"}]}}, "form"),
    ({"form": {"fields": [{"name": "x", "type": "choice"}]}}, "form"),
    ({"form": {"fields": [{"name": "Bad Name", "type": "text"}]}}, "form"),
])
def test_a_call_is_checked_before_it_is_saved(open_call, changes, field):
    from django.core.exceptions import ValidationError

    for name, value in changes.items():
        setattr(open_call, name, value)
    with pytest.raises(ValidationError) as error:
        open_call.full_clean()
    assert field in error.value.message_dict


def test_a_call_cannot_close_before_it_opens(open_call):
    from django.core.exceptions import ValidationError

    open_call.closes_at = open_call.opens_at - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="clôture"):
        open_call.full_clean()
