"""datastore_search and datastore_search_sql: CKAN's parameters and shapes over the
datastore's own query layer and SQL sandbox."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from datasud.catalog import services as catalog
from datasud.catalog.models import Dataset
from datasud.ckan import ids

COMMUNES = (
    b"code_insee;nom;departement;population\n"
    b"04070;Digne-les-Bains;04;16300\n"
    b"05061;Gap;05;40600\n"
    b"06088;Nice;06;348100\n"
    b"13055;Marseille;13;873100\n"
    b"83137;Toulon;83;180800\n"
    b"13001;Aix-en-Provence;13;147500\n"
    b"06029;Cannes;06;73900\n"
    b"84007;L'Isle-sur-la-Sorgue\\50%;84;19700\n"
)


@pytest.fixture
def loaded(django_capture_on_commit_callbacks, editor, make_dataset):
    """loaded(dataset) -> the CKAN id of a CSV resource of `dataset`, loaded."""

    def make(dataset):
        with django_capture_on_commit_callbacks(execute=True):
            resource = catalog.add_resource(
                editor, dataset, upload=SimpleUploadedFile("communes.csv", COMMUNES))
        return ids.make(ids.RESOURCE, resource.pk)

    return make


@pytest.fixture
def communes(loaded, make_dataset):
    return loaded(make_dataset("Communes", slug="communes"))


@pytest.fixture
def hidden(loaded, make_dataset):
    return loaded(make_dataset("Communes privées", slug="privees", private=True))


def test_search_shape(anon, result, communes):
    found = result(anon, "datastore_search", resource_id=communes)
    assert found["total"] == 8 and len(found["records"]) == 8
    assert found["records_format"] == "objects"
    assert found["fields"][0] == {"id": "_id", "type": "int"}
    assert {f["id"]: f["type"] for f in found["fields"]}["nom"] == "text"
    assert found["records"][0]["_id"] == 1
    assert found["records"][0]["nom"] == "Digne-les-Bains"
    assert found["limit"] == 100
    assert found["_links"]["start"].startswith("/api/3/action/datastore_search?")
    assert "offset=100" in found["_links"]["next"]


def test_datastore_active_in_package_and_resource(anon, result, communes):
    assert result(anon, "resource_show", id=communes)["datastore_active"] is True
    package = result(anon, "package_show", id="communes")
    assert package["resources"][0]["datastore_active"] is True


def test_filters_fields_sort_limit_offset(anon, result, communes):
    found = result(anon, "datastore_search", resource_id=communes,
                   filters={"departement": ["06", "13"]}, fields=["nom", "population"],
                   sort="population desc", limit=2, offset=1)
    assert found["total"] == 4
    assert found["records"] == [{"nom": "Nice", "population": 348100},
                                {"nom": "Aix-en-Provence", "population": 147500}]
    assert [f["id"] for f in found["fields"]] == ["nom", "population"]
    assert "offset=3" in found["_links"]["next"]
    assert found["filters"] == {"departement": ["06", "13"]}


def test_fields_as_comma_string_and_quoted_sort(anon, result, communes):
    found = result(anon, "datastore_search", resource_id=communes, fields="nom,departement",
                   sort='"departement" desc, nom asc', limit=2)
    assert found["records"] == [{"nom": "L'Isle-sur-la-Sorgue\\50%", "departement": "84"},
                                {"nom": "Toulon", "departement": "83"}]


def test_q_text_and_q_per_column(anon, result, communes):
    assert result(anon, "datastore_search", resource_id=communes, q="marseille"
                  )["total"] == 1
    # Quotes, backslashes and wildcards of the text are taken literally.
    found = result(anon, "datastore_search", resource_id=communes,
                   q={"nom": "isle-sur-la-sorgue\\50%"})
    assert [r["nom"] for r in found["records"]] == ["L'Isle-sur-la-Sorgue\\50%"]
    assert result(anon, "datastore_search", resource_id=communes, q={"nom": "%"}
                  )["total"] == 1
    assert result(anon, "datastore_search", resource_id=communes, q={"nom": "' or 1=1 --"}
                  )["total"] == 0


def test_distinct_and_records_formats(anon, result, communes):
    found = result(anon, "datastore_search", resource_id=communes, fields=["departement"],
                   distinct=True, sort="departement")
    assert [r["departement"] for r in found["records"]] == ["04", "05", "06", "13", "83",
                                                            "84"]
    lists = result(anon, "datastore_search", resource_id=communes, fields="nom,population",
                   records_format="lists", limit=1)
    assert lists["records"] == [["Digne-les-Bains", 16300]]
    as_csv = result(anon, "datastore_search", resource_id=communes, fields="nom,population",
                    records_format="csv", limit=2)
    assert as_csv["records"] == "Digne-les-Bains,16300\nGap,40600\n"
    no_total = result(anon, "datastore_search", resource_id=communes, include_total=False)
    assert "total" not in no_total


@pytest.mark.parametrize("params, field", [
    ({"filters": {"nope": "x"}}, "filters"),
    ({"filters": "{broken"}, "filters"),
    ({"filters": {"population": "beaucoup"}}, "filters"),
    ({"fields": ["nope"]}, "fields"),
    ({"sort": "nope desc"}, "sort"),
    ({"sort": "population sideways"}, "sort"),
    ({"q": {"population": "1"}}, "q"),
    ({"offset": 20000}, "offset"),
    ({"limit": "ten"}, "limit"),
    ({"records_format": "xml"}, "records_format"),
])
def test_bad_parameters_are_validation_errors(anon, call, communes, params, field):
    status, body = call(anon, "datastore_search", resource_id=communes, **params)
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"
    assert field in body["error"]


def test_missing_unknown_and_hidden_resources(anon, as_editor, call, result, hidden,
                                              make_dataset, catalogue):
    assert call(anon, "datastore_search")[0] == 409
    assert call(anon, "datastore_search", resource_id="nope")[0] == 404
    assert call(anon, "datastore_search", resource_id=hidden)[0] == 404
    assert result(as_editor, "datastore_search", resource_id=hidden)["total"] == 8
    unloaded = catalogue["velo"].resources.first()
    status, body = call(anon, "datastore_search",
                        resource_id=ids.make(ids.RESOURCE, unloaded.pk))
    assert status == 404 and body["error"]["__type"] == "Not Found Error"


def test_sql_names_tables_by_resource_id(anon, result, communes):
    found = result(anon, "datastore_search_sql",
                   sql=f'SELECT departement, count(*) AS n FROM "{communes}" '
                       f"GROUP BY departement ORDER BY n DESC, departement LIMIT 2")
    assert found["records"] == [{"departement": "06", "n": 2}, {"departement": "13", "n": 2}]
    assert found["fields"] == [{"id": "departement", "type": "text"},
                               {"id": "n", "type": "int"}]
    assert found["sql"].startswith("SELECT")


def test_sql_refuses_hidden_tables_and_writes(anon, as_editor, call, result, communes,
                                              hidden):
    status, body = call(anon, "datastore_search_sql", sql=f'SELECT * FROM "{hidden}"')
    assert status == 409 and "query" in body["error"]
    assert result(as_editor, "datastore_search_sql",
                  sql=f'SELECT count(*) AS n FROM "{hidden}"')["records"] == [{"n": 8}]
    for sql in (f'DROP TABLE "{communes}"', "SELECT * FROM read_csv('/etc/passwd')",
                f'SELECT 1; SELECT * FROM "{communes}"', "SELEC nonsense", ""):
        status, body = call(anon, "datastore_search_sql", sql=sql)
        assert status == 409, (sql, body)
        assert body["error"]["__type"] == "Validation Error"


def test_sql_row_cap_is_reported(anon, result, communes, settings):
    settings.DATASTORE_SQL_ROW_CAP = 3
    found = result(anon, "datastore_search_sql", sql=f'SELECT nom FROM "{communes}"')
    assert len(found["records"]) == 3 and found["records_truncated"] is True


def test_draft_resources_never_reach_anonymous_sql(anon, call, loaded, make_dataset):
    draft = loaded(make_dataset("Brouillon", slug="brouillon",
                                status=Dataset.Status.DRAFT))
    status, _body = call(anon, "datastore_search_sql", sql=f'SELECT * FROM "{draft}"')
    assert status == 409


def test_links_carry_a_cursor_past_the_offset_limit(anon, result, communes, monkeypatch):
    from urllib.parse import parse_qs, urlsplit

    from datasud.ckan.actions import datastore

    # As if the datastore's offset limit were 2 rows away.
    monkeypatch.setattr(datastore, "MAX_OFFSET", 2)
    page = result(anon, "datastore_search", resource_id=communes, limit=2, offset=2,
                  fields="nom")
    assert [r["nom"] for r in page["records"]] == ["Nice", "Marseille"]
    following = parse_qs(urlsplit(page["_links"]["next"]).query)
    assert "offset" not in following and following["cursor"]
    params = {k: v[0] for k, v in following.items()}
    nxt = result(anon, "datastore_search", **params)
    assert [r["nom"] for r in nxt["records"]] == ["Toulon", "Aix-en-Provence"]
    assert "cursor" in parse_qs(urlsplit(nxt["_links"]["next"]).query)
