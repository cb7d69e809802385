"""Reuses through the API: anyone signed in declares one; its author edits it."""
import pytest

from datasud.catalog.models import Reuse

JSON = "application/json"


@pytest.fixture
def datasets(make_dataset):
    return (make_dataset("Pistes cyclables", slug="pistes"),
            make_dataset("Secret", slug="secret", private=True))


def test_declare_list_read_update_delete(as_outsider, anon, datasets):
    response = as_outsider.post("/api/1/reuses/", {
        "title": "Carte vélo", "url": "https://example.org/carte", "type": "visualisation",
        "datasets": ["pistes"], "author_name": "Camille",
    }, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "carte-velo" and body["type"] == "visualisation"
    assert body["datasets"] == [{"slug": "pistes", "title": "Pistes cyclables"}]
    assert "owner" not in body  # who declared it is personal data

    listed = anon.get("/api/1/reuses/").json()
    assert listed["total"] == 1 and listed["data"][0]["slug"] == "carte-velo"
    assert anon.get("/api/1/reuses/?dataset=pistes").json()["total"] == 1
    assert anon.get("/api/1/reuses/?type=article").json()["total"] == 0
    assert anon.get("/api/1/reuses/carte-velo/").json() == body

    updated = as_outsider.patch("/api/1/reuses/carte-velo/", {"title": "Carte des pistes"},
                                content_type=JSON)
    assert updated.status_code == 200 and updated.json()["title"] == "Carte des pistes"
    assert updated.json()["datasets"] == body["datasets"]
    assert as_outsider.delete("/api/1/reuses/carte-velo/").status_code == 204
    assert not Reuse.objects.exists()


def test_same_title_gives_distinct_slugs(as_outsider):
    slugs = [as_outsider.post("/api/1/reuses/", {"title": "Carte", "url": "https://e.org/"},
                              content_type=JSON).json()["slug"] for _ in range(2)]
    assert slugs == ["carte", "carte-2"]


def test_anonymous_cannot_declare(anon):
    response = anon.post("/api/1/reuses/", {"title": "x", "url": "https://e.org/"},
                         content_type=JSON)
    assert response.status_code == 401


def test_only_the_author_edits(client_as, as_outsider, editor):
    as_outsider.post("/api/1/reuses/", {"title": "Carte", "url": "https://e.org/"},
                     content_type=JSON)
    other = client_as(editor)
    assert other.patch("/api/1/reuses/carte/", {"title": "x"},
                       content_type=JSON).status_code == 403
    assert other.delete("/api/1/reuses/carte/").status_code == 403


def test_hidden_datasets_cannot_be_linked_nor_seen(as_outsider, as_editor, anon, datasets):
    refused = as_outsider.post("/api/1/reuses/", {
        "title": "x", "url": "https://e.org/", "datasets": ["secret"]}, content_type=JSON)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "datasets"
    created = as_editor.post("/api/1/reuses/", {
        "title": "Interne", "url": "https://e.org/", "datasets": ["pistes", "secret"]},
        content_type=JSON)
    assert len(created.json()["datasets"]) == 2
    # The public sees the reuse, but not the private dataset it uses.
    assert [d["slug"] for d in anon.get("/api/1/reuses/interne/").json()["datasets"]] \
        == ["pistes"]


def test_unpublished_reuse_is_404_for_others(as_outsider, anon):
    as_outsider.post("/api/1/reuses/", {"title": "Brouillon", "url": "https://e.org/",
                                        "published": False}, content_type=JSON)
    assert as_outsider.get("/api/1/reuses/brouillon/").status_code == 200
    assert anon.get("/api/1/reuses/brouillon/").status_code == 404
    assert anon.get("/api/1/reuses/").json()["total"] == 0


@pytest.mark.parametrize("payload,field", [
    ({"title": "x", "url": "not a url"}, "url"),
    ({"title": "x"}, "url"),
    ({"url": "https://e.org/"}, "title"),
    ({"title": "x", "url": "https://e.org/", "type": "film"}, "type"),
])
def test_reuse_validation(as_outsider, payload, field):
    response = as_outsider.post("/api/1/reuses/", payload, content_type=JSON)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_organisation_only_if_member(as_outsider, as_editor, organisation):
    payload = {"title": "x", "url": "https://e.org/", "organisation": organisation.slug}
    assert as_outsider.post("/api/1/reuses/", payload, content_type=JSON).status_code == 403
    response = as_editor.post("/api/1/reuses/", payload, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["organisation"]["slug"] == organisation.slug
