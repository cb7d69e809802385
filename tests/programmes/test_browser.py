"""axe-core on the programme pages (public, applicant, instructor): no serious or critical
WCAG 2.1 A/AA violation; and the directory works in a real browser without JavaScript."""
import pytest
from django.urls import reverse

from datasud.programmes import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def world(coach, psst, open_call, company, applicant, answers, make_place, instructor):
    place = make_place(programme=coach, is_demo=True, organisation=company,
                       services="Aide aux démarches administratives")
    services.report_activity(instructor, place, 2024, business_owners=3, job_seekers=4,
                             citizens=5)
    application = services.apply(applicant, open_call, company, answers)
    return {"place": place, "application": application}


def test_programme_pages_have_no_serious_violation(axe_check, world, coach,
                                                   psst, open_call, applicant, instructor):
    public = [reverse("programmes:index"), reverse("programmes:key_figures"),
              coach.get_absolute_url(), psst.get_absolute_url(),
              reverse("programmes:places"), world["place"].get_absolute_url(),
              reverse("programmes:events"), open_call.get_absolute_url()]
    violations = [v for page in public for v in axe_check(page)]
    mine = [open_call.get_absolute_url(), reverse("programmes:my_applications"),
            world["application"].get_absolute_url(), world["place"].get_absolute_url()]
    violations += [v for page in mine for v in axe_check(page, user=applicant)]
    staff = [reverse("programmes:instruction"), world["application"].get_absolute_url()]
    violations += [v for page in staff for v in axe_check(page, user=instructor)]
    assert violations == []


def test_accompaniment_pages_have_no_serious_violation(axe_check, rival_accepted, consultant,
                                                       rival_member, instructor):
    from django.utils import timezone

    from datasud.programmes import accompaniment

    accompaniment.assign(instructor, rival_accepted, consultant)
    accompaniment.record_step(consultant.user, rival_accepted, timezone.localdate(),
                              "Diagnostic", "Notes du consultant")
    page = rival_accepted.get_absolute_url()
    violations = [v for url in (reverse("programmes:accompaniments"), page)
                  for v in axe_check(url, user=consultant.user)]
    violations += axe_check(page, user=instructor) + axe_check(page, user=rival_member)
    assert violations == []
