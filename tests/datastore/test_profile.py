"""Column profiles computed from real Parquet files written by DuckDB."""
import json
import math
import time

import duckdb
import pytest

from datasud.datastore import profile as profile_module
from datasud.datastore.profile import duckdb_to_field_type, profile_table


def write_parquet(path, select: str, options: str = "") -> list[tuple[str, str]]:
    """Write `select` to `path` as Parquet; return its (name, DuckDB type) columns."""
    with duckdb.connect() as con:
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet{options})")
        return [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]


def run_profile(path, columns, **kwargs) -> dict[str, dict]:
    with duckdb.connect() as con:
        profiles = profile_table(con, path, columns, **kwargs)
    # What is stored in a JSONField and served by the API: strict JSON, no NaN.
    json.dumps(profiles, allow_nan=False)
    assert [p["name"] for p in profiles] == [name for name, _type in columns]
    return {p["name"]: p for p in profiles}


@pytest.fixture
def communes(tmp_path):
    path = tmp_path / "communes.parquet"
    columns = write_parquet(path, """
        SELECT * FROM (VALUES
          ('04070', 'Digne-les-Bains', '04', 16300, 117.07, DATE '2023-12-31',
           TIMESTAMP '2024-01-02 08:30:00', true, 1.50::DECIMAL(10, 2)),
          ('05061', 'Gap', '05', 40600, 110.43, DATE '2023-12-31',
           TIMESTAMP '2024-01-03 09:00:00', false, 2.25),
          ('06088', 'Nice', '06', 348100, 71.92, DATE '2024-01-01', NULL, true, NULL),
          ('13055', 'Marseille', '13', 873100, 240.62, DATE '2024-01-01', NULL, NULL, 3.00),
          ('83137', 'Toulon', '83', NULL, 'NaN'::DOUBLE, NULL, NULL, true, 4.75),
          ('13001', 'Aix-en-Provence', '13', 147500, 'inf'::DOUBLE, DATE '2024-02-15',
           NULL, false, 5.00)
        ) t(code_insee, nom, departement, population, superficie, date_maj, horodatage,
            actif, taux)
    """)
    return path, columns


def test_profile_counts_ranges_and_means(communes):
    path, columns = communes
    p = run_profile(path, columns)

    population = p["population"]
    assert population["type"] == "INTEGER"
    assert population["field_type"] == "integer"
    assert (population["count"], population["null_count"]) == (5, 1)
    assert population["distinct_count"] == 5
    assert population["distinct_approx"] is False
    assert (population["min"], population["max"]) == (16300, 873100)
    assert population["mean"] == pytest.approx((16300 + 40600 + 348100 + 873100 + 147500) / 5)
    assert "min_length" not in population

    # NaN and infinity are values (counted) but neither a minimum, maximum nor in the mean.
    superficie = p["superficie"]
    assert (superficie["count"], superficie["null_count"]) == (6, 0)
    assert (superficie["min"], superficie["max"]) == (71.92, 240.62)
    assert superficie["mean"] == pytest.approx((117.07 + 110.43 + 71.92 + 240.62) / 4)
    assert all(v["value"] is not None and math.isfinite(v["value"])
               for v in superficie["top_values"])

    taux = p["taux"]
    assert taux["field_type"] == "number"
    assert (taux["min"], taux["max"]) == (1.5, 5)  # decimals as JSON numbers
    assert taux["mean"] == pytest.approx(3.3)


def test_profile_strings_dates_booleans(communes):
    path, columns = communes
    p = run_profile(path, columns)

    nom = p["nom"]
    assert nom["field_type"] == "string"
    assert (nom["min"], nom["max"]) == ("Aix-en-Provence", "Toulon")
    assert (nom["min_length"], nom["max_length"]) == (3, 15)
    assert nom["mean"] is None

    departement = p["departement"]
    assert departement["distinct_count"] == 5
    # Most frequent first, ties by smallest value: stable from one load to the next.
    assert departement["top_values"] == [
        {"value": "13", "count": 2}, {"value": "04", "count": 1}, {"value": "05", "count": 1},
        {"value": "06", "count": 1}, {"value": "83", "count": 1}]

    date_maj = p["date_maj"]
    assert date_maj["field_type"] == "date"
    assert (date_maj["min"], date_maj["max"]) == ("2023-12-31", "2024-02-15")
    assert date_maj["top_values"][:2] == [{"value": "2023-12-31", "count": 2},
                                          {"value": "2024-01-01", "count": 2}]
    assert date_maj["null_count"] == 1

    horodatage = p["horodatage"]
    assert horodatage["field_type"] == "datetime"
    assert (horodatage["min"], horodatage["max"]) == ("2024-01-02T08:30:00",
                                                      "2024-01-03T09:00:00")
    assert (horodatage["count"], horodatage["null_count"]) == (2, 4)

    actif = p["actif"]
    assert actif["field_type"] == "boolean"
    assert actif["top_values"] == [{"value": True, "count": 3}, {"value": False, "count": 2}]
    assert actif["mean"] is None
    assert actif["null_count"] == 1


def test_profile_top_parameter(communes):
    path, columns = communes
    p = run_profile(path, columns, top=1)
    assert p["departement"]["top_values"] == [{"value": "13", "count": 2}]
    p = run_profile(path, columns, top=0)
    assert p["departement"]["top_values"] == []
    assert p["departement"]["distinct_count"] == 5


def test_profile_empty_and_all_null_columns(tmp_path):
    path = tmp_path / "empty.parquet"
    columns = write_parquet(path, "SELECT 1::BIGINT AS n, 'a' AS s FROM range(0)")
    p = run_profile(path, columns)
    assert p["n"]["count"] == 0 and p["n"]["null_count"] == 0
    assert p["n"]["distinct_count"] == 0
    assert p["n"]["min"] is None and p["n"]["mean"] is None
    assert p["s"]["top_values"] == []

    path = tmp_path / "nulls.parquet"
    columns = write_parquet(path, "SELECT NULL::DOUBLE AS x, NULL::VARCHAR AS s FROM range(3)")
    p = run_profile(path, columns)
    assert (p["x"]["count"], p["x"]["null_count"], p["x"]["distinct_count"]) == (0, 3, 0)
    assert p["x"]["mean"] is None and p["s"]["max_length"] is None


def test_profile_other_types_are_json(tmp_path):
    path = tmp_path / "types.parquet"
    columns = write_parquet(path, """
        SELECT TIMESTAMPTZ '2024-03-01 10:00:00+02' AS tz,
               '81e868ee-6da3-4df8-afdb-f284850db26c'::UUID AS id,
               INTERVAL 3 DAY AS duree,
               TIME '12:30:00' AS heure,
               [1, 2, 3] AS liste,
               {'a': 1, 'b': 'x'} AS objet,
               '\\xAA'::BLOB AS octets,
               repeat('é', 300) AS long_texte,
               18446744073709551615::UBIGINT AS enorme
        FROM range(2)
    """)
    p = run_profile(path, columns)
    assert p["tz"]["field_type"] == "datetime"
    assert p["tz"]["min"] == "2024-03-01T08:00:00Z"  # ISO 8601, in UTC
    assert p["id"]["field_type"] == "string"
    assert p["id"]["top_values"] == [{"value": "81e868ee-6da3-4df8-afdb-f284850db26c",
                                      "count": 2}]
    assert p["duree"]["field_type"] == "duration"
    assert p["heure"]["min"] == "12:30:00"
    assert p["enorme"]["max"] == 18446744073709551615
    for name, field_type in (("liste", "array"), ("objet", "object"), ("octets", "string")):
        assert p[name]["field_type"] == field_type
        assert p[name]["count"] == 2 and p[name]["distinct_count"] == 1
        assert p[name]["top_values"] == [] and p[name]["min"] is None
    # Long strings are cut in the profile, not their lengths.
    assert len(p["long_texte"]["min"]) == profile_module.MAX_TEXT + 1
    assert p["long_texte"]["max_length"] == 300


@pytest.fixture
def big_table_limits(monkeypatch):
    """The thresholds of big tables, made small so that small files exercise them."""
    monkeypatch.setattr(profile_module, "EXACT_ROWS", 100)
    monkeypatch.setattr(profile_module, "GROUP_LIMIT", 50)
    monkeypatch.setattr(profile_module, "UPGRADE_LIMIT", 20)
    monkeypatch.setattr(profile_module, "SAMPLE_ROWS", 1000)


def test_profile_of_a_big_table(tmp_path, big_table_limits):
    path = tmp_path / "big.parquet"
    columns = write_parquet(path, """
        SELECT i AS id,
               CASE WHEN i % 5 < 2 THEN 'N/A' ELSE 'ref-' || i END AS reference,
               'cat' || (i % 4) AS categorie,
               (i % 15) * 1.5 AS palier
        FROM range(3000) t(i)
    """, ", ROW_GROUP_SIZE 100")
    p = run_profile(path, columns)

    # Unique identifiers: estimated, and no value is frequent.
    assert p["id"]["distinct_approx"] is True
    assert 2400 <= p["id"]["distinct_count"] <= 3000
    assert p["id"]["top_values"] == [] and p["id"]["top_approx"] is True
    assert (p["id"]["min"], p["id"]["max"], p["id"]["count"]) == (0, 2999, 3000)
    assert p["id"]["mean"] == pytest.approx(1499.5)

    # A frequent value among unique ones is found, and counted exactly.
    reference = p["reference"]
    assert reference["distinct_approx"] is True
    assert reference["top_values"] == [{"value": "N/A", "count": 1200}]
    assert (reference["min_length"], reference["max_length"]) == (3, 8)

    # Few distinct values, known from the Parquet dictionaries: exact.
    categorie = p["categorie"]
    assert categorie["distinct_approx"] is False and categorie["distinct_count"] == 4
    assert categorie["top_values"][0] == {"value": "cat0", "count": 750}

    # Few distinct values that only the estimate reveals (no dictionary): exact too.
    palier = p["palier"]
    assert palier["distinct_approx"] is False and palier["distinct_count"] == 15
    assert palier["top_values"][0] == {"value": 0.0, "count": 200}
    assert palier["mean"] == pytest.approx(sum((i % 15) * 1.5 for i in range(3000)) / 3000)


@pytest.mark.slow
def test_profile_of_a_million_rows_is_fast(tmp_path):
    path = tmp_path / "million.parquet"
    columns = write_parquet(path, """
        SELECT i AS id, (i % 97)::INTEGER AS categorie,
               CASE WHEN i % 10 = 0 THEN NULL ELSE (hash(i) % 100000) / 100.0 END AS montant,
               'C' || lpad((hash(i * 7) % 5000)::VARCHAR, 5, '0') AS code,
               'texte libre numero ' || (hash(i * 3) % 900000)::VARCHAR AS libelle,
               DATE '2000-01-01' + (i % 9000)::INTEGER AS jour,
               TIMESTAMP '2020-01-01' + to_seconds(i * 37) AS horodatage,
               (i % 3 = 0) AS actif
        FROM range(1000000) t(i)
    """)
    with duckdb.connect(config={"threads": 2}) as con:
        profile_table(con, path, columns)  # warm the file cache
        started = time.perf_counter()
        profiles = profile_table(con, path, columns)
        elapsed = time.perf_counter() - started
    p = {x["name"]: x for x in profiles}
    assert p["categorie"]["distinct_count"] == 97 and not p["categorie"]["distinct_approx"]
    assert p["code"]["distinct_count"] == 5000
    assert p["jour"]["distinct_count"] == 9000
    assert p["montant"]["null_count"] == 100000
    assert p["actif"]["top_values"] == [{"value": False, "count": 666666},
                                        {"value": True, "count": 333334}]
    # Measured ~0.25 s on 2 idle cores; the bound leaves room for a busy CI machine.
    assert elapsed < 3


@pytest.mark.parametrize(("duckdb_type", "field_type"), [
    ("BIGINT", "integer"), ("INTEGER", "integer"), ("UTINYINT", "integer"),
    ("HUGEINT", "integer"), ("DECIMAL(18,0)", "integer"), ("DECIMAL(10,2)", "number"),
    ("DOUBLE", "number"), ("FLOAT", "number"), ("VARCHAR", "string"), ("UUID", "string"),
    ("BLOB", "string"), ("BOOLEAN", "boolean"), ("DATE", "date"), ("TIMESTAMP", "datetime"),
    ("TIMESTAMP WITH TIME ZONE", "datetime"), ("TIMESTAMP_NS", "datetime"), ("TIME", "time"),
    ("INTERVAL", "duration"), ("INTEGER[]", "array"), ("VARCHAR[3]", "array"),
    ("STRUCT(a INTEGER, b VARCHAR)", "object"), ("MAP(VARCHAR, INTEGER)", "object"),
    ("JSON", "object"), ("GEOMETRY", "geojson"), ("UNION(a INTEGER, b VARCHAR)", "any"),
])
def test_duckdb_to_field_type(duckdb_type, field_type):
    assert duckdb_to_field_type(duckdb_type) == field_type


def test_column_names_like_internal_aliases(tmp_path, big_table_limits):
    # Columns named like the aliases of our SQL ("v", "n", "g") are not confused with them.
    path = tmp_path / "aliases.parquet"
    columns = write_parquet(path, """
        SELECT i % 3 AS n, i AS v, 'x' || (i % 2) AS g, i AS "k0", 'a"b' AS "quote""d"
        FROM range(500) t(i)
    """)
    p = run_profile(path, columns)
    assert p["n"]["top_values"] == [{"value": 0, "count": 167}, {"value": 1, "count": 167},
                                    {"value": 2, "count": 166}]
    assert p["v"]["distinct_approx"] is True and p["v"]["max"] == 499
    assert p["g"]["distinct_count"] == 2
    assert p['quote"d']["top_values"] == [{"value": 'a"b', "count": 500}]
