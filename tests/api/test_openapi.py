"""The OpenAPI document, the docs page, and JSON answers for every error under /api/1/."""
import json

import pytest

EXPECTED = {
    "/api/1/datasets/": {"get", "post"},
    "/api/1/datasets/{slug}/": {"get", "patch", "delete"},
    "/api/1/datasets/{slug}/activity/": {"get"},
    "/api/1/datasets/{slug}/qualite/": {"get"},
    "/api/1/datasets/{ref}/related/": {"get"},
    "/api/1/colonnes/": {"get"},
    "/api/1/datasets/{slug}/resources/": {"post"},
    "/api/1/datasets/{slug}/resources/upload/": {"post"},
    "/api/1/datasets/{slug}/resources/{resource_id}/": {"get", "patch", "delete"},
    "/api/1/organisations/": {"get", "post"},
    "/api/1/organisations/{slug}/": {"get", "patch"},
    "/api/1/organisations/{slug}/members/": {"get", "post"},
    "/api/1/organisations/{slug}/members/{username}/": {"patch", "delete"},
    "/api/1/reuses/": {"get", "post"},
    "/api/1/reuses/{slug}/": {"get", "patch", "delete"},
    "/api/1/themes/": {"get"},
    "/api/1/licences/": {"get"},
    "/api/1/territories/": {"get"},
    "/api/1/territories/{level}/{code}/": {"get"},
    "/api/1/me/": {"get"},
    "/api/1/tokens/": {"get", "post"},
    "/api/1/tokens/{token_id}/": {"delete"},
    "/api/1/datastore/": {"get"},
    "/api/1/datastore/sql/": {"get", "post"},
    "/api/1/datastore/{resource_id}/": {"get"},
    "/api/1/datastore/{resource_id}/load/": {"post"},
    "/api/1/datastore/{resource_id}/loads/": {"get"},
    "/api/1/datastore/{resource_id}/records/": {"get"},
    "/api/1/datastore/{resource_id}/profile/": {"get"},
    "/api/1/datastore/{resource_id}/schema/": {"get"},
    "/api/1/datastore/{resource_id}/validation/": {"get"},
    "/api/1/employment/search": {"get"},
    "/api/1/employment/fiches/{code}": {"get"},
    "/api/1/employment/fiches/{code}/mobilites": {"get"},
    "/api/1/employment/diagnostic": {"get"},
    "/api/1/datastore/{resource_id}/declared-schema/": {"get", "put", "delete"},
    "/api/1/datastore/{resource_id}/export/{fmt}/": {"get"},
    "/api/1/programmes/": {"get"},
    "/api/1/programmes/places/": {"get"},
    "/api/1/programmes/places/{slug}/": {"get"},
    "/api/1/programmes/places/{slug}/reports/": {"post"},
    "/api/1/programmes/applications/": {"get"},
    "/api/1/programmes/applications/{application_id}/": {"get"},
    "/api/1/programmes/applications/{application_id}/moves/": {"post"},
    "/api/1/programmes/applications/{application_id}/consultant/": {"post"},
    "/api/1/programmes/applications/{application_id}/steps/": {"post"},
    "/api/1/programmes/events/": {"get"},
    "/api/1/programmes/events/{slug}/": {"get"},
    "/api/1/programmes/{slug}/calls/{call}/applications/": {"post"},
    "/api/1/programmes/{slug}/": {"get"},
    "/api/1/suggestions": {"post"},
}


@pytest.fixture
def document(anon, db):
    response = anon.get("/api/1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_describes_the_api(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "DataSud API"
    assert document["info"]["version"] == "1"
    assert "**FR**" in document["info"]["description"]
    assert "**EN**" in document["info"]["description"]
    paths = {path: set(methods) for path, methods in document["paths"].items()}
    assert paths == EXPECTED
    tag_names = {tag["name"] for tag in document["tags"]}
    operation_ids = []
    for methods in document["paths"].values():
        for operation in methods.values():
            assert operation["summary"] and operation["tags"]
            assert set(operation["tags"]) <= tag_names
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids))
    schemas = document["components"]["schemas"]
    for ref in _refs(document):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_security_is_documented(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-KEY"}
    search = document["paths"]["/api/1/datasets/"]["get"]
    assert {} in search["security"]  # reading needs no token
    create = document["paths"]["/api/1/datasets/"]["post"]
    assert {} not in create["security"]
    assert "413" in document["paths"]["/api/1/datasets/{slug}/resources/upload/"]["post"][
        "responses"]


def _docs_html(client) -> str:
    response = client.get("/api/1/docs")
    assert response.status_code == 200
    return response.content.decode()


def _assert_local_assets(html: str) -> None:
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "cdn." not in html and "django-ninja.dev" not in html
    assert "/api/1/openapi.json" in html


def test_docs_page_uses_the_bundled_swagger_ui(anon, db):
    # No CDN: the page and its assets come from our own server.
    _assert_local_assets(_docs_html(anon))
    # A page of the platform (found by a QA pass: no language, no title, no way back).
    html = _docs_html(anon)
    assert '<html lang="fr">' in html
    assert "<h1>API DataSud</h1>" in html
    assert """<a href="/">← Retour à l'accueil</a>""" in html
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js")


def test_unknown_address_is_a_json_404(anon, db):
    response = anon.get("/api/1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Adresse inconnue dans l'API : /api/1/nothing-here/"}


def test_unknown_address_with_a_line_break_is_a_json_404_too(anon, db):
    # Found by schemathesis: `.` stops at a line break, so such a path fell through to
    # Django's HTML 404.
    response = anon.delete("/api/1/datastore/x%0Ay/declared-schema/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_every_operation_documents_its_common_errors(anon, db):
    paths = anon.get("/api/1/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert responses["422"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"}, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)


def test_openapi_document_has_no_repeated_keys(anon, db):
    # Found by the QA pass: handlers' own codes (int keys) and the common errors (str keys)
    # were both written, so "400" appeared twice and the docs page (Swagger UI) showed
    # "Unable to render this definition".
    repeated = []

    def no_repeats(pairs):
        keys = [key for key, _ in pairs]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(anon.get("/api/1/openapi.json").content, object_pairs_hook=no_repeats)
    assert repeated == []


def test_missing_trailing_slash_redirects_keeping_the_method(as_editor, organisation):
    response = as_editor.post("/api/1/datasets?x=1", {"title": "t"},
                              content_type="application/json")
    assert response.status_code == 308
    assert response["Location"] == "/api/1/datasets/?x=1"
    assert response.json()["detail"]
    assert as_editor.get("/api/1/docs/")["Location"] == "/api/1/docs"


def test_index_points_to_the_docs_and_the_lists(anon, db):
    body = anon.get("/api/1/").json()
    assert body["title"] == "DataSud API" and body["version"] == "1"
    assert body["openapi"] == "http://testserver/api/1/openapi.json"
    assert body["docs"] == "http://testserver/api/1/docs"
    for url in body["endpoints"].values():
        assert anon.get(url).status_code == 200


def test_wrong_method_is_a_json_405(anon, db):
    response = anon.put("/api/1/datasets/")
    assert response.status_code == 405
    assert response["Allow"]
    assert "PUT" in response.json()["detail"]
