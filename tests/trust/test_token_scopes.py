"""Scoped API tokens (`datasud/accounts/scopes.py`): what a token may do is the intersection
of its owner's rights and its scopes, on every surface that takes a token (API v1, CKAN
API, datastore, OGC API Features and tiles, resource downloads), checked through the same
registries as the permission matrix:

- a token without `ecriture` changes nothing anywhere (every write action of `writes.py`
  that takes a token), while a token with `ecriture` alone makes the same write;
- a token without `lecture` (or `datastore` for the datastore's surfaces) reads like the
  anonymous visitor, on every read surface of `surfaces.py` that takes a token;
- a token restricted to organisation B makes A's editor exactly a member of B, and staff no
  longer staff: every read surface and every write action answers as it does to B's member.
"""

import importlib

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasud.accounts.models import ApiToken, Membership
from datasud.accounts.scopes import DATASTORE, READ, SCOPES, WRITE

from .matrix import RULES
from .surfaces import KINDS_OF, READ_SURFACES
from .writes import (
    WRITE_ACTIONS,
    database_state,
    expected_refusal,
    files_on_disk,
)

#: Read surfaces a token reaches (pages use the session only).
TOKEN_READS = [
    name
    for name in READ_SURFACES
    if name.startswith(("api-", "datastore-", "ckan-", "ogc-", "tiles", "resource-file"))
]
#: ...and among them those that read the datastore's tables (the `datastore` scope).
DATASTORE_READS = {
    name
    for name in TOKEN_READS
    if name.startswith(("datastore-", "ckan-datastore", "ogc-", "tiles"))
}
#: Operations only for signed-in people: without the scope, 403 rather than a public view.
SIGNED_IN_READS = {
    "api-application": "/api/1/programmes/applications/{pk}/",
    "api-applications": "/api/1/programmes/applications/",
}
#: Write actions a token performs (pages use the session and their CSRF token).
TOKEN_WRITES = [name for name, entry in WRITE_ACTIONS.items() if entry.surface != "html"]


def token_client(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def seen_with(world, raw: str, name: str, kind: str) -> bool:
    entry = READ_SURFACES[name]
    client = token_client(raw)
    if entry.listing:
        return entry.probe(world, client)[kind]
    return entry.probe(world, client, kind)


# --- Writes need `ecriture` ------------------------------------------------------------------


def _first_allowed(entry, kinds):
    for kind in kinds:
        for role in ("editor", "admin", "staff"):
            if entry.allowed(role, kind):
                return role, kind
    return None


def _write_cell(name):
    """The action on the most telling target (a private dataset, A itself, A's application)
    by the first role allowed to make it, or None if nobody may."""
    entry = WRITE_ACTIONS[name]
    return _first_allowed(
        entry, [k for k in ("private", None, "application-a", "application-b") if k in entry.kinds]
    )


WRITE_CELLS = [(name, *_write_cell(name)) for name in TOKEN_WRITES if _write_cell(name)]


@pytest.mark.parametrize(
    "action, role, kind", WRITE_CELLS, ids=[f"{name}-{role}" for name, role, _kind in WRITE_CELLS]
)
def test_a_token_without_ecriture_writes_nothing_anywhere(
    request, w, monkeypatch, action, role, kind
):
    entry = WRITE_ACTIONS[action]
    if entry.files:
        request.getfixturevalue("own_files")
    _token, read_only = ApiToken.issue(w.users[role], "lecture seule", scopes=[READ, DATASTORE])
    _token, write_only = ApiToken.issue(w.users[role], "écriture seule", scopes=[WRITE])
    monkeypatch.setitem(w.tokens, role, read_only)
    before, files_before = database_state(w), files_on_disk()
    response = entry.act(w, role, kind)
    assert response.status_code == 403, response.content[:300]
    if entry.surface == "ckan":
        assert response.json()["error"]["__type"] == "Authorization Error"
    else:
        assert "portée « ecriture »" in response.json()["detail"]
    assert database_state(w) == before, "a token without ecriture changed the database"
    assert files_on_disk() == files_before
    # The same write with a token that has `ecriture` alone goes through: the scope was
    # the reason.
    monkeypatch.setitem(w.tokens, role, write_only)
    response = entry.act(w, role, kind)
    assert response.status_code in entry.success, response.content[:300]
    assert database_state(w) != before


# --- Reads need `lecture` (catalogue) or `datastore` (tables) ---------------------------------

# Application operations are for signed-in people only (test below), hence not here.
READ_CELLS = [
    (name, lacking)
    for name in TOKEN_READS
    if READ_SURFACES[name].target != "application"
    for lacking in (False, True)
]


@pytest.mark.parametrize(
    "surface, lacking",
    READ_CELLS,
    ids=[
        f"{surface}-{'without' if lacking else 'with'}-its-scope" for surface, lacking in READ_CELLS
    ],
)
def test_a_token_reads_beyond_the_public_catalogue_only_with_its_scope(w, surface, lacking):
    """A's editor reading A's private dataset (or its table) with a token that has only
    the scope the surface needs, or every scope but that one."""
    entry = READ_SURFACES[surface]
    needed = DATASTORE if surface in DATASTORE_READS else READ
    scopes = [s for s in SCOPES if s != needed] if lacking else [needed]
    _token, raw = ApiToken.issue(w.users["editor"], "portées", scopes=scopes)
    expected = RULES[entry.rule]("anonymous" if lacking else "editor", "private")
    assert seen_with(w, raw, surface, "private") == expected, (
        f"token with scopes {scopes} on {surface} (needs {needed})"
    )


@pytest.mark.parametrize("surface", sorted(SIGNED_IN_READS))
@pytest.mark.parametrize("scope", SCOPES)
def test_operations_for_signed_in_people_refuse_a_token_without_lecture(w, surface, scope):
    _token, raw = ApiToken.issue(w.users["editor"], scope, scopes=[scope])
    path = SIGNED_IN_READS[surface].format(pk=w.applications["application-a"].pk)
    response = token_client(raw).get(path)
    if scope == READ:
        assert response.status_code == 200
        assert seen_with(w, raw, surface, "application-a")
        return
    assert response.status_code == 403, response.content[:300]
    assert "portée « lecture »" in response.json()["detail"]
    assert "aquilon" not in response.content.decode()


def test_me_and_tokens_need_lecture_and_revoking_needs_ecriture(w):
    _token, raw = ApiToken.issue(w.users["editor"], "écriture", scopes=[WRITE])
    client = token_client(raw)
    assert client.get("/api/1/me/").status_code == 403
    assert client.get("/api/1/tokens/").status_code == 403
    target, read_raw = ApiToken.issue(w.users["editor"], "lecture", scopes=[READ])
    reader = token_client(read_raw)
    assert reader.get("/api/1/me/").json()["username"] == "t-editor"
    assert reader.delete(f"/api/1/tokens/{target.pk}/").status_code == 403
    target.refresh_from_db()
    assert target.revoked_at is None
    assert client.delete(f"/api/1/tokens/{target.pk}/").status_code == 204


# --- A token restricted to one organisation -----------------------------------------------------


@pytest.fixture
def editor_restricted_to_b(w, monkeypatch):
    """A's editor, also an admin of B (as B's member is), with a token restricted to B."""
    Membership.objects.create(
        user=w.users["editor"], organisation=w.org_b, role=Membership.Role.ADMIN
    )
    _token, raw = ApiToken.issue(w.users["editor"], "pour B", organisation=w.org_b)
    monkeypatch.setitem(w.tokens, "editor", raw)
    return raw


# Archived datasets are seen as the public one is: left out to keep the suite fast.
RESTRICTED_READS = [
    (name, kind)
    for name in TOKEN_READS
    for kind in KINDS_OF[READ_SURFACES[name].target]
    if kind != "archived"
]


@pytest.mark.parametrize(
    "surface, kind",
    RESTRICTED_READS,
    ids=[f"{surface}-{kind}" for surface, kind in RESTRICTED_READS],
)
def test_a_token_restricted_to_b_reads_like_a_member_of_b(w, editor_restricted_to_b, surface, kind):
    entry = READ_SURFACES[surface]
    assert seen_with(w, editor_restricted_to_b, surface, kind) == RULES[entry.rule](
        "b_member", kind
    )


RESTRICTED_WRITES = [(name, kind) for name in TOKEN_WRITES for kind in WRITE_ACTIONS[name].kinds]


@pytest.mark.parametrize(
    "action, kind",
    RESTRICTED_WRITES,
    ids=[f"{name}-{kind or 'org'}" for name, kind in RESTRICTED_WRITES],
)
def test_a_token_restricted_to_b_changes_nothing_of_a(
    request, w, editor_restricted_to_b, action, kind
):
    entry = WRITE_ACTIONS[action]
    if entry.files:
        request.getfixturevalue("own_files")
    before, files_before = database_state(w), files_on_disk()
    response = entry.act(w, "editor", kind)
    assert response.status_code == expected_refusal(entry, "b_member", kind), (
        response.status_code,
        response.content[:300],
    )
    assert database_state(w) == before
    assert files_on_disk() == files_before


def test_a_staff_token_restricted_to_an_organisation_has_no_staff_powers(w):
    staff = w.users["staff"]
    Membership.objects.create(user=staff, organisation=w.org_b, role=Membership.Role.EDITOR)
    _token, raw = ApiToken.issue(staff, "pour B", organisation=w.org_b)
    client = token_client(raw)
    assert client.get("/api/1/datasets/jeu-cachette/").status_code == 404
    assert client.get("/api/1/me/").json()["is_staff"] is False
    assert [o["organisation"] for o in client.get("/api/1/me/").json()["organisations"]] == [
        w.org_b.slug
    ]
    pk = w.applications["application-a"].pk
    before = database_state(w)
    moved = client.post(
        f"/api/1/programmes/applications/{pk}/moves/",
        {"to_status": "under_review"},
        content_type="application/json",
    )
    assert moved.status_code == 404
    assert database_state(w) == before
    staff.refresh_from_db()
    assert staff.is_staff, "the account itself keeps its rights"
    # Unrestricted, the same account is staff again.
    assert token_client(w.tokens["staff"]).get("/api/1/datasets/jeu-cachette/").status_code == 200


def test_a_restricted_token_follows_its_membership(w, editor_restricted_to_b):
    client = token_client(editor_restricted_to_b)
    assert client.get("/api/1/programmes/applications/").json()["total"] == 1
    Membership.objects.filter(user=w.users["editor"], organisation=w.org_b).delete()
    assert client.get("/api/1/programmes/applications/").json()["total"] == 0
    # Not a way back into A either.
    assert client.get("/api/1/datasets/jeu-cachette/").status_code == 404


# --- Choosing scopes --------------------------------------------------------------------------


def test_tokens_have_every_scope_by_default_and_existing_ones_keep_them(w):
    token, _raw = ApiToken.issue(w.users["editor"], "défaut")
    assert token.scopes == list(SCOPES) and token.organisation is None
    assert all(t.scopes == list(SCOPES) for t in ApiToken.objects.filter(name="confiance"))
    migration = importlib.import_module("datasud.accounts.migrations.0003_token_scopes")
    added = {op.name: op.field for op in migration.Migration.operations}
    # Rows existing at migration time get the field's default: every scope, no organisation.
    assert added["scopes"].default() == list(SCOPES)
    assert added["organisation"].null


def test_the_token_page_creates_a_scoped_restricted_token(w):
    from .writes import post_form

    response = post_form(
        w,
        "editor",
        "/compte/jetons/",
        {
            "name": "Lecture pour A",
            "scopes": [READ, DATASTORE],
            "scopes_shown": "True",
            "organisation": w.org_a.pk,
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Lecture pour A")
    assert token.scopes == [READ, DATASTORE] and token.organisation == w.org_a
    page = w.client("editor").get("/compte/").content.decode()
    assert "lecture, datastore — Ville de Trust" in page


@pytest.mark.parametrize(
    "data, error",
    [
        ({"scopes_shown": "True"}, "Choisissez au moins une portée."),
        ({"scopes": ["tout"], "scopes_shown": "True"}, "Sélectionnez un choix valide"),
        # A's editor is not a member of B: B is not among the choices.
        (
            {"scopes": [READ], "scopes_shown": "True", "organisation": "B"},
            "Sélectionnez un choix valide",
        ),
    ],
    ids=["no-scope", "unknown-scope", "not-a-member"],
)
def test_the_token_page_refuses_bad_choices(w, data, error):
    from .writes import post_form

    before = database_state(w)
    if data.get("organisation") == "B":
        data = {**data, "organisation": w.org_b.pk}
    response = post_form(w, "editor", "/compte/jetons/", {"name": "Mauvais", **data})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert database_state(w) == before


def test_the_api_creates_scoped_tokens_and_refuses_bad_choices(w):
    from .writes import page_client

    client, csrf = page_client(w, "editor")

    def create(**payload):
        return client.post(
            "/api/1/tokens/",
            {"name": "API", **payload},
            content_type="application/json",
            headers={"X-CSRFToken": csrf},
        )

    made = create(scopes=[DATASTORE], organisation=w.org_a.slug)
    assert made.status_code == 201
    assert made.json()["scopes"] == [DATASTORE]
    assert made.json()["organisation"] == w.org_a.slug
    assert create().json()["scopes"] == list(SCOPES)
    before = database_state(w)
    for bad in ({"scopes": ["admin"]}, {"scopes": []}, {"scopes": "lecture"}):
        response = create(**bad)
        assert response.status_code == 422, response.content
    refused = create(organisation=w.org_b.slug)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "organisation"
    assert database_state(w) == before


def test_a_token_of_a_deleted_organisation_is_gone_not_widened(w):
    """Restricting must never silently turn into "every organisation"."""
    from datasud.catalog.models import Organisation

    gone = Organisation.objects.create(name="Commune dissoute", slug="commune-dissoute")
    Membership.objects.create(user=w.users["editor"], organisation=gone)
    token, raw = ApiToken.issue(w.users["editor"], "pour la commune dissoute", organisation=gone)
    client = token_client(raw)
    assert client.get("/api/1/datasets/jeu-cachette/").status_code == 404  # A's: not for it
    gone.delete()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert client.get("/api/1/datasets/jeu-cachette/").status_code == 401


# --- Hostile input: headers, token choices, applications ---------------------------------------

HTTP = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _near_tokens(raw: str):
    """Strings close to a real token: cut, lengthened, recased, padded, doubled schemes."""
    return st.sampled_from(
        [
            raw[:-1],
            raw + "x",
            raw.upper(),
            raw.lower(),
            f" {raw} ",
            f"Bearer {raw}",
            f"{raw} {raw}",
            raw.replace("dsud_", "DSUD_"),
            "dsud_",
            "dsud_" + "A" * 5000,
            raw[:12],
        ]
    )


#: Private surfaces and what they may answer to a header that is not a live token: refused
#: (401/403) or the anonymous answer (404, nothing of the private dataset).
HOSTILE_READS = {
    "/api/1/datasets/jeu-cachette/": {401, 404},
    "/api/3/action/package_show?id=jeu-cachette": {403, 404},
    "/api/1/datastore/{pk}/records/": {401, 404},
    "/api/ogc/collections/resource_{pk}?f=json": {401, 404},
    "/tuiles/resource_{pk}/tiles.json": {401, 404},
}


@HTTP
@given(data=st.data())
def test_hostile_authorization_headers_never_open_anything(w, data):
    header = data.draw(
        st.one_of(
            st.text(max_size=60),
            _near_tokens(w.tokens["editor"]),
            st.builds(
                "{} {}".format,
                st.sampled_from(["Bearer", "Token", "bearer", ""]),
                st.one_of(st.text(max_size=40), _near_tokens(w.tokens["editor"])),
            ),
        )
    )
    name = data.draw(st.sampled_from(["Authorization", "X-API-KEY", "X-CKAN-API-Key"]))
    if any(ord(c) < 32 or ord(c) > 0xFFFF for c in header):
        header = header.encode("unicode_escape").decode()
    if header.strip() in (
        w.tokens["editor"],
        f"Bearer {w.tokens['editor']}",
        f"Token {w.tokens['editor']}",
        f"bearer {w.tokens['editor']}",
    ):
        return  # the live token itself (whitespace around it is stripped): not hostile
    client = Client(headers={name: header})
    pk = w.resources["private"].pk
    for path, allowed in HOSTILE_READS.items():
        response = client.get(path.format(pk=pk))
        assert response.status_code in allowed, (name, header, path, response.status_code)
        assert "cachette" not in response.content.decode().replace("jeu-cachette", ""), path
    before = database_state(w)
    response = client.patch(
        "/api/1/datasets/jeu-ondine/", {"title": "Volé"}, content_type="application/json"
    )
    assert response.status_code in (401, 403), (name, header, response.status_code)
    assert database_state(w) == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@HTTP
@given(
    scopes=st.one_of(json_values, st.lists(st.sampled_from([*SCOPES, "LECTURE", ""]))),
    organisation=st.one_of(json_values, st.sampled_from(["ville-de-trust", "commune-voisine", ""])),
    name=st.text(max_size=120),
)
def test_hostile_token_choices_never_crash_nor_widen(w, scopes, organisation, name):
    from .writes import page_client

    client, csrf = page_client(w, "editor")
    response = client.post(
        "/api/1/tokens/",
        {"name": name, "scopes": scopes, "organisation": organisation},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code in (201, 400, 422), response.content[:300]
    if response.status_code == 201:
        made = ApiToken.objects.get(pk=response.json()["id"])
        assert set(made.scopes) <= set(SCOPES) and made.scopes
        assert made.organisation_id in (None, w.org_a.pk)  # A's editor: A or none


@HTTP
@given(
    answers=json_values,
    organisation=st.sampled_from(["ville-de-trust", "commune-voisine", "inconnue"]),
    role=st.sampled_from(["editor", "outsider", "b_member", "staff"]),
)
def test_hostile_applications_never_crash_nor_apply_for_others(w, answers, organisation, role):
    from datasud.programmes.models import Application

    before = Application.objects.count()
    response = token_client(w.tokens[role]).post(
        "/api/1/programmes/programme-confiance/calls/appel-ouvert/applications/",
        {"organisation": organisation, "answers": answers},
        content_type="application/json",
    )
    assert response.status_code in (201, 400, 403, 404, 422), response.content[:300]
    if response.status_code == 201:
        assert role == "editor" and organisation == "ville-de-trust"
        assert Application.objects.count() == before + 1
    else:
        assert Application.objects.count() == before


@HTTP
@given(
    to_status=st.one_of(
        st.text(max_size=15),
        st.sampled_from(["under_review", "accepted", "rejected", "completed", "in_progress"]),
    ),
    comment=st.one_of(st.text(max_size=50), st.just("x" * 2001)),
    role=st.sampled_from(["staff", "editor", "b_member"]),
)
def test_hostile_moves_never_crash_nor_move_for_others(w, to_status, comment, role):
    application = w.applications["application-a"]
    before = database_state(w)
    response = token_client(w.tokens[role]).post(
        f"/api/1/programmes/applications/{application.pk}/moves/",
        {"to_status": to_status, "comment": comment},
        content_type="application/json",
    )
    assert response.status_code in (200, 400, 403, 404, 422), response.content[:300]
    if role != "staff":
        assert response.status_code in ({403, 422} if role == "editor" else {404, 422})
        assert database_state(w) == before
    elif response.status_code != 200:
        assert database_state(w) == before


def test_every_surface_takes_tokens_through_the_one_function():
    """A surface authenticating a token by itself would skip its scopes: only
    `scopes.user_for_token` turns a token into a user."""
    from pathlib import Path

    import datasud

    root = Path(datasud.__file__).parent
    callers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "ApiToken.authenticate" in path.read_text(encoding="utf-8")
        and "migrations" not in path.parts
    )
    assert callers == ["accounts/scopes.py"], callers


#: API v1 operations open to anyone that are posted to, and only read (no write scope).
READS_POSTED_TO = {"sql_post", "suggestions"}


def test_api_operations_open_to_anyone_never_write():
    """`datasud/api.py` takes an operation open to anyone (ANYONE) for a read whatever its
    method: a new write operation must be for signed-in callers (SIGNED_IN), or it would
    escape the `ecriture` scope."""
    import datasud.api_urls  # noqa: F401 - mounts the routers
    from datasud.api import ANYONE, api

    posted = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                unsafe = set(operation.methods) - {"GET", "HEAD", "OPTIONS"}
                if unsafe and any(callback in ANYONE for callback in operation.auth_callbacks):
                    posted.add(operation.view_func.__name__)
    assert posted == READS_POSTED_TO
