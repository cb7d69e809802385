"""POST /api/1/suggestions: shape, limits and errors (French), rate limit."""
import pytest
from django.core.cache import cache

from .conftest import ACCM, producer_share_of

URL = "/api/1/suggestions"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # ninja's throttles count in the cache
    yield
    cache.clear()


def post(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


def test_shape(client, territories):
    response = post(client, {"title": "Pistes cyclables de Marseille",
                             "description": "Les aménagements vélo de la ville."})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"themes", "tags", "licence", "frequency", "territories",
                         "producer_tags"}
    assert data["producer_tags"] == []  # no organisation given
    assert set(data["themes"][0]) == {"slug", "score"}
    assert set(data["tags"][0]) == {"name", "score"}
    assert data["themes"][0]["slug"] == "mobilite-et-transports"
    assert data["territories"][0]["key"] == "commune:13055"
    assert set(data["licence"]) == {"slug", "score"}


def test_columns_are_optional_and_read(client, territories):
    response = post(client, {"title": "Effectifs", "columns": [
        {"name": "code_insee", "values": ["84007"]}]})
    assert response.status_code == 200
    assert response.json()["territories"][0]["code"] == "84007"


def test_the_producer_given_reaches_the_ranker(client, db, producers_seen):
    """The organisation's slug goes to the model, whose evidence then holds how often the
    producer gave each candidate: the agglomération of Arles tags 510 of its 520 datasets
    `france`. (Whether that lifts `france` into the answer depends on the text: for « Aires
    de jeux » the ranker, learnt on cross-validation where the producer's share added
    nothing to P@5, keeps it below the 0.05 the API shows.) An unknown slug changes
    nothing."""
    body = {"title": "Aires de jeux"}
    anonymous = post(client, body).json()["tags"]
    assert post(client, {**body, "organisation": ACCM}).status_code == 200
    unknown = post(client, {**body, "organisation": "inconnue"}).json()["tags"]
    assert producers_seen == ["", ACCM, "inconnue"]
    assert unknown == anonymous
    assert producer_share_of("france", "Aires de jeux", ACCM) > 0.95
    assert producer_share_of("france", "Aires de jeux", "") == 0.0


@pytest.mark.parametrize("body, field", [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"title": "ok", "description": "x" * 20_001}, "description"),
    ({"title": "ok", "columns": [{"name": "a", "values": ["x"] * 201}]}, "columns.0.values"),
    ({"title": "ok", "columns": [{"name": "a", "values": ["x" * 501]}]}, "columns.0.values.0"),
    ({"title": 3}, "title"),
    ({"title": "ok", "organisation": "x" * 256}, "organisation"),
])
def test_invalid_input_is_422_with_the_field(client, db, body, field):
    response = post(client, body)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "Données invalides."
    assert field in [e["field"] for e in data["errors"]]


def test_blank_title_is_400_in_french(client, db):
    response = post(client, {"title": "   "})
    assert response.status_code == 400
    assert "titre" in response.json()["detail"]


def test_not_json_is_refused(client, db):
    response = client.post(URL, "title=x", content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500


def test_anonymous_callers_are_rate_limited(client, db):
    codes = [post(client, {"title": "Horaires des bus"}).status_code for _ in range(61)]
    assert codes[:60] == [200] * 60
    assert codes[60] == 429


def test_documented_in_openapi(client, db):
    schema = client.get("/api/1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert operation["operationId"] == "suggestions"
    assert {"200", "422", "429", "503"} <= set(operation["responses"])


def test_missing_model_is_503(client, db, settings, tmp_path):
    from datasud.intelligence import services
    settings.DATASUD_SUGGESTIONS_MODEL = tmp_path / "absent.npz"
    services.current_model.cache_clear()
    try:
        response = post(client, {"title": "Horaires des bus"})
    finally:
        services.current_model.cache_clear()
    assert response.status_code == 503
    assert "indisponible" in response.json()["detail"]


def test_signed_in_callers_have_their_own_larger_allowance(client, token_for, editor):
    raw = token_for(editor)
    for _ in range(60):
        post(client, {"title": "Horaires des bus"})
    assert post(client, {"title": "Horaires des bus"}).status_code == 429
    response = post(client, {"title": "Horaires des bus"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200

