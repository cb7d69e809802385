"""The datastore over HTTP: status, records, exports, SQL, schemas, permissions."""
import io
import json

import duckdb
import pytest
from django.test import Client

from datasud.catalog.models import Dataset
from datasud.datastore.models import Load

pytestmark = pytest.mark.django_db


def records(client, resource, **params):
    return client.get(f"/api/1/datastore/{resource.pk}/records/", params)


def test_upload_is_loaded_and_status_describes_it(communes):
    body = Client().get(f"/api/1/datastore/{communes.pk}/").json()
    assert body["tabular"] is True
    assert body["current"]["status"] == "succeeded"
    assert body["current"]["number"] == 1
    assert body["current"]["options"]["delimiter"] == ";"
    table = body["tables"][0]
    assert table["row_count"] == 8
    types = {c["name"]: c["type"] for c in table["columns"]}
    assert types["code_insee"] == "VARCHAR"  # leading zeros kept
    assert types["superficie"] == "DOUBLE"  # French decimals
    assert types["date_maj"] == "DATE"  # dd/mm/yyyy
    assert table["sql_name"] == f"resource_{communes.pk}"


def test_records_filter_sort_and_count(communes):
    body = records(Client(), communes, where="departement in ('06', '13')",
                   order_by="population desc", select="nom, population").json()
    assert body["total"] == 4
    assert [r["nom"] for r in body["records"]] == ["Marseille", "Nice", "Aix-en-Provence",
                                                    "Cannes"]
    assert set(body["records"][0]) >= {"nom", "population"}


def test_records_full_text_ignores_case_and_accents(communes):
    body = records(Client(), communes, q="AVIGNON").json()
    assert [r["nom"] for r in body["records"]] == ["Avignon"]


def test_group_by_with_aggregates(communes):
    body = records(Client(), communes, group_by="departement",
                   select="departement, count(*) as n, sum(population) as habitants",
                   order_by="departement").json()
    by_dep = {r["departement"]: r for r in body["records"]}
    assert by_dep["13"]["n"] == 2
    assert by_dep["13"]["habitants"] == 873100 + 147500


def test_cursor_walks_every_row_once(communes):
    client, seen, cursor = Client(), [], ""
    for _ in range(10):
        body = records(client, communes, limit=3, order_by="nom", cursor=cursor).json()
        seen += [r["nom"] for r in body["records"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 8 and seen == sorted(seen)


@pytest.mark.parametrize("params, word", [
    ({"where": "nope = 1"}, "nope"),
    ({"where": "population > 'abc'"}, "population"),
    ({"order_by": "inconnue"}, "inconnue"),
    ({"where": "nom = 'a'; DROP TABLE x"}, ""),
    ({"cursor": "not-a-cursor"}, ""),
])
def test_bad_query_is_400_naming_the_problem(communes, params, word):
    response = records(Client(), communes, **params)
    assert response.status_code == 400
    assert word in response.json()["detail"]


def test_unknown_or_unloaded_resource_is_404(communes, make_dataset):
    assert records(Client(), communes, table=2).status_code == 404
    assert Client().get("/api/1/datastore/999999/records/").status_code == 404
    # Found by schemathesis: an id beyond any database integer is a 404, not a crash.
    huge = 6507578981737011936755712
    for path in ("records/", "", "profile/", "export/csv/"):
        assert Client().get(f"/api/1/datastore/{huge}/{path}").status_code == 404, path


def test_private_dataset_data_is_hidden(upload, make_dataset, editor, client_as, outsider):
    hidden = upload(make_dataset("Secret", private=True), "s.csv", b"a,b\n1,2\n")
    assert records(Client(), hidden).status_code == 404
    assert records(client_as(outsider), hidden).status_code == 404
    assert records(client_as(editor), hidden).json()["total"] == 1
    sql = f"SELECT count(*) AS n FROM resource_{hidden.pk}"
    assert Client().get("/api/1/datastore/sql/", {"sql": sql}).status_code == 400
    assert client_as(editor).get("/api/1/datastore/sql/", {"sql": sql}).json()["rows"] == [[1]]


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "parquet", "xlsx"])
def test_exports_whole_and_filtered(communes, fmt, tmp_path):
    url = f"/api/1/datastore/{communes.pk}/export/{fmt}/"
    whole = Client().get(url)
    assert whole.status_code == 200
    assert whole["Content-Disposition"].startswith("attachment")
    filtered = Client().get(url, {"where": "departement = '13'", "order_by": "nom"})
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(b"".join(filtered.streaming_content))
    if fmt == "xlsx":
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        assert [r[1] for r in rows[1:]] == ["Aix-en-Provence", "Marseille"]
        return
    reader = {"csv": "read_csv", "json": "read_json", "jsonl": "read_json",
              "parquet": "read_parquet"}[fmt]
    names = duckdb.sql(f"SELECT nom FROM {reader}('{path}')").fetchall()
    assert [n for (n,) in names] == ["Aix-en-Provence", "Marseille"]


def test_unknown_export_format_is_400(communes):
    response = Client().get(f"/api/1/datastore/{communes.pk}/export/docx/")
    assert response.status_code == 400
    assert "docx" in response.json()["detail"]


def test_sql_endpoint_reads_and_refuses_the_rest(communes):
    client = Client()
    ok = client.post("/api/1/datastore/sql/", {"sql": (
        f"SELECT departement, count(*) AS n FROM resource_{communes.pk} "
        "GROUP BY 1 ORDER BY 1")}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["rows"][0] == ["04", 1]
    for bad in ["DROP TABLE x", "SELECT * FROM read_csv('/etc/passwd')",
                f"COPY resource_{communes.pk} TO '/tmp/x.csv'", "INSTALL httpfs",
                "SET enable_external_access = true", "SELECT 1; SELECT 2"]:
        response = client.get("/api/1/datastore/sql/", {"sql": bad})
        assert response.status_code == 400, bad
        assert response.json()["detail"]


def test_profile_and_inferred_schema(communes):
    profile = Client().get(f"/api/1/datastore/{communes.pk}/profile/").json()
    population = next(c for c in profile if c["name"] == "population")
    assert population["min"] == 16300 and population["max"] == 873100
    assert population["null_count"] == 0
    schema = Client().get(f"/api/1/datastore/{communes.pk}/schema/", {"download": 1})
    assert schema["Content-Disposition"].startswith("attachment")
    fields = {f["name"]: f["type"] for f in json.loads(schema.content)["fields"]}
    assert fields["population"] == "integer" and fields["date_maj"] == "date"


def test_reload_keeps_serving_and_makes_a_new_version(communes, client_as, editor,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(editor).post(f"/api/1/datastore/{communes.pk}/load/")
    assert response.status_code == 202
    assert response.json()["number"] == 2
    current = Load.objects.get(resource=communes, is_current=True)
    assert current.number == 2 and current.status == "succeeded"
    assert not Load.objects.get(resource=communes, number=1).is_current


def test_reload_needs_a_producer(communes, client_as, outsider):
    assert Client().post(f"/api/1/datastore/{communes.pk}/load/").status_code == 401
    assert client_as(outsider).post(f"/api/1/datastore/{communes.pk}/load/").status_code == 403


def test_failed_load_keeps_previous_version_and_reports_line(communes, editor,
                                                             django_capture_on_commit_callbacks):
    # The producer replaces the file by a broken one (ragged line 3): the new load fails,
    # version 1 stays served, and the reason names the line.
    communes.file.save("communes.csv", io.BytesIO(b"a;b\n1;2\n3;4;5;6\n7;8\n"), save=False)
    communes.checksum = "changed"
    with django_capture_on_commit_callbacks(execute=True):
        communes.save()
    failed = Load.objects.get(resource=communes, number=2)
    assert failed.status == "failed"
    assert failed.error["line"] == 3 or any(d["line"] == 3 for d in failed.error["details"])
    body = Client().get(f"/api/1/datastore/{communes.pk}/").json()
    assert body["current"]["number"] == 1
    assert body["latest"]["status"] == "failed"
    assert records(Client(), communes).json()["total"] == 8


def test_declared_schema_validation_report(communes, client_as, editor,
                                           django_capture_on_commit_callbacks):
    schema = {"fields": [
        {"name": "code_insee", "type": "string", "constraints": {"pattern": "[0-9]{5}"}},
        {"name": "nom", "type": "string", "constraints": {"required": True}},
        {"name": "departement", "type": "string", "constraints": {"enum": ["04", "05"]}},
        {"name": "population", "type": "integer"},
    ]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(editor).put(f"/api/1/datastore/{communes.pk}/declared-schema/",
                                         {"schema": schema}, content_type="application/json")
    assert response.status_code == 200, response.content
    report = Client().get(f"/api/1/datastore/{communes.pk}/validation/").json()
    assert report["valid"] is False
    assert report["by_field"]["departement"] == 6  # 06, 13, 83, 84, 13, 06


def test_broken_declared_schema_is_400(communes, client_as, editor):
    response = client_as(editor).put(f"/api/1/datastore/{communes.pk}/declared-schema/",
                                     {"schema": {"fields": "nope"}},
                                     content_type="application/json")
    assert response.status_code == 400


def test_tables_listing_shows_only_visible(upload, communes, make_dataset):
    upload(make_dataset("Brouillon", status=Dataset.Status.DRAFT), "d.csv", b"a\n1\n")
    names = [t["sql_name"] for t in Client().get("/api/1/datastore/").json()["data"]]
    assert names == [f"resource_{communes.pk}"]
