"""Injection attempts against the query language, and the keyset cursor's integrity."""
import base64
import json

import duckdb
import pytest

from datasud.datastore.errors import QueryError
from datasud.datastore.query import RecordsRequest, TableRef, compile_records, run_records
from datasud.datastore.query.execute import clear_cache

WEIRD = {"plain": "nom", "quote": 'we"ird', "apostrophe": "it's", "spaces": "code postal",
         "backtick": "a`b", "sql": "x) OR (1=1"}


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "weird.parquet"
    columns = ", ".join(f"{value} AS {duckdb_quote(name)}" for name, value in zip(
        WEIRD.values(), ["'Gap' || i", "i", "i * 2", "'0' || i", "i % 3", "i % 5"],
        strict=True))
    con = duckdb.connect()
    con.execute(f"COPY (SELECT {columns} FROM range(50) t(i)) TO '{path}' (FORMAT parquet)")
    described = con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    con.close()
    clear_cache()
    return TableRef(path=path, columns=[(row[0], row[1]) for row in described])


def duckdb_quote(name):
    return '"' + name.replace('"', '""') + '"'


@pytest.fixture
def cur():
    con = duckdb.connect()
    con.execute("CREATE TABLE x AS SELECT 1 AS canary")
    yield con.cursor()
    assert con.execute("SELECT canary FROM x").fetchall() == [(1,)]  # nothing dropped
    con.close()


@pytest.mark.parametrize("where", [
    "nom = 'a'; DROP TABLE x",
    "nom = 'a' DROP TABLE x",
    "1=1) or (1=1",
    "nom = 'a' or 1=1",
    "nom = 'a' --",
    "nom = 'a' /* */",
    "nom = 'a' union select 1",
    "nom = ''' or ''1''=''1",  # fine: a string with quotes, not an injection
    "`x) OR (1=1` = 'x'",
    "nom in (select 1)",
    "nom = (select 1)",
    "nom = current_setting('allowed_paths')",
    "\"nom\" = 'a'",
    "nom = 'a'\x00",
])
def test_injection_attempts_fail_or_stay_literals(cur, table, where):
    try:
        page = run_records(cur, table, RecordsRequest(where=where))
    except QueryError as error:
        assert error.parameter == "where" and error.message
        return
    assert page.total == 0  # only possible outcome: a comparison with an odd string


def test_literals_are_bound_never_pasted(table):
    nasty = "a'; DROP TABLE x; --"
    request = RecordsRequest(where=f"nom = {json.dumps(nasty)} or nom like '%--%'",
                             q="'; DELETE", refine=["nom:' OR 1=1 --"], order_by="nom")
    compiled = compile_records(table, request)
    for sql in (compiled.sql, compiled.count_sql, compiled.page_sql, compiled.stream_sql):
        assert "DROP" not in sql and "DELETE" not in sql and "OR 1=1" not in sql
        assert "--" not in sql
    assert nasty in compiled.params and "' OR 1=1 --" in compiled.params


def test_weird_column_names_are_quoted(cur, table):
    page = run_records(cur, table, RecordsRequest(
        select='`we"ird`, `it\'s` as i, `a``b`, `x) OR (1=1`',
        where="`we\"ird` < 3 and `code postal` like '0%' and `x) OR (1=1` >= 0",
        order_by="`we\"ird` desc"))
    assert page.rows == [{'we"ird': 2, "i": 4, "a`b": 2, "x) OR (1=1": 2},
                         {'we"ird': 1, "i": 2, "a`b": 1, "x) OR (1=1": 1},
                         {'we"ird': 0, "i": 0, "a`b": 0, "x) OR (1=1": 0}]
    facets = run_records(cur, table, RecordsRequest(facets=["a`b", 'we"ird'], limit=0))
    assert facets.facets["a`b"][0] == {"value": 0, "count": 17}
    groups = run_records(cur, table, RecordsRequest(group_by="`a``b`", select="`a``b`, "
                                                    "sum(`it's`) as s", order_by="s desc"))
    assert groups.rows[0] == {"a`b": 1, "s": sum(i * 2 for i in range(50) if i % 3 == 1)}


@pytest.mark.parametrize("fields", [
    {"select": "nom from x --"},
    {"select": "nom; DROP TABLE x"},
    {"select": "read_parquet('/etc/passwd')"},
    {"select": "nom, (select 1)"},
    {"select": "\"nom\""},
    {"order_by": "nom; DROP TABLE x"},
    {"order_by": "(select 1)"},
    {"order_by": "random()"},
    {"group_by": "nom) x; DROP TABLE x --"},
    {"group_by": "nom", "select": "nom, string_agg(nom)"},
    {"facets": ["nom) OR (1=1"]},
    {"refine": ["x:1", "nope:2"]},
])
def test_other_parameters_are_checked(cur, table, fields):
    with pytest.raises(QueryError):
        run_records(cur, table, RecordsRequest(**fields))


def walk(cur, table, **fields):
    rows, cursor, pages = [], "", 0
    while True:
        page = run_records(cur, table, RecordsRequest(cursor=cursor, **fields))
        rows += page.rows
        pages += 1
        if not page.next_cursor:
            return rows, pages
        cursor = page.next_cursor


@pytest.mark.parametrize("order_by", ["", "g desc, v, d desc", "t", "_id desc", "f desc",
                                      "lower(s) desc, year(d)"])
def test_cursor_walks_the_whole_table_once_in_order(cur, tmp_path, order_by):
    path = tmp_path / "walk.parquet"
    # Many ties and nulls in every sort key: the file row number must settle the order.
    cur.execute(f"""COPY (SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 4 END AS g,
        CASE WHEN i % 13 = 0 THEN NULL ELSE 'v' || (i % 7) END AS v,
        CASE WHEN i % 17 = 0 THEN NULL ELSE DATE '2024-01-01' + (i % 5)::INTEGER END AS d,
        CASE WHEN i % 19 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01' + to_seconds(i % 3) END
          AS t,
        CASE WHEN i % 23 = 0 THEN 'nan'::DOUBLE WHEN i % 29 = 0 THEN NULL ELSE (i % 6) / 4
          END AS f,
        CASE WHEN i % 3 = 0 THEN 'ÉTÉ' ELSE 'été' || (i % 2) END AS s
        FROM range(1000) r(i)) TO '{path}' (FORMAT parquet)""")
    columns = [(r[0], r[1]) for r in cur.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
    table = TableRef(path=path, columns=columns)
    rows, pages = walk(cur, table, order_by=order_by, limit=37, where="i != 500")
    assert pages == 27
    expected = run_records(cur, table, RecordsRequest(order_by=order_by, limit=1000,
                                                      where="i != 500")).rows
    assert len(expected) == 999 and rows == expected
    assert sorted(r["i"] for r in rows) == [i for i in range(1000) if i != 500]


def test_cursor_goes_beyond_the_offset_limit(cur, tmp_path):
    path = tmp_path / "big.parquet"
    cur.execute(f"COPY (SELECT i, i % 10 AS k FROM range(25000) r(i)) TO '{path}' "
                "(FORMAT parquet)")
    table = TableRef(path=path, columns=[("i", "BIGINT"), ("k", "BIGINT")])
    rows, pages = walk(cur, table, order_by="k desc", limit=1000, select="i, k")
    assert pages == 25 and len({r["i"] for r in rows}) == 25000
    assert [r["k"] for r in rows] == sorted((r["k"] for r in rows), reverse=True)
    rows, _ = walk(cur, table, limit=1000, select="i")
    assert [r["i"] for r in rows] == list(range(25000))


def tamper(token, change):
    payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(body)
    raw = json.dumps(body).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + signature


def test_tampered_or_foreign_cursors_are_refused(cur, table, tmp_path):
    request = dict(order_by="nom", limit=5)
    token = run_records(cur, table, RecordsRequest(**request)).next_cursor
    assert run_records(cur, table, RecordsRequest(cursor=token, **request)).rows
    bad_tokens = [
        tamper(token, lambda b: b.update(r=0)),
        tamper(token, lambda b: b.update(v=[["s", "'; DROP TABLE x; --"]])),
        token[:-1] + ("0" if token[-1] != "0" else "1"),
        token.replace(".", ""),
        "abc.def", "x" * 20000, "é.é", "....", token + "." + token,
    ]
    for bad in bad_tokens:
        with pytest.raises(QueryError) as error:
            run_records(cur, table, RecordsRequest(cursor=bad, **request))
        assert error.value.parameter == "cursor"
    with pytest.raises(QueryError, match="autre requête"):
        run_records(cur, table, RecordsRequest(cursor=token, order_by="nom desc", limit=5))
    with pytest.raises(QueryError, match="autre requête"):
        run_records(cur, table, RecordsRequest(cursor=token, where="nom != ''", **request))
    other = TableRef(path=tmp_path / "copy.parquet", columns=table.columns)
    with pytest.raises(QueryError, match="autre requête"):
        run_records(cur, other, RecordsRequest(cursor=token, **request))
    with pytest.raises(QueryError, match="offset et cursor"):
        run_records(cur, table, RecordsRequest(cursor=token, offset=5, **request))
    with pytest.raises(QueryError, match="agrégations"):
        run_records(cur, table, RecordsRequest(cursor=token, group_by="nom"))


def test_cursor_signature_depends_on_the_secret_key(cur, table, settings):
    request = dict(order_by="nom", limit=5)
    token = run_records(cur, table, RecordsRequest(**request)).next_cursor
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    with pytest.raises(QueryError, match="Curseur invalide"):
        run_records(cur, table, RecordsRequest(cursor=token, **request))
