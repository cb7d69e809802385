"""Clients of the API v1: anonymous, or carrying a personal token of a user."""
import pytest
from django.test import Client

from datasud.accounts.models import ApiToken


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
