"""POST /api/1/suggestions: shape, limits and errors (French), rate limit."""
import pytest
from django.core.cache import cache

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
    assert set(data) == {"themes", "tags", "licence", "frequency", "territories"}
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


ACCM = "communaute-dagglomeration-arles-crau-camargue-montagnette"


def test_the_producer_given_brings_its_tags(client, db):
    """The agglomération of Arles tags nearly all its datasets `france`: told who the
    producer is, the model proposes it (among the tags the API returns: at most 10, with a
    probability of at least 0.05; the boosted-trees ranker puts it 9th for so short a
    title, where no neighbour carries it); not told, it does not."""
    body = {"title": "Aires de jeux"}
    anonymous = [t["name"] for t in post(client, body).json()["tags"]]
    given = [t["name"] for t in post(client, {**body, "organisation": ACCM}).json()["tags"]]
    assert "france" in given and "france" not in anonymous, (given, anonymous)
    unknown = post(client, {**body, "organisation": "inconnue"}).json()["tags"]
    assert [t["name"] for t in unknown] == anonymous


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

