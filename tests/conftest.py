"""Fixtures shared by the whole suite: real objects in a real database, no mocks."""
import gc

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from datasud.accounts.models import ApiToken, Membership
from datasud.catalog.models import Dataset, Licence, Organisation, Theme

# Real Chromium for the browser tests of every app: one definition, one browser per process
# (two session fixtures would start Playwright twice in one process, which it refuses).
from tests.browser.fixtures import axe_check, axe_source, browser_page, chromium  # noqa: F401

# The suite allocates millions of short-lived objects (requests, querysets, generated
# cases) and few cycles: with Python's default (a collection every 700 allocations) the
# collector took 5 to 10 % of the suite's CPU time.
gc.set_threshold(100_000, 50, 100)


def pytest_collection_finish(session):
    # What the collection imported (Django, the apps, the test modules) lives until the end:
    # out of the collector's sight, full collections only walk what the tests made.
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def facet_columns_built_inline():
    """Searches build their in-memory facet columns (datasud/search/columns.py) in the
    search that finds them stale, not in a background thread that would outlive a test
    and its database; tests/search/test_columns.py checks the background mode itself."""
    from django.conf import settings

    settings.SEARCH_FACET_COLUMNS = "inline"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """PostgreSQL: the test database's commits do not wait for the disk.

    Migrations, transactional tests (each ends with a TRUNCATE of every table) and live
    servers commit thousands of times; a commit's durability through a crash of the server
    is nothing a test checks. (pytest-django's fixture, with its per-worker database names.)
    """
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if settings_dict["ENGINE"] == "django.db.backends.postgresql":
            options = settings_dict.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _default_language():
    # Every test starts in the platform's language: a request or a test that switched this
    # thread to English must not decide the language of the next test in the same worker.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files of one test never land in the developer's var/ nor in another test.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Same for the datastore's Parquet versions.
    settings.DATASTORE_DIR = tmp_path / "datastore"
    # Background tasks run at once, in the test's thread (the in-process worker thread has
    # its own test in tests/test_taskqueue.py).
    settings.TASKS = {"default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Password hashing is made slow on purpose; tests create many users and sign many in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No engine built behind a test's back (tests/employment/test_warm_up.py tests it).
    settings.EMPLOYMENT_WARM_UP = False
    settings.SUGGESTIONS_WARM_UP = False  # likewise (tests/intelligence/test_warm_up.py)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", "staff@example.org", "pw-staff-123!",
                                                is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("outsider", "out@example.org", "pw-out-123!")


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Ville de Digne-les-Bains", slug="ville-de-digne",
                                       type=Organisation.Type.COMMUNE)


@pytest.fixture
def editor(db, organisation):
    user = get_user_model().objects.create_user("editor", "ed@example.org", "pw-editor-123!")
    Membership.objects.create(user=user, organisation=organisation,
                              role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def org_admin(db, organisation):
    user = get_user_model().objects.create_user("orgadmin", "adm@example.org", "pw-admin-123!")
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def theme(db):
    return Theme.objects.create(slug="mobilite-et-transports", name="Mobilité et transports")


@pytest.fixture
def licence(db):
    return Licence.objects.create(slug="lov2", title="Licence Ouverte Version 2.0")


@pytest.fixture
def make_dataset(db, organisation, licence):
    """Build datasets quickly: make_dataset("Titre", status="draft", private=True...)."""
    counter = {"n": 0}

    def make(title="Horaires des bus", **fields):
        counter["n"] += 1
        fields.setdefault("organisation", organisation)
        fields.setdefault("licence", licence)
        fields.setdefault("status", Dataset.Status.PUBLISHED)
        fields.setdefault("slug", f"ds-{counter['n']}")
        return Dataset.objects.create(title=title, **fields)

    return make


@pytest.fixture
def token_for(db):
    """token_for(user) -> the raw token of a new personal API token of `user`."""

    def issue(user, name="tests"):
        return ApiToken.issue(user, name)[1]

    return issue


@pytest.fixture
def client_as(token_for):
    """client_as(user) -> a test client sending a fresh token of `user` as Bearer."""

    def make(user):
        return Client(headers={"Authorization": f"Bearer {token_for(user)}"})

    return make
