"""A harvested dataset belongs to its source: the API refuses its producers' changes with
409; the DataSud team may force one, knowing the next harvest puts the source's back."""
import pytest

from datasud.catalog.models import Activity
from datasud.harvest.models import HarvestRecord, HarvestSource

JSON = "application/json"


@pytest.fixture
def harvested(make_dataset, organisation):
    dataset = make_dataset("Arrêts de bus")
    source = HarvestSource.objects.create(name="Open data Nice", slug="nice", kind="ckan",
                                          url="https://opendata.example.fr",
                                          organisation=organisation)
    HarvestRecord.objects.create(source=source, remote_id="arrets", dataset=dataset)
    return dataset


def url(dataset, force=None) -> str:
    return f"/api/1/datasets/{dataset.slug}/" + ("" if force is None else f"?force={force}")


def test_producers_get_409_even_with_force(as_editor, harvested):
    for force in (None, "true"):
        response = as_editor.patch(url(harvested, force), {"title": "Titre local"},
                                   content_type=JSON)
        assert response.status_code == 409
        body = response.json()
        assert "moissonné depuis « Open data Nice »" in body["detail"]
        assert "modifiez-le à la source" in body["detail"]
        assert body["errors"][0]["message"] == body["detail"]
    harvested.refresh_from_db()
    assert harvested.title == "Arrêts de bus" and not harvested.activities.exists()


def test_staff_must_confirm_with_force(as_staff, harvested):
    response = as_staff.patch(url(harvested), {"title": "Corrigé"}, content_type=JSON)
    assert response.status_code == 409 and "force=true" in response.json()["detail"]
    response = as_staff.patch(url(harvested, "true"), {"title": "Corrigé"},
                              content_type=JSON)
    assert response.status_code == 200 and response.json()["title"] == "Corrigé"
    assert harvested.activities.get().action == Activity.Action.UPDATED


def test_others_still_get_403_and_401(as_outsider, anon, harvested):
    assert as_outsider.patch(url(harvested, "true"), {"title": "X"},
                             content_type=JSON).status_code == 403
    assert anon.patch(url(harvested), {"title": "X"}, content_type=JSON).status_code == 401


def test_what_producers_may_still_do(as_editor, harvested):
    # Their own resources (left alone by harvesting), and deleting the dataset (which the
    # harvester then no longer recreates).
    response = as_editor.post(f"/api/1/datasets/{harvested.slug}/resources/",
                              {"url": "https://www.example.org/notice.pdf"}, content_type=JSON)
    assert response.status_code == 201
    assert as_editor.delete(url(harvested)).status_code == 204
    assert HarvestRecord.objects.get(remote_id="arrets").dataset is None


def test_datasets_made_here_ignore_force(as_editor, make_dataset):
    dataset = make_dataset()
    response = as_editor.patch(url(dataset, "true"), {"title": "Nouveau"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["title"] == "Nouveau"
