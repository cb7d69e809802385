"""Clients of the API v1: anonymous, or carrying a personal token of a user (`client_as`
and `token_for` live in tests/conftest.py, shared with the datastore tests)."""
import pytest
from django.test import Client


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def as_editor(client_as, editor):
    return client_as(editor)


@pytest.fixture
def as_outsider(client_as, outsider):
    return client_as(outsider)


@pytest.fixture
def as_staff(client_as, staff):
    return client_as(staff)


@pytest.fixture
def as_org_admin(client_as, org_admin):
    return client_as(org_admin)
