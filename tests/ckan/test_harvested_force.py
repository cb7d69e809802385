"""A harvested dataset through the CKAN API: producers' metadata changes are refused (409,
naming the source, `force` or not); the DataSud team confirms one with `force: true`, as in
the API v1 (tests/api/test_harvested_datasets.py)."""

import json

import pytest

from datasud.catalog.models import Activity
from datasud.harvest.models import HarvestRecord, HarvestSource


@pytest.fixture
def harvested(make_dataset, organisation):
    dataset = make_dataset("Arrêts de bus", slug="arrets-de-bus")
    source = HarvestSource.objects.create(
        name="Open data Nice",
        slug="nice",
        kind="ckan",
        url="https://opendata.example.fr",
        organisation=organisation,
    )
    HarvestRecord.objects.create(source=source, remote_id="arrets", dataset=dataset)
    return dataset


def _post(client, action, **data):
    return client.post(f"/api/3/action/{action}", json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("action", ["package_patch", "package_update"])
def test_producers_are_refused_even_with_force(as_editor, harvested, action):
    for force in (None, True):
        extra = {} if force is None else {"force": force}
        response = _post(as_editor, action, id=harvested.slug, title="Titre local", **extra)
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["__type"] == "Validation Error"
        assert "moissonné depuis « Open data Nice »" in json.dumps(error, ensure_ascii=False)
    harvested.refresh_from_db()
    assert harvested.title == "Arrêts de bus" and not harvested.activities.exists()


@pytest.mark.parametrize("action", ["package_patch", "package_update"])
def test_staff_confirm_with_force(client_as, staff, harvested, action):
    client = client_as(staff)
    refused = _post(client, action, id=harvested.slug, title="Corrigé")
    assert refused.status_code == 409
    assert "force=true" in json.dumps(refused.json()["error"])
    response = _post(client, action, id=harvested.slug, title="Corrigé", force="true")
    assert response.status_code == 200, response.content
    assert response.json()["result"]["title"] == "Corrigé"
    assert harvested.activities.get().action == Activity.Action.UPDATED


def test_force_must_be_a_boolean(client_as, staff, harvested):
    response = _post(
        client_as(staff), "package_patch", id=harvested.slug, title="X", force="peut-être"
    )
    assert response.status_code == 409
    assert "force" in response.json()["error"]
    harvested.refresh_from_db()
    assert harvested.title == "Arrêts de bus"
