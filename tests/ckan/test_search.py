"""package_search: the platform search behind CKAN's parameters and result shape."""
import pytest

from datasud.ckan import ids

ALL_FACETS = ["organization", "groups", "tags", "res_format", "license_id"]


def names(found) -> set[str]:
    return {package["name"] for package in found["results"]}


def test_result_shape(anon, result, catalogue):
    found = result(anon, "package_search")
    assert found["count"] == 5
    assert set(found) == {"count", "results", "facets", "search_facets", "sort"}
    assert found["sort"] == "score desc, metadata_modified desc"
    assert found["facets"] == {} and found["search_facets"] == {}
    assert len(found["results"]) == 5
    assert found["results"][0]["type"] == "dataset"


def test_full_text_uses_the_platform_search(anon, result, catalogue):
    assert names(result(anon, "package_search", q="qualité")) == {"qualite-air", "baignade"}
    assert names(result(anon, "package_search", q="*:*")) == names(
        result(anon, "package_search"))


@pytest.mark.parametrize("fq, expected", [
    ("tags:vélo", {"pistes-cyclables"}),
    ("organization:amp", {"pistes-cyclables", "horaires-bus"}),
    ("groups:environnement", {"qualite-air", "baignade"}),
    ("res_format:CSV", {"pistes-cyclables", "qualite-air"}),
    ("license_id:odbl", {"qualite-air"}),
    ("tags:(bus OR eau)", {"horaires-bus", "baignade"}),
    ('tags:"mobilité douce" AND organization:amp', {"pistes-cyclables"}),
    ("organization:amp AND organization:ville-de-digne", set()),
])
def test_fq(anon, result, catalogue, fq, expected):
    assert names(result(anon, "package_search", fq=fq)) == expected


def test_owner_org_by_id(anon, result, catalogue, partner):
    found = result(anon, "package_search", fq=f"owner_org:{ids.make(ids.ORGANISATION, partner.pk)}")
    assert names(found) == {"pistes-cyclables", "horaires-bus"}


def test_fields_in_q_and_fq_list(anon, result, catalogue):
    assert names(result(anon, "package_search", q="tags:vélo")) == {"pistes-cyclables"}
    found = result(anon, "package_search", q="qualité", fq_list=["groups:environnement",
                                                                 "license_id:odbl"])
    assert names(found) == {"qualite-air"}


def test_facets_in_both_ckan_shapes(anon, result, catalogue):
    found = result(anon, "package_search", **{"facet.field": ALL_FACETS})
    assert found["facets"]["organization"] == {"ville-de-digne": 3, "amp": 2}
    assert found["facets"]["res_format"]["CSV"] == 2
    assert found["facets"]["groups"] == {"environnement": 2, "mobilite-et-transports": 2}
    items = found["search_facets"]["organization"]["items"]
    assert items[0] == {"name": "ville-de-digne", "display_name": "Ville de Digne-les-Bains",
                        "count": 3}
    assert found["search_facets"]["license_id"]["title"] == "license_id"
    limited = result(anon, "package_search", **{"facet.field": ["tags"], "facet.limit": 1})
    assert len(limited["facets"]["tags"]) == 1
    assert result(anon, "package_search", **{"facet.field": ["tags"], "facet": "false"}
                  )["facets"] == {}


def test_facets_never_count_hidden_datasets(anon, as_outsider, result, catalogue):
    for client in (anon, as_outsider):
        found = result(client, "package_search", fq="tags:vélo",
                       include_private=True, **{"facet.field": ["tags"]})
        assert found["count"] == 1
        assert found["facets"]["tags"]["vélo"] == 1


def test_sort(anon, result, catalogue):
    by_title = result(anon, "package_search", sort="title_string asc")
    titles = [p["title"] for p in by_title["results"]]
    assert titles == sorted(titles)
    assert by_title["sort"] == "title_string asc"
    reversed_ = result(anon, "package_search", sort="title_string desc")
    assert [p["title"] for p in reversed_["results"]] == titles[::-1]
    newest = result(anon, "package_search", sort="metadata_created desc")["results"]
    assert newest[0]["name"] == "budget"  # made last among the public ones
    oldest = result(anon, "package_search", sort="metadata_created asc")["results"]
    assert oldest[0]["name"] == "pistes-cyclables"


@pytest.mark.parametrize("start, rows", [(0, 2), (1, 2), (3, 2), (2, 3), (4, 10), (0, 0)])
def test_rows_and_start_window(anon, result, catalogue, start, rows):
    everything = [p["name"] for p in result(anon, "package_search", sort="title_string asc",
                                            rows=100)["results"]]
    window = result(anon, "package_search", sort="title_string asc", start=start, rows=rows)
    assert [p["name"] for p in window["results"]] == everything[start:start + rows]
    assert window["count"] == 5


def test_start_far_beyond_the_end(anon, result, catalogue):
    found = result(anon, "package_search", start=10**9, rows=10)
    assert found["results"] == [] and found["count"] == 5


def test_fl_returns_only_those_fields(anon, result, catalogue):
    found = result(anon, "package_search", fl="name,title", rows=1)
    assert set(found["results"][0]) == {"name", "title"}


def test_include_private_for_members(as_editor, as_outsider, anon, result, catalogue):
    # Without include_private, everybody gets the public catalogue, as with CKAN.
    assert result(as_editor, "package_search")["count"] == 5
    mine = result(as_editor, "package_search", include_private=True)
    assert mine["count"] == 7
    assert {"velos-prives", "velos-brouillon"} <= names(mine)
    for client in (anon, as_outsider):
        found = result(client, "package_search", include_private=True, q="vélo")
        assert names(found) == {"pistes-cyclables"}


def test_staff_see_everything_with_include_private(client_as, staff, result, catalogue):
    assert result(client_as(staff), "package_search", include_private=True)["count"] == 7


def test_archived_left_out_unless_asked(anon, result, catalogue):
    from django.utils import timezone

    from datasud.search import indexing

    catalogue["budget"].archived_at = timezone.now()
    catalogue["budget"].save()
    indexing.reindex([catalogue["budget"].pk])
    assert "budget" not in names(result(anon, "package_search"))
    assert "budget" in names(result(anon, "package_search", include_archived=True))


@pytest.mark.parametrize("params, mentioned", [
    ({"fq": "-tags:vélo"}, "négation"),
    ({"fq": "tags:vélo AND tags:bus"}, "tags"),
    ({"fq": "author:jean"}, "author"),
    ({"sort": "popularity desc"}, "popularity"),
    ({"sort": "title_string sideways"}, "sideways"),
    ({"sort": "score asc"}, "score asc"),
    ({"facet.field": ["maintainer"]}, "maintainer"),
])
def test_search_query_errors(anon, call, catalogue, params, mentioned):
    status, body = call(anon, "package_search", **params)
    assert status == 400
    assert body["error"]["__type"] == "Search Query Error"
    assert body["error"]["message"].startswith("Search Query is invalid: ")
    assert mentioned in body["error"]["message"]


@pytest.mark.parametrize("params, field", [
    ({"rows": -1}, "rows"), ({"start": "x"}, "start"), ({"facet.field": "tags"}, "facet.field"),
    ({"include_private": "maybe"}, "include_private"),
])
def test_malformed_parameters(anon, call, db, params, field):
    status, body = call(anon, "package_search", **params)
    assert status == 409
    assert field in body["error"]


def test_post_json_with_typed_values(anon, call, catalogue):
    status, body = call(anon, "package_search", post=True, rows=1, fq="tags:bus",
                        **{"facet.field": ["tags"]})
    assert status == 200
    assert body["result"]["count"] == 1
    assert body["result"]["facets"]["tags"]["bus"] == 1


def test_sort_by_id_is_the_stable_creation_order(anon, result, catalogue):
    # Harvesters page with sort=id asc: the order must not depend on later edits, and the
    # pages must join up without gaps or repeats.
    created = [d.slug for d in sorted(catalogue.values(), key=lambda d: (d.created_at, d.pk))
               if d.is_public]
    catalogue["velo"].title = "Pistes cyclables (mise à jour)"
    catalogue["velo"].save()
    found = result(anon, "package_search", sort="id asc", rows=100)
    assert [p["name"] for p in found["results"]] == created
    assert found["sort"] == "id asc"
    pages = [result(anon, "package_search", sort="id asc", rows=2, start=start)["results"]
             for start in (0, 2, 4)]
    assert [p["name"] for page in pages for p in page] == created
    newest_first = result(anon, "package_search", sort="id desc", rows=100)["results"]
    assert [p["name"] for p in newest_first] == created[::-1]
    with_text = result(anon, "package_search", q="qualité", sort="id desc")["results"]
    assert [p["name"] for p in with_text] == [s for s in created[::-1]
                                              if s in ("qualite-air", "baignade")]
