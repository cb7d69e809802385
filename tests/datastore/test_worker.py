"""The default task queue: loads stored in the database and run by a thread of the process."""
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datasud.catalog import services as catalog
from datasud.datastore.models import Load
from datasud.search.backends import get_backend
from datasud.taskqueue import InProcessBackend, start_inprocess_worker

IN_PROCESS = {"default": {"BACKEND": "datasud.taskqueue.InProcessBackend"}}


@pytest.fixture
def committed(db):
    yield
    InProcessBackend.stop_workers()
    get_backend().clear()  # transactional tests leave the full-text tables behind


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_upload_is_loaded_by_the_in_process_worker(settings, committed, editor, make_dataset):
    settings.TASKS = IN_PROCESS
    dataset = make_dataset("Arbres")
    resource = catalog.add_resource(editor, dataset, upload=SimpleUploadedFile(
        "arbres.csv", b"espece,hauteur\nplatane,21.5\nchene,14\n"))
    load = Load.objects.get(resource=resource)
    assert load.task_id  # it went through the queue, not run inline
    assert wait_for(lambda: Load.objects.get(pk=load.pk).status == "succeeded")
    load.refresh_from_db()
    assert load.is_current and load.tables.get().row_count == 2


@pytest.mark.django_db(transaction=True)
def test_task_left_in_the_queue_is_picked_up_at_start(settings, committed, editor,
                                                      make_dataset):
    # A load queued while no worker ran (e.g. the server stopped) is run when the worker
    # starts, without a new enqueue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    dataset = make_dataset("Bancs")
    resource = catalog.add_resource(editor, dataset, upload=SimpleUploadedFile(
        "bancs.csv", b"rue,nombre\nRue A,3\n"))
    load = Load.objects.get(resource=resource)
    time.sleep(0.5)
    assert Load.objects.get(pk=load.pk).status == "queued"
    settings.TASKS = IN_PROCESS
    start_inprocess_worker()
    assert wait_for(lambda: Load.objects.get(pk=load.pk).status == "succeeded")
