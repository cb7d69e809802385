"""Personal API tokens: stored hashed, shown once, and refused everywhere once revoked or
expired (API v1, datastore, CKAN API, whichever header carries them)."""
import datetime as dt
import hashlib
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from datasud.accounts.models import ApiToken, Membership
from datasud.ckan import ids

from .writes import database_state, page_client, post_form

RAW_TOKEN = re.compile(r"dsud_[A-Za-z0-9_-]{20,}")


def _everything_stored() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_hashed(w):
    response = post_form(w, "editor", "/compte/jetons/", {"name": "Script de publication"})
    assert response.status_code == 200
    raw = RAW_TOKEN.findall(response.content.decode())
    assert len(set(raw)) == 1
    raw = raw[0]
    token = ApiToken.objects.get(user=w.users["editor"], name="Script de publication")
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw) / 3
    assert raw not in _everything_stored()
    # It works, and the account page never shows it again.
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get(
        "/api/1/me/").json()["username"] == "t-editor"
    assert raw not in w.client("editor").get("/compte/").content.decode()


def test_a_token_made_through_the_api_is_stored_hashed(w):
    client, csrf = page_client(w, "admin")
    response = client.post("/api/1/tokens/", {"name": "Moissonneur"},
                           content_type="application/json", headers={"X-CSRFToken": csrf})
    assert response.status_code == 201
    raw = response.json()["token"]
    assert raw not in _everything_stored()
    listed = w.client("admin", session=False).get("/api/1/tokens/").json()["data"]
    assert raw not in json.dumps(listed) and "Moissonneur" in json.dumps(listed)


def _revoked_by_page(w):
    token = ApiToken.objects.get(user=w.users["editor"])
    response = post_form(w, "editor", f"/compte/jetons/{token.pk}/revoquer/", {})
    assert response.status_code == 302
    return w.tokens["editor"]


def _revoked_by_api(w):
    token = ApiToken.objects.get(user=w.users["editor"])
    response = w.client("editor", session=False).delete(f"/api/1/tokens/{token.pk}/")
    assert response.status_code == 204
    return w.tokens["editor"]


def _expired(w):
    _token, raw = ApiToken.issue(w.users["editor"], "court",
                                 expires_at=timezone.now() - dt.timedelta(seconds=1))
    return raw


def _of_a_deactivated_account(w):
    w.users["editor"].__class__.objects.filter(pk=w.users["editor"].pk).update(is_active=False)
    return w.tokens["editor"]


DEAD_TOKENS = {"revoked-on-page": _revoked_by_page, "revoked-by-api": _revoked_by_api,
               "expired": _expired, "deactivated-account": _of_a_deactivated_account}


def _ckan(action, **data):
    return lambda client: client.post(f"/api/3/action/{action}", json.dumps(data),
                                      content_type="application/json")


#: (name, header builder, request, expected status). Reads too: a wrong token is refused,
#: never taken for "no token", so that a script notices.
USES = {
    "api-read": ("Authorization", "Bearer {}", lambda c, w: c.get(
        "/api/1/datasets/jeu-ondine/"), 401),
    "api-read-x-api-key": ("X-API-KEY", "{}", lambda c, w: c.get(
        "/api/1/datasets/jeu-ondine/"), 401),
    "api-write": ("Authorization", "Token {}", lambda c, w: c.patch(
        "/api/1/datasets/jeu-cachette/", {"title": "Volé"}, content_type="application/json"),
        401),
    "api-me": ("Authorization", "Bearer {}", lambda c, w: c.get("/api/1/me/"), 401),
    "datastore-records": ("Authorization", "Bearer {}", lambda c, w: c.get(
        f"/api/1/datastore/{w.resources['private'].pk}/records/"), 401),
    "datastore-sql": ("Authorization", "Bearer {}", lambda c, w: c.get(
        "/api/1/datastore/sql/",
        {"sql": f"SELECT count(*) FROM resource_{w.resources['private'].pk}"}), 401),
    "ckan-read": ("Authorization", "{}", lambda c, w: _ckan(
        "package_show", id="jeu-cachette")(c), 403),
    "ckan-read-x-ckan-api-key": ("X-CKAN-API-Key", "{}", lambda c, w: _ckan(
        "package_show", id="jeu-cachette")(c), 403),
    "ckan-write": ("Authorization", "Bearer {}", lambda c, w: _ckan(
        "package_patch", id="jeu-cachette", title="Volé")(c), 403),
    "ckan-datastore_search": ("Authorization", "{}", lambda c, w: _ckan(
        "datastore_search", resource_id=ids.make(ids.RESOURCE, w.resources["private"].pk))(c),
        403),
}


@pytest.mark.parametrize("use", USES)
@pytest.mark.parametrize("death", DEAD_TOKENS)
def test_dead_tokens_are_refused_everywhere(w, death, use):
    header, template, send, status = USES[use]
    live = Client(headers={header: template.format(w.tokens["editor"])})
    assert send(live, w).status_code == 200  # the same request with a live token works
    raw = DEAD_TOKENS[death](w)
    before = database_state(w)
    response = send(Client(headers={header: template.format(raw)}), w)
    assert response.status_code == status, response.content[:300]
    body = response.json()
    if use.startswith("ckan"):
        assert body["success"] is False
        assert body["error"]["__type"] == "Authorization Error"
    else:
        assert "jeton" in body["detail"].lower() or "authentification" in body["detail"].lower()
    assert database_state(w) == before


def test_revoking_is_for_the_owner_only(w):
    theirs = ApiToken.objects.get(user=w.users["editor"])
    page = post_form(w, "outsider", f"/compte/jetons/{theirs.pk}/revoquer/", {})
    api = w.client("admin", session=False).delete(f"/api/1/tokens/{theirs.pk}/")
    assert (page.status_code, api.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_token_follows_its_owner_out_of_the_organisation(w):
    """Rights come from the membership at the time of each request, not from the token."""
    client = w.client("editor", session=False)
    assert client.get("/api/1/datasets/jeu-cachette/").status_code == 200
    Membership.objects.filter(user=w.users["editor"], organisation=w.org_a).delete()
    before = database_state(w)
    assert client.get("/api/1/datasets/jeu-cachette/").status_code == 404
    assert client.patch("/api/1/datasets/jeu-ondine/", {"title": "Ancien membre"},
                        content_type="application/json").status_code == 403
    assert database_state(w) == before
