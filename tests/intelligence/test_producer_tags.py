"""The producer's usual tags, listed apart from the ranked suggestions: read from the live
catalogue, public datasets only, at least twice, those already proposed left out."""
import pytest
from django.core.cache import cache

from datasud.catalog.models import Dataset, Organisation, Tag
from datasud.intelligence import services

URL = "/api/1/suggestions"


def tagged(make_dataset, tags, **fields):
    dataset = make_dataset(**fields)
    dataset.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
    return dataset


@pytest.fixture
def catalogue(make_dataset, organisation):
    tagged(make_dataset, ["velo", "piste-cyclable", "marseille"])
    tagged(make_dataset, ["velo", "piste-cyclable", "stationnement"])
    tagged(make_dataset, ["velo", "comptage"])
    # Not public: they say nothing of the producer's habits to the world.
    tagged(make_dataset, ["secret"], private=True)
    tagged(make_dataset, ["secret", "brouillon"], status=Dataset.Status.DRAFT)
    tagged(make_dataset, ["brouillon"], status=Dataset.Status.DRAFT)
    # Another producer's tags.
    other = Organisation.objects.create(name="Autre", slug="autre")
    tagged(make_dataset, ["eau"], organisation=other)
    tagged(make_dataset, ["eau", "velo"], organisation=other)
    return organisation


def test_most_used_public_tags_first_once_is_not_a_habit(catalogue):
    assert services.producer_tags(catalogue.slug) == [
        {"name": "velo", "datasets": 3}, {"name": "piste-cyclable", "datasets": 2}]
    assert services.producer_tags("autre") == [{"name": "eau", "datasets": 2}]


def test_tags_already_proposed_are_left_out(catalogue):
    assert services.producer_tags(catalogue.slug, {"velo"}) == [
        {"name": "piste-cyclable", "datasets": 2}]


def test_no_organisation_or_an_unknown_one_gives_none(catalogue):
    assert services.producer_tags("") == []
    assert services.producer_tags("inconnue") == []


def test_the_api_lists_them_apart(client, catalogue):
    cache.clear()
    body = {"title": "Comptages vélo", "organisation": catalogue.slug}
    data = client.post(URL, body, content_type="application/json").json()
    proposed = {t["name"] for t in data["tags"]}
    usual = [t for t in [{"name": "velo", "datasets": 3},
                         {"name": "piste-cyclable", "datasets": 2}] if t["name"] not in proposed]
    assert data["producer_tags"] == usual
    anonymous = client.post(URL, {"title": "Comptages vélo"},
                            content_type="application/json").json()
    assert anonymous["producer_tags"] == []
    cache.clear()


def test_the_form_offers_them_in_one_click(client, editor, catalogue, reference):
    client.force_login(editor)
    page = client.post("/publier/jeu-de-donnees/", {
        "organisation": catalogue.pk, "title": "Budget primitif", "description": "",
        "tags": "", "frequency": "unknown", "status": "draft", "suggest": "1"}).content.decode()
    assert "Mots-clés habituels de l'organisation" in page
    assert 'value="tag:velo"' in page and 'title="sur 3 de ses jeux de données"' in page
    response = client.post("/publier/jeu-de-donnees/", {
        "organisation": catalogue.pk, "title": "Budget primitif", "description": "",
        "tags": "budget", "frequency": "unknown", "status": "draft",
        "accept_suggestion": "tag:velo"})
    assert response.context["form"].initial["tags"] == "budget, velo"
