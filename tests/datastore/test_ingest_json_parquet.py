"""JSON, JSON Lines and Parquet ingestion: scalar columns, nested values as JSON text."""
import datetime as dt
import json

import pytest

from datasud.datastore.errors import IngestError
from datasud.datastore.ingest import detect_format, read_source


def rows(con, table):
    return con.execute(f"SELECT * FROM read_parquet('{table.path}')").fetchall()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_array_with_nested_values(tmp_path, con):
    records = [
        {"id": 1, "nom": "Digne", "géo": {"lat": 44.09, "lon": 6.23}, "tags": ["a", "b"],
         "créé": "2024-12-31", "ok": True, "note": 1.5},
        {"id": 2, "nom": None, "géo": None, "tags": [], "créé": "2024-01-01", "ok": False,
         "note": 2},
    ]
    path = write(tmp_path, "data.json", json.dumps(records, ensure_ascii=False))
    assert detect_format(path) == "json"
    [table] = read_source(path, tmp_path / "out", con)
    assert table.columns == [("id", "BIGINT"), ("nom", "VARCHAR"), ("géo", "VARCHAR"),
                             ("tags", "VARCHAR"), ("créé", "DATE"), ("ok", "BOOLEAN"),
                             ("note", "DOUBLE")]
    assert rows(con, table) == [
        (1, "Digne", '{"lat":44.09,"lon":6.23}', '["a","b"]', dt.date(2024, 12, 31), True,
         1.5),
        (2, None, None, "[]", dt.date(2024, 1, 1), False, 2.0)]
    assert table.options["format"] == "json"
    assert any("JSON" in w and "géo" in w for w in table.warnings)


def test_json_object_holding_the_records(tmp_path, con):
    document = {"meta": {"source": "DataSud", "total": 2},
                "records": [{"a": 1}, {"a": 2, "b": "x"}]}
    path = write(tmp_path, "data.json", json.dumps(document))
    [table] = read_source(path, tmp_path / "out", con)
    assert table.columns == [("a", "BIGINT"), ("b", "VARCHAR")]
    assert rows(con, table) == [(1, None), (2, "x")]
    assert table.options["records_key"] == "records"


def test_json_lines(tmp_path, con):
    lines = [{"n": i, "texte": f"ligne {i}", "détail": {"k": i}} for i in range(3)]
    path = write(tmp_path, "data.ndjson", "\n".join(json.dumps(r) for r in lines) + "\n")
    assert detect_format(path) == "jsonl"
    assert detect_format(write(tmp_path, "x.txt", json.dumps(lines[0]) + "\n"
                               + json.dumps(lines[1]))) == "jsonl"
    [table] = read_source(path, tmp_path / "out", con)
    assert table.columns == [("n", "BIGINT"), ("texte", "VARCHAR"), ("détail", "VARCHAR")]
    assert rows(con, table)[2] == (2, "ligne 2", '{"k":2}')


def test_json_lines_late_type_change_is_typed_on_the_whole_file(tmp_path, con):
    text = "".join(json.dumps({"a": i, "b": "x"}) + "\n" for i in range(30_000))
    path = write(tmp_path, "data.jsonl", text + json.dumps({"a": "abc", "b": "y"}) + "\n")
    [table] = read_source(path, tmp_path / "out", con)
    assert dict(table.columns)["a"] == "VARCHAR"
    assert table.row_count == 30_001
    assert rows(con, table)[-1] == ("abc", "y")


def test_json_mixed_scalar_column_becomes_text(tmp_path, con):
    path = write(tmp_path, "data.json", '[{"a": 1}, {"a": "x"}, {"a": {"k": 1}}, {"a": null}]')
    [table] = read_source(path, tmp_path / "out", con)
    assert table.columns == [("a", "VARCHAR")]
    assert rows(con, table) == [("1",), ("x",), ('{"k":1}',), (None,)]


def test_parquet_is_normalised(tmp_path, con):
    source = tmp_path / "source.parquet"
    con.execute(f"""
        COPY (SELECT 1::INTEGER AS " id ", 2.5::DECIMAL(10, 2) AS montant,
                     1.25::FLOAT AS f, {{'x': 1, 'y': [1, 2]}} AS nested,
                     TIMESTAMPTZ '2024-12-31 14:30:00+02' AS quand,
                     TIMESTAMP_NS '2024-01-01 10:00:00' AS ns,
                     'abc'::BLOB AS blob, 18446744073709551615::UBIGINT AS huge, 7 AS _id,
                     3 AS file_row_number, 'x' AS "ID")
        TO '{source}' (FORMAT parquet)""")
    assert detect_format(source) == "parquet"
    [table] = read_source(source, tmp_path / "out", con)
    assert table.columns == [
        ("id", "BIGINT"), ("montant", "DOUBLE"), ("f", "DOUBLE"), ("nested", "VARCHAR"),
        ("quand", "TIMESTAMP"), ("ns", "TIMESTAMP"), ("blob", "VARCHAR"), ("huge", "VARCHAR"),
        ("_id_2", "BIGINT"), ("file_row_number_2", "BIGINT"), ("ID_2", "VARCHAR")]
    assert table.source_columns[0] == " id "
    assert rows(con, table) == [(1, 2.5, 1.25, '{"x":1,"y":[1,2]}',
                                 dt.datetime(2024, 12, 31, 12, 30), dt.datetime(2024, 1, 1, 10),
                                 "YWJj", "18446744073709551615", 7, 3, "x")]
    assert len(table.warnings) == 2
    metadata = con.execute(
        f"SELECT DISTINCT compression FROM parquet_metadata('{table.path}')").fetchall()
    assert metadata == [("LZ4_RAW",)]


def test_csv_output_is_lz4_parquet(tmp_path, con):
    path = write(tmp_path, "data.csv", "a;b\n1;x\n")
    [table] = read_source(path, tmp_path / "out", con)
    metadata = con.execute(
        f"SELECT DISTINCT compression FROM parquet_metadata('{table.path}')").fetchall()
    assert metadata == [("LZ4_RAW",)]


def test_json_records_with_varied_keys_are_columns(tmp_path, con):
    records = [{f"k{i}": i} for i in range(300)]
    path = write(tmp_path, "data.json", json.dumps(records))
    [table] = read_source(path, tmp_path / "out", con)
    assert len(table.columns) == 300
    assert table.columns[0] == ("k0", "BIGINT")


def json_error(tmp_path, con, text):
    path = write(tmp_path, "data.json", text)
    with pytest.raises(IngestError) as caught:
        read_source(path, tmp_path / "out", con)
    assert str(tmp_path) not in caught.value.message  # no server path shown to producers
    return caught.value


def test_json_errors_are_explained(tmp_path, con):
    error = json_error(tmp_path, con, '[{"a": 1}, {"a": 2')
    assert error.code == "malformed"
    assert "fin de fichier inattendue" in error.message
    assert json_error(tmp_path, con, "[{}, {}]").code == "empty"
    assert json_error(tmp_path, con, '{"x": [{"a": 1}], "y": [{"b": 2}]}').code == "invalid"
