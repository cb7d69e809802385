"""The advisor API over the referentials loaded through the datastore."""
import pytest
from django.test import Client

URL = "/api/1/employment"


@pytest.fixture
def advisor(client_as, outsider):
    return client_as(outsider)


def test_the_advisor_api_needs_a_token(db):
    response = Client().get(f"{URL}/search", {"q": "caissière"})
    assert response.status_code == 401


def test_without_referentials_the_api_says_so(db, advisor):
    response = advisor.get(f"{URL}/search", {"q": "caissière"})
    assert response.status_code == 503
    assert "load_employment" in response.json()["detail"]
