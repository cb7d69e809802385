"""schemathesis against the API's own OpenAPI document: generated requests, valid and not,
anonymous and with a staff token, never get a 5xx, and every answer matches the document
(status code documented, content type, body schema)."""
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from datasud.accounts.models import ApiToken
from datasud.catalog.models import Dataset, Organisation

pytestmark = pytest.mark.slow

def no_server_error(ctx, response, case):
    """schemathesis's `not_a_server_error`, except a 503 the operation documents: a service
    whose data is not loaded yet (the employment referentials of an empty platform) says
    so honestly rather than failing."""
    if response.status_code == 503 and "503" in case.operation.definition.raw["responses"]:
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [no_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Enough to reach every parameter's edge cases on each operation, within the suite's time.
EXAMPLES = 6


# Loaded at collection (schemathesis's lazy fixture loader does not work with pytest 9):
# building the document touches no database.
schema = schemathesis.openapi.from_wsgi("/api/1/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_catalogue(staff, organisation, make_dataset, theme):
    """Something to find, so that reads return bodies and writes reach their rules.

    Requests go through the real WSGI application. Like Django's test client, keep it from
    closing the database connection after each request: the connection holds the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    dataset = make_dataset("Horaires des bus", description="Les **horaires**.")
    dataset.themes.add(theme)
    make_dataset("Brouillon", status=Dataset.Status.DRAFT)
    Organisation.objects.create(name="Commune de Gap", slug="gap")
    _token, raw = ApiToken.issue(staff, "fuzz")
    yield {"Authorization": f"Bearer {raw}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_anonymous_requests(case, fuzz_catalogue):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_staff_requests(case, fuzz_catalogue):
    case.call_and_validate(checks=CHECKS, headers=fuzz_catalogue)
