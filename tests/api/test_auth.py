"""Personal API tokens and sessions: how callers prove who they are."""
import datetime as dt

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from datasud.accounts.models import ApiToken

JSON = "application/json"


@pytest.fixture
def published(make_dataset):
    return make_dataset("Horaires", slug="horaires")


@pytest.mark.parametrize("header", [
    {"Authorization": "Bearer {raw}"},
    {"Authorization": "bearer {raw}"},
    {"Authorization": "Token {raw}"},
    {"X-API-KEY": "{raw}"},
])
def test_token_is_accepted_in_every_documented_header(token_for, editor, published, header):
    raw = token_for(editor)
    client = Client(headers={k: v.format(raw=raw) for k, v in header.items()})
    response = client.patch("/api/1/datasets/horaires/", {"title": "Nouveau"},
                            content_type=JSON)
    assert response.status_code == 200, response.content
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", [
    {"Authorization": "Bearer dsud_not-a-real-token"},
    {"Authorization": "Bearer something-else"},
    {"X-API-KEY": "dsud_wrong"},
])
def test_wrong_token_is_401(published, header):
    client = Client(headers=header)
    response = client.patch("/api/1/datasets/horaires/", {"title": "x"}, content_type=JSON)
    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton d'API invalide, expiré ou révoqué."}
    # A wrong token on a read is refused too, rather than silently read as anonymous.
    assert client.get("/api/1/datasets/horaires/").status_code == 401


def test_revoked_and_expired_tokens_are_refused(editor, published):
    revoked, raw_revoked = ApiToken.issue(editor, "old")
    revoked.revoke()
    _, raw_expired = ApiToken.issue(editor, "expired",
                                    expires_at=timezone.now() - dt.timedelta(days=1))
    for raw in (raw_revoked, raw_expired):
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        response = client.patch("/api/1/datasets/horaires/", {"title": "x"},
                                content_type=JSON)
        assert response.status_code == 401


def test_a_token_reads_what_its_owner_may_see(token_for, editor, make_dataset):
    make_dataset("Secret", slug="secret", private=True)
    assert Client().get("/api/1/datasets/secret/").status_code == 404
    client = Client(headers={"Authorization": f"Bearer {token_for(editor)}"})
    assert client.get("/api/1/datasets/secret/").status_code == 200


def test_session_reads_and_writes_with_csrf(editor, published):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get("/api/1/me/").json()["username"] == "editor"
    refused = client.patch("/api/1/datasets/horaires/", {"title": "x"}, content_type=JSON)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    token = _get_new_csrf_string()  # what the platform's pages put in the csrftoken cookie
    client.cookies["csrftoken"] = token
    accepted = client.patch("/api/1/datasets/horaires/", {"title": "Via la session"},
                            content_type=JSON, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["title"] == "Via la session"


def test_token_writes_need_no_csrf(token_for, editor, published):
    client = Client(enforce_csrf_checks=True,
                    headers={"Authorization": f"Bearer {token_for(editor)}"})
    response = client.patch("/api/1/datasets/horaires/", {"title": "x"}, content_type=JSON)
    assert response.status_code == 200


def test_anonymous_write_is_401_not_a_csrf_failure(published):
    client = Client(enforce_csrf_checks=True)
    response = client.patch("/api/1/datasets/horaires/", {"title": "x"}, content_type=JSON)
    assert response.status_code == 401


def test_me(client_as, editor, organisation):
    body = client_as(editor).get("/api/1/me/").json()
    assert body == {"username": "editor", "email": "ed@example.org", "full_name": "",
                    "is_staff": False,
                    "organisations": [{"organisation": organisation.slug,
                                       "name": organisation.name, "role": "editor"}]}
    assert Client().get("/api/1/me/").status_code == 401


def test_create_token_from_a_session_returns_it_once_and_stores_its_hash(editor):
    client = Client()
    client.force_login(editor)
    response = client.post("/api/1/tokens/", {"name": "Script de publication"},
                           content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    raw = body["token"]
    assert raw.startswith("dsud_") and body["prefix"] == raw[:11] and body["active"]
    token = ApiToken.objects.get()
    assert token.key_hash != raw and raw not in token.key_hash
    for value in ApiToken.objects.values_list(flat=False).get():
        assert raw not in str(value)
    # The raw token is never shown again.
    listed = client.get("/api/1/tokens/").json()
    assert listed["total"] == 1 and "token" not in listed["data"][0]
    # And it works.
    me = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/1/me/")
    assert me.json()["username"] == "editor"


def test_a_token_cannot_mint_tokens(client_as, editor):
    response = client_as(editor).post("/api/1/tokens/", {"name": "x"}, content_type=JSON)
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1  # the one the client uses


def test_token_validation(editor):
    client = Client()
    client.force_login(editor)
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = client.post("/api/1/tokens/", {"name": "x", "expires_at": past},
                           content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "expires_at", "message": "La date d'expiration doit être dans le futur."}]
    response = client.post("/api/1/tokens/", {"name": ""}, content_type=JSON)
    assert response.json()["errors"][0]["field"] == "name"
    naive = client.post("/api/1/tokens/", {"name": "x", "expires_at": "2999-01-01T00:00:00"},
                        content_type=JSON)
    assert naive.status_code == 201
    assert naive.json()["expires_at"].startswith("2999-01-01T00:00:00+")


def test_list_and_revoke_own_tokens_only(token_for, client_as, editor, outsider):
    mine, _ = ApiToken.issue(editor, "mine")
    theirs, _ = ApiToken.issue(outsider, "theirs")
    client = client_as(editor)
    listed = client.get("/api/1/tokens/").json()
    assert listed["total"] == 2  # "mine" and the client's own
    assert {t["name"] for t in listed["data"]} == {"mine", "tests"}
    assert client.delete(f"/api/1/tokens/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/1/tokens/{mine.pk}/").status_code == 204
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    listed = {t["name"]: t for t in client.get("/api/1/tokens/").json()["data"]}
    assert listed["mine"]["active"] is False and listed["mine"]["revoked_at"]


def test_revoking_the_token_in_use_locks_it_out(token_for, editor):
    raw = token_for(editor)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    token = ApiToken.objects.get()
    assert client.delete(f"/api/1/tokens/{token.pk}/").status_code == 204
    assert client.get("/api/1/me/").status_code == 401


def test_inactive_user_token_is_refused(token_for, editor):
    raw = token_for(editor)
    editor.is_active = False
    editor.save()
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/1/me/").status_code == 401
