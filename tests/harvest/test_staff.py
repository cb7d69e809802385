"""What staff use: the `datasud harvest` command (on demand and for timers), the admin
(sources with "harvest now", jobs with their report, records) and the task queue."""
import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from datasud.catalog.models import Dataset
from datasud.harvest import jobs
from datasud.harvest.models import HarvestJob, HarvestSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(make_source, portal, ckan, reference):
    return make_source("ckan", portal.url, schedule=HarvestSource.Schedule.DAILY)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("harvest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_harvests_one_source_by_slug_or_id(source):
    out, _ = run("--source", source.slug)
    assert "3 jeux de données listés" in out
    assert "3 créés" in out
    assert Dataset.objects.count() == 3
    out, _ = run("--source", str(source.pk))
    assert "3 inchangés" in out


def test_command_fails_with_a_message(source, portal):
    portal.serve("/api/3/action/package_search", "<html>oops</html>", "text/html")
    with pytest.raises(CommandError, match="Échec du moissonnage"):
        run("--source", source.slug)
    assert HarvestJob.objects.get().status == HarvestJob.Status.FAILED
    with pytest.raises(CommandError, match="Source inconnue"):
        run("--source", "nope")
    with pytest.raises(CommandError, match="soit --source"):
        run()


def test_due_runs_sources_whose_schedule_is_due(source, make_source, portal):
    manual = make_source("ckan", portal.url, slug="manuel",
                         schedule=HarvestSource.Schedule.MANUAL)
    inactive = make_source("ckan", portal.url, slug="inactive", active=False)
    assert jobs.due_sources() == [source]  # never harvested: due now

    out, _ = run("--due")

    job = source.jobs.get()
    assert job.trigger == HarvestJob.Trigger.SCHEDULE and job.created == 3
    assert not manual.jobs.exists() and not inactive.jobs.exists()
    # Harvested a moment ago: not due before a day has passed.
    assert jobs.due_sources() == []
    assert "Aucune source" in run("--due")[0]
    assert jobs.due_sources(timezone.now() + dt.timedelta(days=1, minutes=1)) == [source]


def test_admin_harvest_now_queues_a_task_that_runs_the_job(
        source, staff, client, django_capture_on_commit_callbacks):
    client.force_login(staff)
    url = reverse("admin:harvest_harvestsource_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "harvest_now",
                                     "_selected_action": [source.pk]}, follow=True)
    assert response.status_code == 200
    job = source.jobs.get()
    # The test settings run tasks at once (ImmediateBackend).
    assert job.status == HarvestJob.Status.SUCCEEDED and job.requested_by == staff
    assert Dataset.objects.count() == 3
    assert "moissonnage demandé" in response.content.decode()


def test_admin_pages_show_sources_jobs_and_their_report(source, staff, client, ckan):
    ckan.package("budget-primitif-2022")["title"] = "  "
    ckan.package("budget-primitif-2022")["name"] = ""
    job = jobs.harvest_now(source, staff)
    client.force_login(staff)

    page = client.get(reverse("admin:harvest_harvestjob_change", args=[job.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "3e8f5a21-4b3c-4d6e-9fa0-2a7a6d3f0a03" in text and "titre vide" in text
    for name in ("harvestsource", "harvestjob", "harvestrecord"):
        assert client.get(reverse(f"admin:harvest_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:harvest_harvestsource_change",
                              args=[source.pk])).status_code == 200


def test_admin_refuses_a_second_request_while_one_is_pending(source, staff, client):
    jobs.create_job(source, staff)
    client.force_login(staff)
    response = client.post(reverse("admin:harvest_harvestsource_changelist"),
                           {"action": "harvest_now", "_selected_action": [source.pk]},
                           follow=True)
    assert "déjà demandé ou en cours" in response.content.decode()
    assert source.jobs.count() == 1


def test_outsiders_cannot_reach_the_harvest_admin(source, outsider, client):
    client.force_login(outsider)
    response = client.get(reverse("admin:harvest_harvestsource_changelist"))
    assert response.status_code == 302  # to the admin's login page


@pytest.mark.parametrize("fields, message", [
    ({"organisation": None}, "organisation productrice"),
    ({"config": {"where": "x"}}, "Clés inconnues"),
    ({"config": {"page_size": 5000}}, "page_size"),
    ({"config": {"exclude": "abc"}}, "exclude"),
])
def test_source_validation(make_source, fields, message):
    source = HarvestSource(name="x", slug="x", kind="ckan", url="https://example.org",
                           **fields)
    with pytest.raises(ValidationError, match=message):
        source.full_clean()
