"""The read-only SQL sandbox: what runs, what is refused, time and row limits."""
import time

import duckdb
import pytest

from datasud.datastore.errors import QueryError
from datasud.datastore.query import run_sql
from datasud.datastore.query import sandbox as sandbox_module


@pytest.fixture
def tables(tmp_path):
    path = tmp_path / "communes.parquet"
    other = tmp_path / "departements.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM (VALUES ('Gap', '05', 41000), ('Nice', '06', 342000), "
                f"('Digne', '04', 16000)) t(nom, dep, population)) TO '{path}' "
                "(FORMAT parquet)")
    con.execute(f"COPY (SELECT * FROM (VALUES ('04', 'Alpes-de-Haute-Provence'), "
                f"('05', 'Hautes-Alpes'), ('06', 'Alpes-Maritimes')) t(dep, libelle)) "
                f"TO '{other}' (FORMAT parquet)")
    con.close()
    return {"r_3f2a9c1b": path, "resource_2": other}


def sql(text, tables, row_cap=100, timeout_s=5.0):
    return run_sql(text, tables, row_cap=row_cap, timeout_s=timeout_s)


def test_select_join_and_virtual_id(tables):
    result = sql("SELECT c._id, c.nom, d.libelle FROM r_3f2a9c1b c JOIN resource_2 d "
                 "USING (dep) ORDER BY c.population DESC", tables)
    assert result.columns == [{"name": "_id", "type": "BIGINT"},
                              {"name": "nom", "type": "VARCHAR"},
                              {"name": "libelle", "type": "VARCHAR"}]
    assert result.rows == [[2, "Nice", "Alpes-Maritimes"], [1, "Gap", "Hautes-Alpes"],
                           [3, "Digne", "Alpes-de-Haute-Provence"]]
    assert result.truncated is False and result.elapsed_ms >= 0


@pytest.mark.parametrize("text, expected", [
    ("WITH big AS (SELECT * FROM r_3f2a9c1b WHERE population > 20000) "
     "SELECT count(*) FROM big", [[2]]),
    ("select avg(population)::INTEGER from R_3F2A9C1B;", [[133000]]),
    ("SELECT sum(range) FROM range(5)", [[10]]),
    ("SELECT x FROM unnest([1, 2]) t(x) -- a comment", [[1], [2]]),
    ("FROM r_3f2a9c1b SELECT nom WHERE dep = '04'", [["Digne"]]),
    ("SELECT DATE '2024-01-31' + 1 AS d, 1.5::DECIMAL(4,2) AS x, 'nan'::DOUBLE AS n",
     [["2024-02-01", 1.5, None]]),
    ("WITH duckdb_settings AS (SELECT 1 AS a) SELECT a FROM duckdb_settings", [[1]]),
    ("DESCRIBE resource_2", [["_id", "BIGINT", "YES", None, None, None],
                             ["dep", "VARCHAR", "YES", None, None, None],
                             ["libelle", "VARCHAR", "YES", None, None, None]]),
    ("SELECT count(*) FROM (SUMMARIZE r_3f2a9c1b)", [[4]]),
])
def test_allowed_queries(tables, text, expected):
    assert sql(text, tables).rows == expected


def test_row_cap_truncates(tables):
    result = sql("SELECT * FROM range(1000000)", tables, row_cap=10)
    assert len(result.rows) == 10 and result.truncated is True
    assert sql("SELECT * FROM range(10)", tables, row_cap=10).truncated is False


@pytest.mark.parametrize("text, message", [
    ("SELECT * FROM read_csv('/etc/passwd')", "read_csv\\(\\) n'est pas permise"),
    ("SELECT * FROM '/etc/passwd'", "Table inconnue : /etc/passwd"),
    ("SELECT * FROM read_text('/etc/passwd')", "read_text\\(\\) n'est pas permise"),
    ("SELECT * FROM glob('/*')", "glob\\(\\) n'est pas permise"),
    ("SELECT * FROM query('SELECT 1')", "query\\(\\) n'est pas permise"),
    ("SELECT * FROM duckdb_settings()", "duckdb_settings\\(\\) n'est pas permise"),
    ("SELECT * FROM duckdb_settings", "Table inconnue"),
    ("SELECT current_setting('allowed_paths')", "current_setting\\(\\) n'est pas permise"),
    ("SELECT (SELECT 1 FROM information_schema.tables LIMIT 1)", "sans préfixe"),
    ("SELECT * FROM main.r_3f2a9c1b", "sans préfixe : r_3f2a9c1b"),
    ("SELECT * FROM system.main.duckdb_settings", "sans préfixe"),
    ("WITH a AS (SELECT 1) SELECT * FROM (SELECT * FROM duckdb_settings), a",
     "Table inconnue"),
    ("SELECT * FROM nope", "Table inconnue : nope. Tables disponibles : r_3f2a9c1b, "
                           "resource_2"),
    ("COPY (SELECT 1) TO '/tmp/x.csv'", "pas COPY"),
    ("COPY r_3f2a9c1b TO '/tmp/x.parquet'", "pas COPY"),
    ("ATTACH '/tmp/x.db' AS x", "pas ATTACH"),
    ("INSTALL httpfs", "SELECT"),
    ("LOAD httpfs", "SELECT"),
    ("SET threads = 8", "pas SET"),
    ("RESET threads", "SELECT"),
    ("PRAGMA threads = 8", "pas SET"),
    ("PRAGMA enable_profiling", "pas PRAGMA"),
    ("PRAGMA version", "Seules les requêtes de lecture"),
    ("CALL pragma_version()", "pas CALL"),
    ("EXPLAIN SELECT 1", "pas EXPLAIN"),
    ("CREATE TABLE t AS SELECT 1", "pas CREATE"),
    ("CREATE MACRO m() AS 1", "pas CREATE"),
    ("DROP VIEW r_3f2a9c1b", "pas DROP"),
    ("INSERT INTO r_3f2a9c1b VALUES ('x', 'y', 1)", "pas INSERT"),
    ("SELECT 1; SELECT 2", "Une seule instruction"),
    ("SELECT 1; DROP VIEW r_3f2a9c1b", "Une seule instruction"),
    ("CHECKPOINT", "SELECT"),
    ("EXPORT DATABASE '/tmp/x'", "SELECT"),
    ("SELECT * FROM r_3f2a9c1b WHERE", "Erreur de syntaxe SQL"),
    ("SELEC 1", "Erreur de syntaxe SQL"),
    ("SELECT nope FROM r_3f2a9c1b", "Erreur SQL : .*nope"),
    ("", "vide"),
    ("   ", "vide"),
    ("SELECT '" + "x" * 20001 + "'", "dépasse 20000 caractères"),
])
def test_refusals(tables, text, message):
    with pytest.raises(QueryError, match=message) as error:
        sql(text, tables)
    assert error.value.parameter == "sql"


@pytest.mark.parametrize("text", [
    "SELECT repeat('x', 100000000) FROM range(100)",
    "SELECT repeat('x', range) FROM range(3)",
    "SELECT repeat(repeat('x', 1000), 1000)",
    "SELECT rpad('a', 100000000, 'b')",
    "SELECT list_resize([1], 100000000)",
    "SELECT unnest(range(100000000))",
    "SELECT generate_series(1, 1000000)",
    "SELECT printf('%100000000d', 3)",
    "SELECT format('{:>{}}', 'x', 100000000)",
    "SELECT bar(5, 0, 10, 1e9)",
])
def test_functions_that_amplify_within_one_vector_are_bounded(tables, text):
    # DuckDB only checks for interruption between vectors: these would allocate gigabytes
    # before the timer could stop them.
    started = time.perf_counter()
    with pytest.raises(QueryError, match="tailles constantes d'au plus 1000"):
        sql(text, tables)
    assert time.perf_counter() - started < 2


def test_bounded_generators_still_work(tables):
    assert sql("SELECT length(repeat('ab', 1000)), lpad('7', 3, '0'), range(3), "
               "printf('%5.1f', 2.25), format('{} {}', 'a', 'b')", tables).rows == [
        [2000, "007", [0, 1, 2], "  2.2", "a b"]]
    result = sql("SELECT count(*) FROM range(DATE '2024-01-01', DATE '2025-01-01', "
                 "INTERVAL 1 DAY)", tables)
    assert result.rows == [[366]]


def test_memory_limit_stops_huge_aggregates(tables):
    with pytest.raises(QueryError, match="Out of Memory|dépassé"):
        sql("SELECT length(string_agg(repeat('x', 1000), '')) FROM range(100000000)", tables,
            timeout_s=10)


def test_reading_the_allowed_file_directly_is_refused(tables):
    path = tables["r_3f2a9c1b"]
    for text in (f"SELECT * FROM read_parquet('{path}')", f"SELECT * FROM '{path}'",
                 f"SELECT * FROM parquet_metadata('{path}')"):
        with pytest.raises(QueryError):
            sql(text, tables)


def test_no_tables_at_all():
    assert run_sql("SELECT 42", {}, row_cap=5, timeout_s=5).rows == [[42]]
    with pytest.raises(QueryError, match="Tables disponibles : aucune"):
        run_sql("SELECT * FROM x", {}, row_cap=5, timeout_s=5)


def test_timeout_interrupts_the_query(tables):
    started = time.perf_counter()
    with pytest.raises(QueryError, match="La requête a dépassé 0.5 s"):
        sql("SELECT count(*) FROM range(100000) a, range(100000) b WHERE a.range + b.range "
            "= -1", tables, timeout_s=0.5)
    assert time.perf_counter() - started < 5


def test_connection_is_always_closed(tables, monkeypatch):
    opened = []
    original = sandbox_module.sandbox_connection

    def spy(paths):
        con = original(paths)
        opened.append(con)
        return con

    monkeypatch.setattr(sandbox_module, "sandbox_connection", spy)
    sql("SELECT 1", tables)
    with pytest.raises(QueryError):
        sql("DROP VIEW r_3f2a9c1b", tables)
    with pytest.raises(QueryError):
        sql("SELECT nope", tables)
    assert len(opened) == 3
    for con in opened:
        with pytest.raises(duckdb.ConnectionException):
            con.execute("SELECT 1")
