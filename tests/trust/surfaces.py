"""The registry of read surfaces: every way the platform shows a dataset or a resource.

A surface is a probe, `probe(world, client, kind) -> bool`: does the role behind `client`
see the dataset (or resource) of `kind` there? (A listing surface, one answer for every
object, has `probe(world, client) -> {kind: bool}`, asked once per role and module.) It
answers from the real HTTP answer, and fails on any answer the surface does not define (a
500, a 403 where a hidden object must look unknown...). Each surface names the rule of
`matrix.RULES` it must follow, and the URL names and CKAN actions it reads through
(`covers`), which `test_registry.py` compares with the project's URL map and CKAN actions.

A new surface joins the matrix by registering a probe here, for instance:

    @read_surface("ogc-items", "resource", covers=("geo:items",))
    def _ogc_items(world, client, kind):
        pk = world.resources[kind].pk
        return found(client.get(f"/api/ogc/collections/resource_{pk}/items"), "ogc-items")

and it is then checked for every role and every object of the world.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from datasud.ckan import ids

from .world import (
    APPLICATION_WORDS,
    APPLICATIONS,
    CALL,
    KINDS,
    PROGRAMME,
    ROWS,
    STEP_NOTES,
    WORDS,
    World,
    commune_of,
    slug_of,
    tag_of,
    theme_of,
)

Probe = Callable[[World, Client, str], bool]


@dataclass(frozen=True)
class ReadSurface:
    name: str
    target: str                 # "dataset", "resource" or "application": what `kind` is
    rule: str                   # a key of matrix.RULES
    probe: Probe
    covers: tuple[str, ...]     # URL names ("catalog:dataset") and CKAN actions ("ckan:...")
    #: One answer lists every object (a search page, the sitemap...): the probe is
    #: `probe(world, client) -> {kind: seen}`, asked once per role.
    listing: bool = False


READ_SURFACES: dict[str, ReadSurface] = {}
#: The kinds of object each target has in the world.
KINDS_OF = {"dataset": KINDS, "resource": KINDS, "application": APPLICATIONS}


def read_surface(name: str, target: str, rule: str = "sees", covers: tuple[str, ...] = (),
                 listing: bool = False):
    """Register `probe` as the surface `name` (see the module docstring)."""

    def register(probe: Probe) -> Probe:
        assert name not in READ_SURFACES, f"surface {name} registered twice"
        READ_SURFACES[name] = ReadSurface(name, target, rule, probe, covers, listing)
        return probe

    return register


class UnexpectedAnswer(AssertionError):
    pass


def _show(response: HttpResponse) -> str:
    body = getattr(response, "content", b"")[:400]
    return f"HTTP {response.status_code}: {body!r}"


def found(response: HttpResponse, surface: str) -> bool:
    """200: seen; 404: not seen; anything else is not an answer this surface may give."""
    if response.status_code == 200:
        return True
    if response.status_code == 404:
        return False
    raise UnexpectedAnswer(f"{surface}: {_show(response)}")


def ok(response: HttpResponse, surface: str) -> HttpResponse:
    if response.status_code != 200:
        raise UnexpectedAnswer(f"{surface}: {_show(response)}")
    return response


def text(response: HttpResponse) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def ckan(client: Client, action: str, **params) -> HttpResponse:
    query = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
    return client.get(f"/api/3/action/{action}", query)


def ckan_found(response: HttpResponse, surface: str) -> bool:
    seen = found(response, surface)
    body = response.json()
    if body["success"] is not seen:
        raise UnexpectedAnswer(f"{surface}: envelope disagrees with status: {body}")
    if not seen and body["error"]["__type"] != "Not Found Error":
        raise UnexpectedAnswer(f"{surface}: {body}")
    return seen


def ckan_result(response: HttpResponse, surface: str):
    body = ok(response, surface).json()
    if body["success"] is not True:
        raise UnexpectedAnswer(f"{surface}: {body}")
    return body["result"]


def dataset_path(world: World, kind: str) -> str:
    return f"/jeux-de-donnees/{slug_of(kind)}/"


def resource_path(world: World, kind: str) -> str:
    return f"{dataset_path(world, kind)}ressources/{world.resources[kind].pk}/"


# --- HTML pages -----------------------------------------------------------------------------

@read_surface("html-dataset-page", "dataset", covers=("catalog:dataset",))
def _html_dataset_page(world, client, kind):
    response = client.get(dataset_path(world, kind))
    seen = found(response, "html-dataset-page")
    assert not seen or f"Relevés {WORDS[kind]}" in text(response)
    return seen


@read_surface("html-search-results", "dataset", rule="finds", covers=("catalog:search",))
def _html_search_results(world, client, kind):
    html = text(ok(client.get("/jeux-de-donnees/", {"q": WORDS[kind]}), "html-search"))
    return f'href="{dataset_path(world, kind)}"' in html


@read_surface("html-search-facets", "dataset", rule="finds", covers=("catalog:search",),
              listing=True)
def _html_search_facets(world, client):
    html = text(ok(client.get("/jeux-de-donnees/"), "html-search-facets"))
    seen = {}
    for kind in KINDS:
        seen[kind] = f'name="tag" value="{tag_of(kind)}"' in html
        assert seen[kind] == (f'name="theme" value="{theme_of(kind)}"' in html), \
            "the tag and theme facets disagree"
    return seen


@read_surface("html-organisation-page", "dataset", covers=("catalog:organisation",),
              listing=True)
def _html_organisation_page(world, client):
    html = text(ok(client.get(f"/organisations/{world.org_a.slug}/"), "html-organisation"))
    return {kind: f'href="{dataset_path(world, kind)}"' in html for kind in KINDS}


@read_surface("html-schema-org", "dataset", rule="published", covers=("catalog:dataset",))
def _html_schema_org(world, client, kind):
    response = client.get(dataset_path(world, kind))
    if not found(response, "html-schema-org"):
        return False
    scripts = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>',
                         text(response), re.S)
    return any(slug_of(kind) in script for script in scripts)


@read_surface("html-home", "dataset", rule="published_and_current", covers=("web:home",),
              listing=True)
def _html_home(world, client):
    html = text(ok(client.get("/"), "html-home"))
    return {kind: f'href="{dataset_path(world, kind)}"' in html for kind in KINDS}


@read_surface("html-territory-page", "dataset", covers=("territories:detail",))
def _html_territory_page(world, client, kind):
    html = text(ok(client.get(f"/territoires/commune/{commune_of(kind)}/"), "html-territory"))
    return f'href="{dataset_path(world, kind)}"' in html


@read_surface("html-resource-page", "resource", covers=("datastore:resource",))
def _html_resource_page(world, client, kind):
    response = client.get(resource_path(world, kind))
    seen = found(response, "html-resource-page")
    assert not seen or f"ligne {WORDS[kind]} 1" in text(response)  # the preview's first row
    return seen


# --- API v1 -----------------------------------------------------------------------------------

@read_surface("api-dataset", "dataset", covers=("api-1:dataset",))
def _api_dataset(world, client, kind):
    return found(client.get(f"/api/1/datasets/{slug_of(kind)}/"), "api-dataset")


@read_surface("api-dataset-activity", "dataset", covers=("api-1:list_dataset_activity",))
def _api_activity(world, client, kind):
    return found(client.get(f"/api/1/datasets/{slug_of(kind)}/activity/"), "api-activity")


@read_surface("api-search-results", "dataset", rule="finds", covers=("api-1:datasets",))
def _api_search(world, client, kind):
    body = ok(client.get("/api/1/datasets/", {"q": WORDS[kind]}), "api-search").json()
    return slug_of(kind) in {d["slug"] for d in body["data"]}


@read_surface("api-search-facets", "dataset", rule="finds", covers=("api-1:datasets",),
              listing=True)
def _api_facets(world, client):
    body = ok(client.get("/api/1/datasets/", {"page_size": 1}), "api-facets").json()
    tags = {v["value"]: v["count"] for v in body["facets"]["tag"]}
    themes = {v["value"]: v["count"] for v in body["facets"]["theme"]}
    for kind in KINDS:
        assert tags.get(tag_of(kind), 0) == themes.get(theme_of(kind), 0)
    return {kind: tags.get(tag_of(kind), 0) > 0 for kind in KINDS}


@read_surface("api-resource", "resource", covers=("api-1:get_resource",))
def _api_resource(world, client, kind):
    return found(client.get(f"/api/1/datasets/{slug_of(kind)}/resources/"
                            f"{world.resources[kind].pk}/"), "api-resource")


@read_surface("resource-file", "resource", covers=("catalog:resource_file",))
def _resource_file(world, client, kind):
    """The uploaded file itself (never served from the media folder)."""
    response = client.get(world.resources[kind].download_url)
    seen = found(response, "resource-file")
    assert not seen or response["Content-Disposition"].startswith("attachment")
    return seen


# --- Datastore ------------------------------------------------------------------------------

def _datastore(world, kind, rest=""):
    return f"/api/1/datastore/{world.resources[kind].pk}/{rest}"


@read_surface("datastore-status", "resource", covers=("api-1:get_datastore",))
def _datastore_status(world, client, kind):
    return found(client.get(_datastore(world, kind)), "datastore-status")


@read_surface("datastore-records", "resource", covers=("api-1:get_records",))
def _datastore_records(world, client, kind):
    response = client.get(_datastore(world, kind, "records/"))
    seen = found(response, "datastore-records")
    assert not seen or response.json()["total"] == ROWS[kind]
    return seen


@read_surface("datastore-profile", "resource", covers=("api-1:get_profile",))
def _datastore_profile(world, client, kind):
    return found(client.get(_datastore(world, kind, "profile/")), "datastore-profile")


@read_surface("datastore-inferred-schema", "resource", covers=("api-1:get_inferred_schema",))
def _datastore_inferred_schema(world, client, kind):
    response = client.get(_datastore(world, kind, "schema/"))
    seen = found(response, "datastore-inferred-schema")
    assert not seen or [f["name"] for f in response.json()["fields"]][:3] == [
        "code", "libelle", "valeur"]
    return seen


@read_surface("datastore-declared-schema", "resource", covers=("api-1:get_declared_schema",))
def _datastore_declared_schema(world, client, kind):
    return found(client.get(_datastore(world, kind, "declared-schema/")),
                 "datastore-declared-schema")


@read_surface("datastore-loads", "resource", covers=("api-1:list_loads",))
def _datastore_loads(world, client, kind):
    return found(client.get(_datastore(world, kind, "loads/")), "datastore-loads")


@read_surface("datastore-export-csv", "resource", covers=("api-1:export_records",))
def _datastore_export(world, client, kind):
    response = client.get(_datastore(world, kind, "export/csv/"))
    seen = found(response, "datastore-export-csv")
    if seen:
        lines = text(response).strip().splitlines()
        assert len(lines) == ROWS[kind] + 1 and WORDS[kind] in lines[1]
    return seen


@read_surface("datastore-tables", "resource", covers=("api-1:datastore",), listing=True)
def _datastore_tables(world, client):
    body = ok(client.get("/api/1/datastore/", {"page_size": 100}), "datastore-tables").json()
    listed = {t["resource_id"] for t in body["data"]}
    return {kind: world.resources[kind].pk in listed for kind in KINDS}


def _sql_error_without_name(body: dict, name: str) -> str:
    return json.dumps(body, sort_keys=True).replace(name, "NAME")


@read_surface("datastore-sql", "resource", covers=("api-1:sql_get", "api-1:sql_post"))
def _datastore_sql(world, client, kind):
    pk = world.resources[kind].pk

    def run(name):
        sql = f"SELECT count(*) AS n FROM {name}"
        response = client.get("/api/1/datastore/sql/", {"sql": sql})
        posted = client.post("/api/1/datastore/sql/", {"sql": sql},
                             content_type="application/json")
        assert posted.status_code == response.status_code
        return response

    response = run(f"resource_{pk}")
    if response.status_code == 200:
        assert response.json()["rows"] == [[ROWS[kind]]]
        return True
    if response.status_code != 400:
        raise UnexpectedAnswer(f"datastore-sql: {_show(response)}")
    # A hidden table answers exactly like one that never existed.
    unknown = run(f"resource_{pk + 10_000}")
    assert unknown.status_code == 400
    assert _sql_error_without_name(response.json(), f"resource_{pk}") == \
        _sql_error_without_name(unknown.json(), f"resource_{pk + 10_000}")
    return False


# --- CKAN Action API ----------------------------------------------------------------------

@read_surface("ckan-package_show", "dataset", covers=("ckan:package_show",))
def _ckan_package_show(world, client, kind):
    by_name = ckan_found(ckan(client, "package_show", id=slug_of(kind)), "package_show")
    by_id = ckan_found(ckan(client, "package_show",
                            id=ids.make(ids.DATASET, world.datasets[kind].pk)), "package_show")
    assert by_name == by_id
    return by_name


@read_surface("ckan-package_search", "dataset", rule="published_and_current",
              covers=("ckan:package_search",))
def _ckan_package_search(world, client, kind):
    result = ckan_result(ckan(client, "package_search", fq=f"tags:{tag_of(kind)}"),
                         "package_search")
    return result["count"] > 0


@read_surface("ckan-package_search-include_private", "dataset", rule="finds",
              covers=("ckan:package_search",))
def _ckan_package_search_private(world, client, kind):
    result = ckan_result(ckan(client, "package_search", q=WORDS[kind], include_private="true",
                              include_drafts="true"), "package_search")
    return slug_of(kind) in {p["name"] for p in result["results"]}


@read_surface("ckan-package_search-facets", "dataset", rule="finds",
              covers=("ckan:package_search",), listing=True)
def _ckan_package_search_facets(world, client):
    result = ckan_result(ckan(client, "package_search", rows=0, include_private="true",
                              **{"facet.field": ["tags", "groups"]}), "package_search")
    seen = {}
    for kind in KINDS:
        by_tag = result["facets"]["tags"].get(tag_of(kind), 0)
        assert by_tag == result["facets"]["groups"].get(theme_of(kind), 0)
        seen[kind] = by_tag > 0
    return seen


@read_surface("ckan-package_list", "dataset", rule="published", covers=("ckan:package_list",),
              listing=True)
def _ckan_package_list(world, client):
    names = ckan_result(ckan(client, "package_list"), "package_list")
    return {kind: slug_of(kind) in names for kind in KINDS}


@read_surface("ckan-tag_list", "dataset", covers=("ckan:tag_list",), listing=True)
def _ckan_tag_list(world, client):
    tags = ckan_result(ckan(client, "tag_list"), "tag_list")
    return {kind: tag_of(kind) in tags for kind in KINDS}


@read_surface("ckan-group_show-count", "dataset", rule="finds",
              covers=("ckan:group_show", "ckan:group_list"))
def _ckan_group_show(world, client, kind):
    result = ckan_result(ckan(client, "group_show", id=theme_of(kind), include_datasets="true"),
                         "group_show")
    listed = slug_of(kind) in {p["name"] for p in result["packages"]}
    assert listed == (result["package_count"] == 1)
    groups = ckan_result(ckan(client, "group_list", all_fields="true", groups=[theme_of(kind)]),
                         "group_list")
    assert [g["package_count"] for g in groups] == [result["package_count"]]
    return listed


@read_surface("ckan-organization_show", "dataset", rule="finds",
              covers=("ckan:organization_show", "ckan:organization_list"), listing=True)
def _ckan_organization_show(world, client):
    result = ckan_result(ckan(client, "organization_show", id=world.org_a.slug,
                              include_datasets="true"), "organization_show")
    names = {p["name"] for p in result["packages"]}
    seen = {kind: slug_of(kind) in names for kind in KINDS}
    assert result["package_count"] == sum(seen.values())
    listed = ckan_result(ckan(client, "organization_list", all_fields="true",
                              organizations=[world.org_a.slug]), "organization_list")
    assert [o["package_count"] for o in listed] == [result["package_count"]]
    return seen


@read_surface("ckan-resource_show", "resource", covers=("ckan:resource_show",))
def _ckan_resource_show(world, client, kind):
    rid = ids.make(ids.RESOURCE, world.resources[kind].pk)
    return ckan_found(ckan(client, "resource_show", id=rid), "resource_show")


@read_surface("ckan-datastore_search", "resource", covers=("ckan:datastore_search",))
def _ckan_datastore_search(world, client, kind):
    rid = ids.make(ids.RESOURCE, world.resources[kind].pk)
    response = ckan(client, "datastore_search", resource_id=rid)
    seen = ckan_found(response, "datastore_search")
    assert not seen or response.json()["result"]["total"] == ROWS[kind]
    return seen


@read_surface("ckan-datastore_search_sql", "resource", covers=("ckan:datastore_search_sql",))
def _ckan_datastore_search_sql(world, client, kind):
    pk = world.resources[kind].pk

    def run(resource_pk):
        name = ids.make(ids.RESOURCE, resource_pk)
        return name, ckan(client, "datastore_search_sql",
                          sql=f'SELECT count(*) AS n FROM "{name}"')

    name, response = run(pk)
    if response.status_code == 200:
        assert response.json()["result"]["records"] == [{"n": ROWS[kind]}]
        return True
    if response.status_code != 409:
        raise UnexpectedAnswer(f"datastore_search_sql: {_show(response)}")
    unknown_name, unknown = run(pk + 10_000)
    assert _sql_error_without_name(response.json(), name) == \
        _sql_error_without_name(unknown.json(), unknown_name)
    return False


# --- Linked data and crawlers --------------------------------------------------------------

@read_surface("dcat-dataset", "dataset", rule="published", covers=("dcat:dataset_format",))
def _dcat_dataset(world, client, kind):
    return found(client.get(f"/jeux-de-donnees/{slug_of(kind)}.ttl"), "dcat-dataset")


@read_surface("dcat-negotiated", "dataset", rule="published", covers=("catalog:dataset",))
def _dcat_negotiated(world, client, kind):
    response = client.get(dataset_path(world, kind), headers={"Accept": "text/turtle"})
    seen = found(response, "dcat-negotiated")
    assert not seen or response["Content-Type"].startswith("text/turtle")
    return seen


@read_surface("dcat-catalogue", "dataset", rule="published",
              covers=("dcat:catalogue", "dcat:catalogue_format"), listing=True)
def _dcat_catalogue(world, client):
    turtle = text(ok(client.get("/catalogue.ttl"), "dcat-catalogue"))
    return {kind: slug_of(kind) in turtle for kind in KINDS}


@read_surface("sitemap", "dataset", rule="published",
              covers=("dcat:sitemap", "dcat:sitemap_section"), listing=True)
def _sitemap(world, client):
    index = text(ok(client.get("/sitemap.xml"), "sitemap"))
    assert "sitemap-jeux-de-donnees.xml" in index
    section = text(ok(client.get("/sitemap-jeux-de-donnees.xml"), "sitemap"))
    return {kind: f"/jeux-de-donnees/{slug_of(kind)}/" in section for kind in KINDS}


# --- OGC API Features (the world's tables have coordinates: each is a collection) ------------

def _collection(world, kind, rest=""):
    return f"/api/ogc/collections/resource_{world.resources[kind].pk}{rest}"


@read_surface("ogc-collections", "resource", covers=("geo:collections",), listing=True)
def _ogc_collections(world, client):
    body = ok(client.get("/api/ogc/collections", {"f": "json"}), "ogc-collections").json()
    listed = {c["id"] for c in body["collections"]}
    return {kind: f"resource_{world.resources[kind].pk}" in listed for kind in KINDS}


@read_surface("ogc-openapi", "resource", covers=("geo:openapi",), listing=True)
def _ogc_openapi(world, client):
    document = text(ok(client.get("/api/ogc/api", {"f": "json"}), "ogc-openapi"))
    return {kind: f'"resource_{world.resources[kind].pk}"' in document for kind in KINDS}


@read_surface("ogc-collection", "resource", covers=("geo:collection",))
def _ogc_collection(world, client, kind):
    return found(client.get(_collection(world, kind), {"f": "json"}), "ogc-collection")


@read_surface("ogc-items", "resource", covers=("geo:items",))
def _ogc_items(world, client, kind):
    response = client.get(_collection(world, kind, "/items"), {"f": "json"})
    seen = found(response, "ogc-items")
    assert not seen or response.json()["numberMatched"] == ROWS[kind]
    return seen


@read_surface("ogc-item", "resource", covers=("geo:item",))
def _ogc_item(world, client, kind):
    response = client.get(_collection(world, kind, "/items/1"), {"f": "json"})
    seen = found(response, "ogc-item")
    assert not seen or WORDS[kind] in text(response)
    return seen


@read_surface("ogc-items-filter", "resource", covers=("geo:items",))
def _ogc_items_filter(world, client, kind):
    # A CQL2 filter (Part 3) goes through the same lookup as the plain items request.
    response = client.get(_collection(world, kind, "/items"),
                          {"f": "json", "filter": "TRUE OR FALSE"})
    seen = found(response, "ogc-items-filter")
    assert not seen or response.json()["numberMatched"] == ROWS[kind]
    return seen


@read_surface("ogc-queryables", "resource", covers=("geo:queryables",))
def _ogc_queryables(world, client, kind):
    return found(client.get(_collection(world, kind, "/queryables"), {"f": "json"}),
                 "ogc-queryables")


# --- vector tiles (/tuiles/): the same lookup as the OGC API collections ---------------------

@read_surface("tiles", "resource", covers=("tiles:tile",))
def _tiles(world, client, kind):
    # Tile 0/0/0 is the whole world: it holds every row of a visible table.
    response = client.get(f"/tuiles/resource_{world.resources[kind].pk}/0/0/0.mvt")
    seen = found(response, "tiles")
    assert not seen or (response["Content-Type"] == "application/vnd.mapbox-vector-tile"
                        and response.content)
    return seen


@read_surface("ogc-tilesets", "resource", covers=("geo:ogc_tilesets", "geo:ogc_tileset"))
def _ogc_tilesets(world, client, kind):
    # OGC API Tiles: the list, then the tileset (its layer is the collection).
    seen = found(client.get(_collection(world, kind, "/tiles")), "ogc-tilesets")
    response = client.get(_collection(world, kind, "/tiles/WebMercatorQuad"))
    assert found(response, "ogc-tileset") == seen
    assert not seen or response.json()["layers"][0]["id"] == f"resource_{world.resources[kind].pk}"
    return seen


@read_surface("ogc-tile", "resource", covers=("geo:ogc_tile",))
def _ogc_tile(world, client, kind):
    response = client.get(_collection(world, kind, "/tiles/WebMercatorQuad/0/0/0"))
    seen = found(response, "ogc-tile")
    assert not seen or response.content
    return seen


@read_surface("tiles-tilejson", "resource", covers=("tiles:tilejson",))
def _tiles_tilejson(world, client, kind):
    response = client.get(f"/tuiles/resource_{world.resources[kind].pk}/tiles.json")
    seen = found(response, "tiles-tilejson")
    assert not seen or response.json()["tilejson"] == "3.0.0"
    return seen


# --- Programme applications (objects of their own: see matrix.py) ---------------------------

LOGIN = "/compte/connexion/"


def signed_in(client: Client) -> bool:
    """The client carries a session or a token (the world's anonymous client has neither)."""
    return bool(client.cookies.get(settings.SESSION_COOKIE_NAME)
                or client.defaults.get("HTTP_AUTHORIZATION"))


def found_signed_in(response: HttpResponse, client: Client, surface: str) -> bool:
    """Pages and operations behind sign-in: the anonymous visitor is sent to sign in (pages)
    or answered 401 (API), and sees nothing; a signed-in client gets 200 or 404."""
    if not signed_in(client):
        if response.status_code == 401 or (
                response.status_code == 302 and response["Location"].startswith(LOGIN)):
            return False
        raise UnexpectedAnswer(f"{surface}: anonymous: {_show(response)}")
    return found(response, surface)


def application_path(world: World, kind: str) -> str:
    return f"/programmes/candidatures/{world.applications[kind].pk}/"


def _lists_applications(world: World, html: str) -> dict[str, bool]:
    return {kind: f'href="{application_path(world, kind)}"' in html for kind in APPLICATIONS}


@read_surface("html-application-page", "application", covers=("programmes:application",))
def _html_application_page(world, client, kind):
    response = client.get(application_path(world, kind))
    seen = found_signed_in(response, client, "html-application-page")
    assert not seen or APPLICATION_WORDS[kind] in text(response)
    return seen


@read_surface("html-my-applications", "application", rule="owns",
              covers=("programmes:my_applications",), listing=True)
def _html_my_applications(world, client):
    response = client.get("/programmes/candidatures/")
    if not found_signed_in(response, client, "html-my-applications"):
        return dict.fromkeys(APPLICATIONS, False)
    return _lists_applications(world, text(response))


@read_surface("html-call-page", "application", rule="owns", covers=("programmes:call",),
              listing=True)
def _html_call_page(world, client):
    html = text(ok(client.get(f"/programmes/{PROGRAMME}/appels/{CALL}/"), "html-call-page"))
    return _lists_applications(world, html)


@read_surface("html-instruction", "application", rule="instructs",
              covers=("programmes:instruction",), listing=True)
def _html_instruction(world, client):
    response = client.get("/programmes/candidatures/instruction/")
    if signed_in(client) and response.status_code == 403:
        return dict.fromkeys(APPLICATIONS, False)
    if not found_signed_in(response, client, "html-instruction"):
        return dict.fromkeys(APPLICATIONS, False)
    return _lists_applications(world, text(response))


@read_surface("html-participant-page", "application", rule="published_application",
              covers=("programmes:participant",))
def _html_participant_page(world, client, kind):
    organisation = world.applications[kind].organisation.slug
    response = client.get(f"/programmes/{PROGRAMME}/participants/{organisation}/")
    return found(response, "html-participant-page") and \
        f"Projet {APPLICATION_WORDS[kind]}" in text(response)


@read_surface("api-application", "application", covers=("api-1:programme_application",))
def _api_application(world, client, kind):
    response = client.get(f"/api/1/programmes/applications/{world.applications[kind].pk}/")
    seen = found_signed_in(response, client, "api-application")
    assert not seen or response.json()["answers"]["projet"].endswith(APPLICATION_WORDS[kind])
    return seen


@read_surface("api-applications", "application", covers=("api-1:programme_applications",),
              listing=True)
def _api_applications(world, client):
    response = client.get("/api/1/programmes/applications/", {"page_size": 100})
    if not found_signed_in(response, client, "api-applications"):
        return dict.fromkeys(APPLICATIONS, False)
    listed = {a["id"] for a in response.json()["data"]}
    return {kind: world.applications[kind].pk in listed for kind in APPLICATIONS}


# --- Related datasets and column search (datasud/discovery) --------------------------------

def _related_slugs(client, slug: str, surface: str) -> set[str]:
    return {d["slug"] for d in ok(client.get(f"/api/1/datasets/{slug}/related/"),
                                  surface).json()}


@read_surface("api-related", "dataset", rule="finds", covers=("api-1:related_datasets",),
              listing=True)
def _api_related(world, client):
    # A's datasets share their producer: each is related to the others. The public and the
    # archived ones are seen by all, so their two lists together may name every dataset.
    listed = (_related_slugs(client, slug_of("public"), "api-related")
              | _related_slugs(client, slug_of("archived"), "api-related"))
    return {kind: slug_of(kind) in listed for kind in KINDS}


@read_surface("html-related", "dataset", rule="finds", covers=("catalog:dataset",),
              listing=True)
def _html_related(world, client):
    listed = ""
    for kind in ("public", "archived"):
        html = text(ok(client.get(dataset_path(world, kind)), "html-related"))
        section = html[html.index('id="jeux-lies"'):]
        listed += section[:section.index("</section>")]
    return {kind: f'href="{dataset_path(world, kind)}"' in listed for kind in KINDS}


@read_surface("api-column-search", "dataset", rule="finds", covers=("api-1:column_search",),
              listing=True)
def _api_column_search(world, client):
    # Every table of the world has a "latitude" column (recognised from its values too).
    body = ok(client.get("/api/1/colonnes/", {"q": "latitude", "page_size": 100}),
              "api-column-search").json()
    listed = {d["slug"] for d in body["data"]}
    return {kind: slug_of(kind) in listed for kind in KINDS}


@read_surface("html-column-search", "dataset", rule="finds", covers=("discovery:columns",),
              listing=True)
def _html_column_search(world, client):
    html = text(ok(client.get("/colonnes/", {"q": "latitude"}), "html-column-search"))
    return {kind: f'href="{dataset_path(world, kind)}"' in html for kind in KINDS}


# --- Metadata quality (datasud/quality) -------------------------------------------------------

@read_surface("html-quality-advice", "dataset", rule="produces", covers=("catalog:dataset",))
def _html_quality_advice(world, client, kind):
    """The score is public; its advice (and the dashboard link) only for the producers."""
    response = client.get(dataset_path(world, kind))
    if not found(response, "html-quality-advice"):
        return False
    html = text(response)
    assert "quality-panel" in html, "the public score is missing"
    return f"/organisations/{world.org_a.slug}/qualite/" in html


@read_surface("html-quality-dashboard", "dataset", rule="maintains",
              covers=("quality:organisation",), listing=True)
def _html_quality_dashboard(world, client):
    response = client.get(f"/organisations/{world.org_a.slug}/qualite/")
    if response.status_code == 302 and response["Location"].startswith("/compte/connexion/"):
        return dict.fromkeys(KINDS, False)  # the anonymous visitor: sign in first
    if response.status_code == 403:
        assert all(slug_of(kind) not in text(response) for kind in KINDS)
        return dict.fromkeys(KINDS, False)
    html = text(ok(response, "html-quality-dashboard"))
    return {kind: f'href="{dataset_path(world, kind)}"' in html for kind in KINDS}


@read_surface("html-accompaniments", "application", rule="accompanies",
              covers=("programmes:accompaniments",), listing=True)
def _html_accompaniments(world, client):
    response = client.get("/programmes/candidatures/accompagnement/")
    if not found_signed_in(response, client, "html-accompaniments"):
        return dict.fromkeys(APPLICATIONS, False)
    return _lists_applications(world, text(response))


@read_surface("html-accompaniment-notes", "application", rule="reads_notes",
              covers=("programmes:application",))
def _html_accompaniment_notes(world, client, kind):
    """The notes of the accompaniment's steps and who the consultant is, on the application's
    page: staff and the consultant only (B's members read the steps' titles)."""
    response = client.get(application_path(world, kind))
    if not found_signed_in(response, client, "html-accompaniment-notes"):
        return False
    html = text(response)
    seen = STEP_NOTES in html
    assert seen == ("t-consultant" in html), "the consultant's name goes with the notes"
    return seen


@read_surface("api-accompaniment-notes", "application", rule="reads_notes",
              covers=("api-1:programme_application",))
def _api_accompaniment_notes(world, client, kind):
    response = client.get(f"/api/1/programmes/applications/{world.applications[kind].pk}/")
    if not found_signed_in(response, client, "api-accompaniment-notes"):
        return False
    steps = response.json()["steps"]
    seen = any(step["notes"] for step in steps)
    assert seen == any(step.get("by") for step in steps), "the author goes with the notes"
    assert not seen or steps[0]["notes"] == STEP_NOTES
    return seen


def _api_quality(client, kind, surface):
    response = client.get(f"/api/1/datasets/{slug_of(kind)}/qualite/")
    if not found(response, surface):
        return None
    return response.json()


@read_surface("api-dataset-quality", "dataset", covers=("api-1:dataset_quality",))
def _api_dataset_quality(world, client, kind):
    return _api_quality(client, kind, "api-dataset-quality") is not None


@read_surface("api-dataset-quality-advice", "dataset", rule="produces",
              covers=("api-1:dataset_quality",))
def _api_dataset_quality_advice(world, client, kind):
    body = _api_quality(client, kind, "api-dataset-quality-advice")
    if body is None:
        return False
    advice = any(c["advice"] for c in body["criteria"])
    assert advice == body["advice_visible"] or not advice, "advice leaked"
    return body["advice_visible"]
