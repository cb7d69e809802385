"""The trust world, built once per test module and shared by its tests.

Hundreds of matrix cells read the same world; building it (four datastore loads) for each
would cost minutes. So it is built once per module inside a transaction that is rolled back
at the end of the module, and each test runs in its own savepoint inside it (pytest-django's
`db`), so that a write made by one test is gone before the next one starts. Its files
(uploads, Parquet versions) are copied into a test's own folders when it writes, which
keeps tests that upload or reload (`own_files`) from meeting each other's versions.
"""
import shutil

import pytest
from django.db import transaction
from django.test import TestCase, override_settings

from .world import build_world

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="module")
def world_storage(tmp_path_factory):
    return tmp_path_factory.mktemp("trust-world")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_storage):
    """The `World` of `world.py`, alive for the whole module."""
    storage = override_settings(MEDIA_ROOT=world_storage / "media",
                                DATASTORE_DIR=world_storage / "datastore",
                                TASKS=IMMEDIATE_TASKS)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with storage, TestCase.captureOnCommitCallbacks(execute=True):
                built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, world_storage):
    """Overrides the suite's fixture: tests read the world's files where they are (tests
    that write files ask for `own_files`)."""
    settings.MEDIA_ROOT = world_storage / "media"
    settings.DATASTORE_DIR = world_storage / "datastore"
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def own_files(settings, tmp_path, world_storage):
    """A copy of the world's files for this test only: its uploads and new datastore
    versions never meet another test's."""
    for name in ("media", "datastore"):
        source, target = world_storage / name, tmp_path / name
        if source.exists():
            shutil.copytree(source, target)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATASTORE_DIR = tmp_path / "datastore"


@pytest.fixture
def w(world, db):
    """The world, in a test that may use the database (its writes are rolled back)."""
    return world
