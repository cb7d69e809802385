"""kill -9 of a `datasud harvest` process in the middle of a job: the source is not blocked,
the job is marked failed, nothing harvested before is lost, and the next run completes."""
import signal
import subprocess
import sys
import time

import pytest

from datasud.catalog.models import Dataset
from datasud.harvest import jobs
from datasud.harvest.models import HarvestJob
from tests.operations.test_crash_safety import ROOT, platform_env, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_killed_harvest_frees_its_source_and_loses_nothing(portal, ckan, make_source,
                                                             reference):
    source = make_source("ckan", portal.url)
    first = jobs.harvest_now(source)
    assert first.status == HarvestJob.Status.SUCCEEDED
    harvested = set(Dataset.objects.values_list("slug", "title"))
    assert harvested

    portal.delay = 60  # the source now hangs: the next job waits on its first page
    ckan.package(ckan.packages[0]["name"])["title"] = "Changé à la source"
    harvest = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "harvest", "--source", source.slug],
        cwd=ROOT, env=platform_env(DATASUD_HARVEST_TIMEOUT="120"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        running = wait_for(lambda: HarvestJob.objects.filter(
            source=source, status=HarvestJob.Status.RUNNING).first())
        time.sleep(0.3)
    finally:
        harvest.send_signal(signal.SIGKILL)
        harvest.wait(10)
    assert running.runner.endswith(f":{harvest.pid}")

    # Nothing harvested before is lost or half-changed.
    assert set(Dataset.objects.values_list("slug", "title")) == harvested
    # The next run does not wait hours for the dead job's lock: it runs, and completes.
    portal.delay = 0
    again = jobs.harvest_now(source)
    running.refresh_from_db()
    assert running.status == HarvestJob.Status.FAILED
    assert "Abandonné" in running.error
    assert again.status == HarvestJob.Status.SUCCEEDED, again.error
    assert again.updated == 1
    assert Dataset.objects.filter(title="Changé à la source").count() == 1
