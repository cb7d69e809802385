"""Who sees what, everywhere: role × object × surface, checked against the real answers.

Each cell asks one surface (`surfaces.READ_SURFACES`) whether one role sees one dataset of
organisation A (or its loaded resource), and compares with the rule the surface follows
(`matrix.RULES`), itself checked against `catalog/querysets.py`.
"""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasud.catalog.models import Dataset
from datasud.ckan import ids
from datasud.datastore.models import Table
from datasud.programmes.models import Application

from .matrix import ACCOMPANIES, CHANGES, MANAGES_MEMBERS_OF_A, ROLES_OF, RULES, SEES
from .surfaces import KINDS_OF, READ_SURFACES, ReadSurface
from .world import APPLICATIONS, KINDS, ROLES, WORDS, World, slug_of, tag_of

CELLS = [(role, kind, name) for name, entry in READ_SURFACES.items()
         for kind in KINDS_OF[entry.target] for role in ROLES_OF[entry.target]]
# Answers of listing surfaces, per world, role and surface: the world does not change
# between read tests (their writes, a session or a token's last use, are rolled back).
_LISTINGS: dict[tuple, dict[str, bool]] = {}


def seen_on(world: World, role: str, entry: ReadSurface, kind: str) -> bool:
    if not entry.listing:
        return entry.probe(world, world.client(role), kind)
    key = (id(world), role, entry.name)
    if key not in _LISTINGS:
        _LISTINGS[key] = entry.probe(world, world.client(role))
    return _LISTINGS[key][kind]


@pytest.mark.parametrize("role, kind, surface", CELLS,
                         ids=[f"{role}-{kind}-{name}" for role, kind, name in CELLS])
def test_read_matrix(w, role, kind, surface):
    entry = READ_SURFACES[surface]
    expected = RULES[entry.rule](role, kind)
    seen = seen_on(w, role, entry, kind)
    what = {"resource": f"the resource of the {kind} dataset",
            "dataset": f"the {kind} dataset"}.get(entry.target, kind)
    assert seen == expected, (
        f"{role} {'sees' if seen else 'does not see'} {what} on "
        f"{surface}; rule '{entry.rule}' says {'visible' if expected else 'hidden'}")


@pytest.mark.parametrize("role", ROLES)
def test_matrix_states_the_querysets(w, role):
    user = w.users[role]
    visible = set(Dataset.objects.visible_to(user).filter(organisation=w.org_a)
                  .values_list("slug", flat=True))
    editable = set(Dataset.objects.editable_by(user).filter(organisation=w.org_a)
                   .values_list("slug", flat=True))
    assert visible == {w.datasets[k].slug for k in KINDS if role in SEES[k]}
    assert editable == {w.datasets[k].slug for k in KINDS if role in CHANGES[k]}


@pytest.mark.parametrize("role", ROLES_OF["application"])
def test_matrix_states_the_application_querysets(w, role):
    user = w.users[role]
    applications = {w.applications[k].pk: k for k in APPLICATIONS}

    def kinds(queryset):
        return {applications[pk] for pk in queryset.filter(pk__in=applications)
                .values_list("pk", flat=True)}

    assert kinds(Application.objects.visible_to(user)) == \
        {k for k in APPLICATIONS if role in SEES[k]}
    # Who moves it: staff (instructable_by) and the consultant it is assigned to.
    assert kinds(Application.objects.instructable_by(user)) | \
        kinds(Application.objects.accompanied_by(user)) == \
        {k for k in APPLICATIONS if role in CHANGES[k]}
    assert kinds(Application.objects.accompanied_by(user)) == \
        {k for k in APPLICATIONS if role in ACCOMPANIES[k]}


@pytest.mark.parametrize("role", ROLES)
def test_member_lists_are_for_administrators(w, role):
    """Who belongs to A (names, e-mail addresses) is for A's administrators and staff."""
    page = w.client(role, token=False).get(f"/organisations/{w.org_a.slug}/membres/")
    api = w.client(role, session=False).get(f"/api/1/organisations/{w.org_a.slug}/members/")
    if role in MANAGES_MEMBERS_OF_A:
        assert (page.status_code, api.status_code) == (200, 200)
        assert "t-admin" in page.content.decode()
        assert "t-editor" in {m["username"] for m in api.json()["data"]}
        return
    assert api.status_code == (401 if role == "anonymous" else 403)
    if role == "anonymous":
        assert page.status_code == 302 and page["Location"].startswith("/compte/connexion/")
    else:
        assert page.status_code == 403
    assert "t-admin" not in page.content.decode() + api.content.decode()



# --- Hostile parameters never open a way round the rules -------------------------------------

HTTP = settings(max_examples=20, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
HIDDEN_WORDS = (WORDS["draft"], WORDS["private"])
#: A column name of the hidden tables: an error listing columns would betray them.
HIDDEN_COLUMN = "libelle"
solr_bits = st.sampled_from([
    "tags:", "groups:", "organization:", "res_format:", "text:", "AND", "OR", "(", ")", '"',
    "*:*", tag_of("private"), tag_of("draft"), "theme-private", "ville-de-trust", "csv",
    "cachette", "brumaire", "true", "false", "-", "+", "*"])
solr = st.lists(st.one_of(solr_bits, st.text(max_size=4)), max_size=8).map(" ".join)


def _hidden_slugs() -> set[str]:
    return {slug_of("draft"), slug_of("private")}


@HTTP
@given(q=solr, fq=solr, sort=st.sampled_from(["", "score desc", "name asc", "title_string",
                                              "metadata_modified desc", "x;drop"]),
       rows=st.sampled_from(["", "0", "5", "-1", "abc", "1001"]),
       start=st.sampled_from(["", "0", "3", "-2", "10000000"]),
       private=st.sampled_from(["", "true", "false", "yes", "2"]),
       archived=st.sampled_from(["", "true", "false"]))
def test_ckan_package_search_never_crashes_nor_leaks(w, q, fq, sort, rows, start, private,
                                                     archived):
    params = {k: v for k, v in {
        "q": q, "fq": fq, "sort": sort, "rows": rows, "start": start,
        "include_private": private, "include_drafts": private,
        "include_archived": archived, "facet.field": '["tags", "groups", "organization"]',
    }.items() if v != ""}
    response = w.client("b_member").get("/api/3/action/package_search", params)
    assert response.status_code in (200, 400, 409), response.content[:300]
    if response.status_code == 200:
        result = response.json()["result"]
        assert not {p["name"] for p in result["results"]} & _hidden_slugs()
        assert not {tag_of("draft"), tag_of("private")} & set(result["facets"].get("tags", {}))


@HTTP
@given(q=st.one_of(st.text(max_size=20), st.sampled_from(HIDDEN_WORDS)),
       tag=st.lists(st.sampled_from([tag_of(k) for k in KINDS] + ["", "x"]), max_size=3),
       theme=st.lists(st.sampled_from(["theme-private", "theme-draft", "y"]), max_size=2),
       sort=st.sampled_from(["", "relevance", "-modified", "title", "bogus"]),
       page=st.sampled_from(["", "1", "2", "0", "-1", "abc", "100001"]))
def test_api_search_never_crashes_nor_leaks(w, q, tag, theme, sort, page):
    params = {"q": q, "tag": tag, "theme": theme, "sort": sort, "page": page}
    response = w.client("outsider").get("/api/1/datasets/", {
        k: v for k, v in params.items() if v not in ("", [])})
    # A NUL character is refused before any lookup (400), the same for every address.
    refused_early = "\x00" in q
    assert response.status_code in ((200, 400, 422) if refused_early else (200, 422)), \
        response.content[:300]
    if response.status_code == 200:
        body = response.json()
        assert not {d["slug"] for d in body["data"]} & _hidden_slugs()
        counted = {v["value"] for v in body["facets"]["tag"] if v["count"]}
        assert not {tag_of("draft"), tag_of("private")} & counted


record_params = st.fixed_dictionaries({}, optional={
    "where": st.one_of(st.text(max_size=20), st.just(f"{HIDDEN_COLUMN} = 'x'"),
                       st.just("inconnue = 1")),
    "select": st.one_of(st.text(max_size=10), st.just(HIDDEN_COLUMN)),
    "order_by": st.sampled_from(["inconnue", f"{HIDDEN_COLUMN} desc", "", ";"]),
    "limit": st.sampled_from(["5", "-1", "abc", "100000"]),
    "facet": st.sampled_from(["inconnue", HIDDEN_COLUMN]),
    "table": st.sampled_from(["1", "2", "0", "x"]),
})


@HTTP
@given(params=record_params, kind=st.sampled_from(["draft", "private"]))
def test_hidden_tables_answer_not_found_whatever_the_query(w, params, kind):
    """Parameters are checked against the table only once the table may be seen: an
    outsider's mistakes never draw an error that names a hidden table's columns."""
    client = w.client("outsider")
    pk = w.resources[kind].pk
    for path in (f"/api/1/datastore/{pk}/records/", f"/api/1/datastore/{pk}/export/csv/"):
        response = client.get(path, params)
        # A NUL character is refused before any lookup, the same for every address.
        refused_early = any("\x00" in value for value in params.values())
        allowed = (400, 404, 422) if refused_early else (404, 422)
        assert response.status_code in allowed, (path, response.content[:300])
        assert HIDDEN_COLUMN not in response.content.decode()
    ckan = {"resource_id": ids.make(ids.RESOURCE, pk), "q": params.get("where", ""),
            "sort": params.get("order_by", ""), "fields": params.get("select", ""),
            "filters": json.dumps({HIDDEN_COLUMN: "x"})}
    response = client.get("/api/3/action/datastore_search", ckan)
    assert response.status_code in ((400, 404) if refused_early else (404,)), \
        response.content[:300]
    assert HIDDEN_COLUMN not in response.content.decode()


def _sql_soup(world: World):
    hidden = [world.resources[k].pk for k in ("draft", "private")]
    paths = [str(t.path) for t in Table.objects.filter(load__resource_id__in=hidden)]
    names = [f"resource_{pk}" for pk in hidden] + [f'"{ids.make(ids.RESOURCE, pk)}"'
                                                   for pk in hidden]
    bits = ["SELECT", "*", "FROM", "count(*)", "UNION", "ALL", "WHERE", "(", ")", ",", ";",
            "read_parquet(", "read_csv(", "glob(", "'*'", "'**/*.parquet'", "duckdb_tables()",
            "information_schema.tables", "ATTACH", "COPY", "PRAGMA", "SET", "--",
            f"resource_{world.resources['public'].pk}", *names,
            *[f"'{p}'" for p in paths], *[f"read_parquet('{p}')" for p in paths]]
    return st.lists(st.one_of(st.sampled_from(bits), st.text(max_size=3)), max_size=10).map(
        " ".join)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_sql_never_reads_a_hidden_table(w, data):
    sql = data.draw(_sql_soup(w))
    client = w.client("outsider")
    for response in (client.get("/api/1/datastore/sql/", {"sql": sql}),
                     client.get("/api/3/action/datastore_search_sql", {"sql": sql})):
        assert response.status_code in (200, 400, 409), (sql, response.content[:300])
        for word in HIDDEN_WORDS:
            assert word not in response.content.decode(), sql


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_a_visible_dataset_does_not_lend_its_address_to_hidden_resources(w, kind):
    """The resource of a hidden dataset, asked for under a public dataset's address."""
    client = w.client("outsider")
    pk = w.resources[kind].pk
    public = slug_of("public")
    for path in (f"/jeux-de-donnees/{public}/ressources/{pk}/",
                 f"/api/1/datasets/{public}/resources/{pk}/",
                 f"/jeux-de-donnees/{public}/ressources/{pk}/modifier/"):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert WORDS[kind] not in response.content.decode(), path
