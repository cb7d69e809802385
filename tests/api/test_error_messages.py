"""The API answers bad input in French: pydantic's validation messages and Ninja's
unreadable-body message are translated (`datasud/api_errors.py`)."""
import pytest

from datasud import api_errors

JSON = "application/json"


def _messages(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.mark.django_db
def test_a_missing_field_is_said_in_french(client):
    response = client.post("/api/1/suggestions", {"description": "Sans titre"},
                           content_type=JSON)
    assert response.status_code == 422
    assert _messages(response)["title"] == "Champ obligatoire."


@pytest.mark.django_db
def test_a_wrong_type_is_said_in_french(client):
    response = client.post("/api/1/suggestions", {"title": ["une", "liste"]},
                           content_type=JSON)
    assert response.status_code == 422
    assert _messages(response)["title"] == "Une chaîne de caractères est attendue."


@pytest.mark.django_db
def test_a_query_parameter_out_of_range_names_its_bound(client):
    response = client.get("/api/1/datasets/", {"page": "0"})
    assert response.status_code == 422
    assert _messages(response)["page"] == "La valeur doit être supérieure ou égale à 1."


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["{pas du json", "\x00", "[1, 2"])
def test_a_body_that_is_not_json_is_a_400_in_french(client, body):
    response = client.post("/api/1/suggestions", body, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Corps de requête illisible")


@pytest.mark.django_db
def test_an_empty_body_is_said_missing(client):
    response = client.post("/api/1/suggestions", "", content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": None, "message": api_errors.MISSING_BODY}]


def test_our_own_french_messages_are_kept():
    error = {"type": "value_error", "msg": "Value error, Licence inconnue : x."}
    assert api_errors.message(error) == "Licence inconnue : x."


def test_an_untranslated_type_keeps_the_original_message():
    assert api_errors.message({"type": "some_new_type", "msg": "Whatever"}) == "Whatever"


def test_a_context_without_the_expected_field_falls_back():
    assert api_errors.message({"type": "greater_than", "msg": "Input should be > 0",
                               "ctx": {}}) == "Input should be > 0"
