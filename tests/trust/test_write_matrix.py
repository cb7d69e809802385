"""Who may change what, everywhere: role × target × write action (pages with CSRF, API v1,
CKAN API). Allowed writes take effect; refused ones answer as the surface defines (login
page, 401, 403, or 404 for what the role may not even see) and change nothing at all, in
the database or on disk."""

import pytest

from datasud.catalog.models import Dataset

from .writes import (
    CELLS,
    LOGIN,
    WRITE_ACTIONS,
    database_state,
    expected_refusal,
    files_on_disk,
    post_form,
)


def refusal_of(response) -> object:
    if response.status_code == 302 and response["Location"].startswith(LOGIN):
        return "login"
    return response.status_code


@pytest.mark.parametrize("role, kind, action", CELLS,
                         ids=[f"{role}-{kind or 'org'}-{name}" for role, kind, name in CELLS])
def test_write_matrix(request, w, role, kind, action):
    entry = WRITE_ACTIONS[action]
    if entry.files:
        request.getfixturevalue("own_files")
    before, files_before = database_state(w), files_on_disk()
    response = entry.act(w, role, kind)
    after = database_state(w)
    if entry.allowed(role, kind):
        assert response.status_code in entry.success, (
            response.status_code, response.content[:400])
        if response.status_code == 302:
            assert not response["Location"].startswith(LOGIN)
        assert after != before, "an accepted write changed nothing"
        return
    assert refusal_of(response) == expected_refusal(entry, role, kind), (
        response.status_code, response.content[:400])
    assert after == before, "a refused write changed the database"
    assert files_on_disk() == files_before, "a refused write left files behind"


@pytest.mark.parametrize("action", ["html-dataset-edit", "html-dataset-delete",
                                    "html-member-add", "html-token-create"])
def test_pages_refuse_writes_without_the_csrf_token(w, action):
    entry = WRITE_ACTIONS[action]
    role = "admin"
    kind = entry.kinds[0]
    before = database_state(w)
    client = w.client(role, token=False, enforce_csrf_checks=True)
    path = {
        "html-dataset-edit": "/jeux-de-donnees/jeu-ondine/modifier/",
        "html-dataset-delete": "/jeux-de-donnees/jeu-ondine/supprimer/",
        "html-member-add": f"/organisations/{w.org_a.slug}/membres/ajouter/",
        "html-token-create": "/compte/jetons/",
    }[action]
    # A's admin may do all of these (test_write_matrix): the refusal is the CSRF check's.
    assert entry.allowed(role, kind)
    response = client.post(path, {"title": "x", "user": "t-outsider", "name": "x"})
    assert response.status_code == 403
    assert database_state(w) == before


def test_api_session_writes_need_the_csrf_token(w):
    """The API accepts the site's session for writes, but only with the CSRF token."""
    before = database_state(w)
    client = w.client("editor", token=False, enforce_csrf_checks=True)
    response = client.patch("/api/1/datasets/jeu-ondine/", {"title": "Sans CSRF"},
                            content_type="application/json")
    assert response.status_code in (401, 403)
    assert database_state(w) == before
    client.cookies["csrftoken"] = "a" * 32
    response = client.patch("/api/1/datasets/jeu-ondine/", {"title": "Avec CSRF"},
                            content_type="application/json", headers={"X-CSRFToken": "a" * 32})
    assert response.status_code == 200
    assert Dataset.objects.get(slug="jeu-ondine").title == "Avec CSRF"


def test_ckan_writes_need_a_token_not_a_session(w):
    """CKAN write actions are for scripts: a signed-in browser session is not enough."""
    before = database_state(w)
    client = w.client("editor", token=False)
    response = client.post("/api/3/action/package_patch",
                           '{"id": "jeu-ondine", "title": "Par session"}',
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"
    assert database_state(w) == before


def test_a_form_posted_by_a_refused_role_is_not_half_applied(w):
    """A producer of B posting A's edit form with B as the organisation: refused whole."""
    before = database_state(w)
    response = post_form(w, "b_member", "/jeux-de-donnees/jeu-ondine/modifier/", {
        "organisation": w.org_b.pk, "title": "Détourné", "frequency": "unknown",
        "status": "published"})
    assert response.status_code == 403
    assert database_state(w) == before
