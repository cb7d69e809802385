"""The CKAN envelope, how parameters are read, who the caller is, and error statuses."""
import json

import pytest
from django.test import Client

from datasud.ckan import ids


def test_success_envelope_has_help_and_result(anon, call, catalogue):
    status, body = call(anon, "site_read")
    assert status == 200
    assert body == {"help": "http://testserver/api/3/action/help_show?name=site_read",
                    "success": True, "result": True}


def test_api_root_answers_its_version(anon):
    assert anon.get("/api/3/").json() == {"version": 3}


def test_unknown_action_is_a_ckan_bad_request(anon, call):
    status, body = call(anon, "package_destroy_everything")
    assert status == 400
    assert body["success"] is False
    assert body["error"] == {"__type": "Bad Request",
                             "message": "Bad request - Action name not known: "
                                        "package_destroy_everything"}


def test_write_actions_refuse_get(anon, call):
    status, body = call(anon, "package_create", name="x")
    assert status == 400
    assert "Please use POST" in body["error"]["message"]


def test_other_methods_are_refused(anon):
    response = anon.delete("/api/3/action/package_show")
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Bad Request"


def test_post_json_body(anon, catalogue):
    response = anon.post("/api/3/action/package_show", json.dumps({"id": "budget"}),
                         content_type="application/json")
    assert response.json()["result"]["name"] == "budget"


def test_post_form_encoded_and_json_as_only_form_key(anon, catalogue):
    form = anon.post("/api/3/action/package_show", {"id": "budget"})
    assert form.json()["result"]["name"] == "budget"
    # Old clients post the JSON document as the form's only key, with an empty value.
    legacy = anon.post("/api/3/action/package_show", "%7B%22id%22%3A%22budget%22%7D=",
                       content_type="application/x-www-form-urlencoded")
    assert legacy.json()["result"]["name"] == "budget"


def test_post_with_query_string_parameters_for_reads(anon, catalogue):
    response = anon.post("/api/3/action/package_show?id=budget")
    assert response.json()["result"]["name"] == "budget"


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', "[" * 100_000])
def test_unreadable_bodies_are_bad_requests(anon, body):
    response = anon.post("/api/3/action/package_show", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Bad request - ")


def test_not_found_error(anon, call, catalogue):
    status, body = call(anon, "package_show", id="nothing-here")
    assert status == 404
    assert body["error"]["__type"] == "Not Found Error"
    assert body["error"]["message"].startswith("Not found: ")


def test_huge_numbers_are_brought_down_not_500(anon, result, catalogue):
    assert result(anon, "package_list", offset=10**40, limit=10**40) == []
    assert result(anon, "package_search", start=10**40)["results"] == []


def test_missing_parameter_is_a_validation_error(anon, call):
    status, body = call(anon, "package_show")
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["id"] == ["Valeur manquante"]


def test_malformed_parameter_is_a_validation_error(anon, call):
    status, body = call(anon, "package_search", rows="many")
    assert status == 409
    assert body["error"]["rows"] == ["Nombre entier attendu."]


@pytest.mark.parametrize("header", ["{}", "Bearer {}", "Token {}"])
def test_token_forms_accepted(call, catalogue, editor, token_for, header):
    client = Client(headers={"Authorization": header.format(token_for(editor))})
    status, body = call(client, "package_show", id="velos-prives")
    assert status == 200, body


def test_ckan_api_key_header_accepted(call, catalogue, editor, token_for):
    client = Client(headers={"X-CKAN-API-Key": token_for(editor)})
    assert call(client, "package_show", id="velos-prives")[0] == 200


def test_wrong_token_is_refused_not_taken_as_anonymous(call, catalogue):
    client = Client(headers={"Authorization": "dsud_not-a-real-token"})
    status, body = call(client, "package_show", id="budget")
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"
    assert body["error"]["message"].startswith("Access denied: ")


def test_signed_in_session_reads_like_its_user(call, catalogue, editor):
    client = Client()
    client.force_login(editor)
    assert call(client, "package_show", id="velos-prives")[0] == 200
    assert call(Client(), "package_show", id="velos-prives")[0] == 404


def test_answers_for_a_user_are_not_cached_publicly(anon, as_editor, catalogue):
    response = as_editor.get("/api/3/action/package_show", {"id": "velos-prives"})
    assert "no-store" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_help_show_returns_the_documentation(anon, result):
    assert "fq" in result(anon, "help_show", name="package_search")
    assert Client().get("/api/3/action/help_show", {"name": "nope"}).status_code == 404


def test_ids_are_uuid_shaped_and_read_back():
    import uuid

    value = ids.make(ids.DATASET, 42)
    assert uuid.UUID(value).version == 8
    assert ids.parse(ids.DATASET, value) == 42
    assert ids.parse(ids.RESOURCE, value) is None  # a dataset id never names a resource
    assert ids.parse(ids.DATASET, "42") is None
    assert ids.parse(ids.DATASET, None) is None
