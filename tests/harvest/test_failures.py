"""A source that times out, answers garbage or leads elsewhere fails the job with its reason,
and nothing already harvested is touched. One job at a time per source."""
import datetime as dt

import pytest
from django.utils import timezone

from datasud.catalog.models import Dataset
from datasud.harvest import jobs
from datasud.harvest.models import HarvestJob, HarvestRecord, HarvestSource

pytestmark = pytest.mark.django_db

SEARCH = "/api/3/action/package_search"


@pytest.fixture
def harvested_source(make_source, portal, ckan, reference):
    """A CKAN source harvested once (3 datasets), whose portal then misbehaves."""
    source = make_source("ckan", portal.url)
    assert jobs.harvest_now(source).created == 3
    return source


def snapshot() -> dict:
    return {d.pk: (d.title, d.modified_at, d.archived_at, d.resources.count())
            for d in Dataset.objects.all()}


def assert_failed_and_untouched(source, before, reason: str) -> HarvestJob:
    job = jobs.harvest_now(source)
    assert job.status == HarvestJob.Status.FAILED
    assert reason in job.error, job.error
    assert (job.created, job.updated, job.withdrawn) == (0, 0, 0)
    assert snapshot() == before
    assert HarvestRecord.objects.filter(withdrawn_at__isnull=False).count() == 0
    assert HarvestSource.objects.get(pk=source.pk).running_since is None  # lock released
    return job


@pytest.mark.parametrize("status, content_type, body, reason", [
    (200, "text/html", "<!DOCTYPE html><html><body>Maintenance</body></html>", "page HTML"),
    (500, "text/html", "<html>Internal Server Error</html>", "a répondu 500"),
    (200, "application/json", '{"help": "x", "success": true, "result": {"count": 3, "res',
     "JSON illisible"),
    (200, "application/json", '{"hello": "world"}', "pas une réponse de l'API CKAN"),
    (200, "application/json", '{"success": false, "error": {"message": "Solr down"}}',
     "Solr down"),
])
def test_garbage_fails_the_job_and_keeps_everything(harvested_source, portal, status,
                                                   content_type, body, reason):
    before = snapshot()
    portal.serve(SEARCH, body, content_type, status)
    assert_failed_and_untouched(harvested_source, before, reason)


def test_a_source_that_times_out_fails_the_job(harvested_source, portal, settings):
    before = snapshot()
    settings.HARVEST_TIMEOUT = 0.5
    portal.delay = 1.5
    assert_failed_and_untouched(harvested_source, before, "délai")


def test_a_failure_on_a_later_page_touches_nothing(make_source, portal, ckan, reference):
    source = make_source("ckan", portal.url, config={"page_size": 1})
    jobs.harvest_now(source)
    before = snapshot()
    answer = ckan.package_search

    def second_page_breaks(query):
        if query.get("start") == "1":
            return 502, "text/html", "<html>Bad gateway</html>"
        return answer(query)

    portal.routes[SEARCH] = second_page_breaks
    assert_failed_and_untouched(source, before, "502")


def test_a_count_that_does_not_match_the_pages_fails(harvested_source, portal, ckan):
    before = snapshot()
    answer = ckan.package_search

    def lying_count(query):
        status, content_type, body = answer(query)
        return status, content_type, body.replace('"count": 3', '"count": 5')

    portal.routes[SEARCH] = lying_count
    assert_failed_and_untouched(harvested_source, before, "annonce 5")


def test_an_empty_answer_withdraws_nothing(harvested_source, ckan):
    before = snapshot()
    ckan.packages.clear()
    assert_failed_and_untouched(harvested_source, before, "ne liste plus aucun")


def test_a_response_too_large_fails(harvested_source, settings):
    before = snapshot()
    settings.HARVEST_MAX_RESPONSE_SIZE = 1000
    assert_failed_and_untouched(harvested_source, before, "trop volumineuse")


def test_a_redirect_to_another_host_is_not_followed(harvested_source, portal):
    before = snapshot()
    portal.routes[SEARCH] = lambda query: (
        302, "text/html", "", {"Location": "http://169.254.169.254/latest/meta-data/"})
    assert_failed_and_untouched(harvested_source, before, "autre adresse")


def test_private_addresses_are_refused_without_the_test_setting(harvested_source, settings):
    before = snapshot()
    settings.DATASTORE_ALLOW_PRIVATE_URLS = False
    assert_failed_and_untouched(harvested_source, before, "réseau interne")


def test_an_unreachable_source_fails(make_source, reference, settings):
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True
    source = make_source("ckan", "http://127.0.0.1:9")  # discard port: nothing listens
    job = jobs.harvest_now(source)
    assert job.status == HarvestJob.Status.FAILED
    assert "injoignable" in job.error


def test_a_job_never_runs_twice_at_once_for_one_source(harvested_source):
    HarvestSource.objects.filter(pk=harvested_source.pk).update(running_since=timezone.now())
    job = jobs.harvest_now(harvested_source)
    assert job.status == HarvestJob.Status.FAILED
    assert "Un autre moissonnage de cette source est en cours" in job.error
    # Still claimed by the other run.
    assert HarvestSource.objects.get(pk=harvested_source.pk).running_since is not None


def test_a_claim_left_by_a_crashed_process_expires(harvested_source):
    long_ago = timezone.now() - dt.timedelta(days=1)
    HarvestSource.objects.filter(pk=harvested_source.pk).update(running_since=long_ago)
    HarvestJob.objects.create(source=harvested_source, status=HarvestJob.Status.RUNNING,
                              started_at=long_ago)
    job = jobs.harvest_now(harvested_source)
    assert job.status == HarvestJob.Status.SUCCEEDED
    assert harvested_source.jobs.filter(error__startswith="Abandonné").count() == 1


def test_a_second_request_while_one_is_queued_is_refused(harvested_source, staff):
    jobs.create_job(harvested_source, staff)
    with pytest.raises(jobs.HarvestBusy):
        jobs.request_harvest(harvested_source, staff)
