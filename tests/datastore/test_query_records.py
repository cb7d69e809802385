"""run_records on small real Parquet files: rows, totals, filters, sorting, groups, facets."""
import duckdb
import pytest

from datasud.datastore.errors import QueryError
from datasud.datastore.query import (
    RecordsRequest,
    TableRef,
    compile_filtered_select,
    compile_records,
    run_records,
)
from datasud.datastore.query.execute import clear_cache

COMMUNES = """
SELECT * FROM (VALUES
 (1, 'Digne-les-Bains', '04', 16000, 117.07, 12.50, DATE '2024-01-15',
  TIMESTAMP '2024-01-15 08:30:00', true, '04000'),
 (2, 'Gap', '05', 41000, 110.0, 8.00, DATE '2023-06-01', TIMESTAMP '2023-06-01 12:00:00',
  true, '05000'),
 (3, 'Nice', '06', 342000, 71.92, NULL, DATE '2024-03-10', NULL, false, '06000'),
 (4, 'Saint-Étienne-de-Tinée', '06', 1500, 'nan'::DOUBLE, 1.10, DATE '2022-12-31',
  TIMESTAMP '2022-12-31 23:59:59', true, '06660'),
 (5, 'Marseille', '13', 870000, 240.62, 3.20, DATE '2024-01-01',
  TIMESTAMP '2024-01-01 00:00:00', false, '13001'),
 (6, 'Saint-Tropez', '83', 4300, 'inf'::DOUBLE, 25.00, NULL, NULL, NULL, '83990'),
 (7, 'Sisteron', '04', 7500, 45.0, 2.00, DATE '2021-05-05', NULL, true, NULL),
 (8, 'Avignon', '84', 91000, 64.78, 4.00, DATE '2024-02-29', NULL, false, '84000'),
 (9, 'L''Isle-sur-la-Sorgue', '84', 19000, 44.0, 5.00, DATE '2020-07-14', NULL, true,
  '84800'),
 (10, 'Èze', '06', 2300, 9.6, 7.00, DATE '2019-01-01', NULL, true, '06360'),
 (11, NULL, '13', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (12, 'Aix-en-Provence', '13', 147000, 186.08, 6.50, DATE '2024-01-20', NULL, false, '13090')
) AS t(code, nom, departement, population, surface, prix, date, horodatage, actif,
       "code postal")
"""


def make_table(tmp_path, select_sql, name="t.parquet") -> TableRef:
    """Write `select_sql` to a Parquet file and describe it like the platform does."""
    path = tmp_path / name
    con = duckdb.connect()
    con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
    columns = [(row[0], row[1]) for row in
               con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
    con.close()
    return TableRef(path=path, columns=columns)


@pytest.fixture
def communes(tmp_path):
    table = make_table(tmp_path, "SELECT code, nom, departement, population::INTEGER AS "
                                 "population, surface::DOUBLE AS surface, prix::DECIMAL(10,2) "
                                 "AS prix, date, horodatage, actif, \"code postal\" "
                                 f"FROM ({COMMUNES})")
    clear_cache()
    return table


@pytest.fixture
def cur():
    con = duckdb.connect()
    yield con.cursor()
    con.close()


def run(cur, table, **fields):
    return run_records(cur, table, RecordsRequest(**fields))


def codes(page):
    return [row["code"] for row in page.rows]


def test_default_request_returns_all_rows_in_file_order(cur, communes):
    page = run(cur, communes)
    assert page.total == 12 and page.next_cursor is None and page.facets == {}
    assert [c["name"] for c in page.columns] == [
        "_id", "code", "nom", "departement", "population", "surface", "prix", "date",
        "horodatage", "actif", "code postal"]
    assert page.columns[4] == {"name": "population", "type": "INTEGER"}
    assert [r["_id"] for r in page.rows] == list(range(1, 13)) and codes(page) == list(
        range(1, 13))
    first, saint = page.rows[0], page.rows[3]
    assert first["date"] == "2024-01-15" and first["horodatage"] == "2024-01-15T08:30:00"
    assert first["prix"] == 12.5 and first["actif"] is True and first["code postal"] == "04000"
    assert saint["surface"] is None and page.rows[5]["surface"] is None  # NaN and inf
    assert page.rows[10]["nom"] is None


@pytest.mark.parametrize("where, expected", [
    ("population > 20000 and departement in ('05', '06')", [2, 3]),
    ("population > 1000 and (departement = '04' or departement in ('05','06')) "
     "and nom like 'Saint%' and `code postal` is not null and date >= date'2020-01-01'", [4]),
    ("departement = '13'", [5, 11, 12]),
    ("departement != '13'", [1, 2, 3, 4, 6, 7, 8, 9, 10]),
    ("departement <> '13' and departement not in ('04', '06', '84')", [2, 6]),
    ("population between 4000 and 20000", [1, 6, 7, 9]),
    ("not (population between 4000 and 20000)", [2, 3, 4, 5, 8, 10, 12]),
    ("population not between 4000 and 900000", [4, 10]),
    ("nom like 'Saint*'", [4, 6]),
    ("nom like 'S%'", [4, 6, 7]),
    ("nom ilike 'saint%'", [4, 6]),
    ("nom like 'saint%'", []),
    ("nom not like '%-%'", [2, 3, 5, 7, 8, 10]),
    ("nom like '_ap'", [2]),
    ("nom is null", [11]),
    ("date >= '2024-01-01'", [1, 3, 5, 8, 12]),
    ("date < date'2020-01-01'", [10]),
    ("date between '2024-01-01' and '2024-01-31'", [1, 5, 12]),
    ("horodatage >= timestamp'2024-01-01 00:00:00'", [1, 5]),
    ("horodatage > '2023-06-01T11:00'", [1, 2, 5]),
    ("horodatage < date'2023-01-01'", [4]),
    ("actif", [1, 2, 4, 7, 9, 10]),
    ("not actif", [3, 5, 8, 12]),
    ("actif = false", [3, 5, 8, 12]),
    ("actif is null", [6, 11]),
    ("prix >= 8", [1, 2, 6]),
    ("prix = 12.5", [1]),
    ("prix < '2.5'", [4, 7]),
    ("surface > 200", [4, 5, 6]),  # DuckDB: NaN > inf > any number
    ("surface > population", [4, 6]),
    ("population >= 1.5e5", [3, 5]),
    ("population > -1", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]),
    ("population = '41000'", [2]),
    ("code in (1, 3, 5) or code = 12", [1, 3, 5, 12]),
    ("year(date) = 2024 and month(date) = 1", [1, 5, 12]),
    ("lower(nom) = 'nice' or upper(nom) = 'GAP'", [2, 3]),
    ("length(nom) <= 3", [2, 10]),
    ("nom = 'L''Isle-sur-la-Sorgue'", [9]),
    ('nom = "L\'Isle-sur-la-Sorgue"', [9]),
    ("nom = 'L\\'Isle-sur-la-Sorgue'", [9]),
    ("nom = 'Gap'--'", None),
    ("nom = 'a''--'", []),
    ("20000 < population and 'Gap' = nom", [2]),
    ("_id <= 2 or _id = 12", [1, 2, 12]),
    ("true", list(range(1, 13))),
    ("false", []),
])
def test_where(cur, communes, where, expected):
    if expected is None:
        with pytest.raises(QueryError):
            run(cur, communes, where=where)
        return
    page = run(cur, communes, where=where)
    assert codes(page) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize("where, message", [
    ("popul > 5", "Colonne inconnue : `popul`. Vouliez-vous dire `population` ?"),
    ("Nom = 'a'", "Vouliez-vous dire `nom` ?"),
    ("xyz = 1", "Colonnes disponibles : `_id`, `code`, `nom`"),
    ("population > 'abc'", "ce n'est pas un nombre"),
    ("departement = 4", "mettez la valeur entre guillemets"),
    ("date = 2024", r"date'2024-01-31' \(ou year\(colonne\) = 2024\)"),
    ("date = '31/01/2024'", "AAAA-MM-JJ"),
    ("actif = 'peut-être'", "true ou false"),
    ("actif > true", "ne se compare qu'avec = ou !="),
    ("population like '1%'", "like ne s'applique qu'au texte"),
    ("nom like nom", "motif entre guillemets"),
    ("nom = population", "ne peut pas être comparée"),
    ("population", "n'est pas booléenne"),
    ("'a' = 'a'", "au moins une colonne"),
    ("1 = 1", "au moins une colonne"),
    ("'texte'", "pas une valeur seule"),
    ("count(*) > 1", "count\\(\\) n'est pas permise dans where"),
    ("read_csv('/etc/passwd') is null", "Fonction inconnue ou non permise : read_csv"),
    ("year(nom) = 2024", "year\\(\\) ne s'applique pas"),
    ("year(date, nom) = 1", "un seul argument"),
    ("year('2024') = 1", "pas une valeur"),
    ("population in (1, 'x')", "ce n'est pas un nombre"),
    ("population > 1e999", "ce n'est pas un nombre"),
])
def test_where_errors(cur, communes, where, message):
    with pytest.raises(QueryError, match=message) as error:
        run(cur, communes, where=where)
    assert error.value.parameter == "where"


def test_full_text_is_case_and_accent_insensitive(cur, communes):
    assert codes(run(cur, communes, q="saint TINEE")) == [4]
    assert codes(run(cur, communes, q="eze")) == [10]
    assert codes(run(cur, communes, q="ÉTIENNE")) == [4]
    assert codes(run(cur, communes, q="saint")) == [4, 6]
    assert codes(run(cur, communes, q="06 nice")) == [3]  # words may match other columns
    assert codes(run(cur, communes, q="'; DROP TABLE x --")) == []
    assert codes(run(cur, communes, q="100%")) == []  # no wildcard in q
    assert run(cur, communes, q="   ").total == 12
    with pytest.raises(QueryError, match="plus de 20 mots"):
        run(cur, communes, q=" ".join(["a"] * 21))


def test_refine(cur, communes):
    assert codes(run(cur, communes, refine=["departement:04"])) == [1, 7]
    assert codes(run(cur, communes, refine=["departement:04", "departement:05"])) == [1, 2, 7]
    assert codes(run(cur, communes, refine=["departement:06", "actif:true"])) == [4, 10]
    assert codes(run(cur, communes, refine=["date:2024"])) == [1, 3, 5, 8, 12]
    assert codes(run(cur, communes, refine=["date:2024-01"])) == [1, 5, 12]
    assert codes(run(cur, communes, refine=["date:2024-02-29"])) == [8]
    assert codes(run(cur, communes, refine=["horodatage:2024-01-15"])) == [1]
    assert codes(run(cur, communes, refine=["code postal:84800"])) == [9]
    assert codes(run(cur, communes, refine=["nom:' OR 1=1 --"])) == []
    assert codes(run(cur, communes, refine=["population:1500"], where="actif")) == [4]
    with pytest.raises(QueryError, match="ce n'est pas un nombre"):
        run(cur, communes, refine=["population:beaucoup"])
    with pytest.raises(QueryError, match="refine attend colonne:valeur"):
        run(cur, communes, refine=["departement"])
    with pytest.raises(QueryError, match="Colonne inconnue : `dep`") as error:
        run(cur, communes, refine=["dep:04"])
    assert error.value.parameter == "refine"


def test_select_and_order_by(cur, communes):
    page = run(cur, communes, select="nom, population as habitants, year(date) as annee",
               order_by="habitants desc", limit=3)
    assert page.columns == [{"name": "nom", "type": "VARCHAR"},
                            {"name": "habitants", "type": "INTEGER"},
                            {"name": "annee", "type": "BIGINT"}]
    assert page.rows == [{"nom": "Marseille", "habitants": 870000, "annee": 2024},
                         {"nom": "Nice", "habitants": 342000, "annee": 2024},
                         {"nom": "Aix-en-Provence", "habitants": 147000, "annee": 2024}]
    assert page.total == 12 and page.next_cursor
    # nulls last in both directions, ties broken by file order
    assert codes(run(cur, communes, select="code", order_by="population"))[-1] == 11
    assert codes(run(cur, communes, select="code", order_by="population desc"))[-1] == 11
    assert codes(run(cur, communes, select="code", order_by="departement desc, nom")) == [
        8, 9, 6, 12, 5, 11, 3, 4, 10, 2, 1, 7]
    assert codes(run(cur, communes, select="code", order_by="_id desc", limit=2)) == [12, 11]
    star = run(cur, communes, select="*, _id", limit=1)
    assert [c["name"] for c in star.columns][-1] == "_id" and "_id" not in [
        c["name"] for c in star.columns][:-1]


@pytest.mark.parametrize("fields, parameter, message", [
    ({"select": "nom, nom"}, "select", "apparaît deux fois"),
    ({"select": "nom, population as nom"}, "select", "apparaît deux fois"),
    ({"select": "'x'"}, "select", "pas des valeurs"),
    ({"select": "nom, count(*)"}, "select", "`nom` doit figurer dans group_by"),
    ({"select": "sum(nom)"}, "select", "sum\\(\\) demande une colonne numérique"),
    ({"select": "avg(distinct population)"}, "select", "count\\(distinct colonne\\)"),
    ({"select": "sum(*)"}, "select", "seul count\\(\\*\\) accepte"),
    ({"select": "version()"}, "select", "Fonction inconnue ou non permise : version"),
    ({"order_by": "count(*)"}, "order_by", "n'est pas permise"),
    ({"order_by": "nope"}, "order_by", "Colonne inconnue"),
    ({"order_by": "1"}, "order_by", "pas une valeur"),
    ({"limit": 1001}, "limit", "entre 0 et 1000"),
    ({"limit": -1}, "limit", "entre 0 et 1000"),
    ({"limit": "beaucoup"}, "limit", "nombre entier"),
    ({"offset": 10001}, "offset", "suivez next_cursor"),
    ({"facets": ["nope"]}, "facets", "Colonne inconnue"),
    ({"facets": ["nom", "nom"]}, "facets", "deux fois"),
    ({"facets": ["nom"] * 11}, "facets", "Au plus 10"),
    ({"group_by": "departement", "select": "nom"}, "select", "doit figurer dans group_by"),
    ({"group_by": "departement", "limit": 10001}, "limit", "entre 0 et 10000"),
    ({"group_by": "count(*)"}, "group_by", "n'est pas permise"),
    ({"group_by": "*"}, "group_by", "attend des colonnes"),
    ({"group_by": "departement", "order_by": "nom"}, "order_by", "doit figurer"),
])
def test_request_errors(cur, communes, fields, parameter, message):
    with pytest.raises(QueryError, match=message) as error:
        run(cur, communes, **fields)
    assert error.value.parameter == parameter


def test_paging_the_whole_table_in_file_order(cur, communes):
    page = run(cur, communes, limit=3, offset=5)
    assert codes(page) == [6, 7, 8] and page.total == 12 and page.next_cursor
    page = run(cur, communes, limit=3, cursor=page.next_cursor)
    assert codes(page) == [9, 10, 11] and page.total == 12
    page = run(cur, communes, limit=3, cursor=page.next_cursor)
    assert codes(page) == [12] and page.next_cursor is None
    assert codes(run(cur, communes, limit=5, offset=10)) == [11, 12]
    assert run(cur, communes, limit=5, offset=20).rows == []
    assert codes(run(cur, communes, order_by="_id", limit=2)) == [1, 2]


def test_paging_and_totals(cur, communes):
    page = run(cur, communes, where="population > 2000", order_by="nom", limit=3, offset=3)
    assert page.total == 10 and len(page.rows) == 3 and page.next_cursor
    last = run(cur, communes, where="population > 2000", order_by="nom", limit=3, offset=9)
    assert last.total == 10 and len(last.rows) == 1 and last.next_cursor is None
    beyond = run(cur, communes, where="population > 2000", limit=3, offset=50)
    assert beyond.total == 10 and beyond.rows == []
    counted = run(cur, communes, where="population > 2000", limit=0)
    assert counted.total == 10 and counted.rows == []


def test_aggregate_without_group_by(cur, communes):
    page = run(cur, communes, select="count(*) as n, sum(population), avg(prix), min(date), "
                                     "max(nom), count(distinct departement)",
               where="departement != '83'")
    assert page.total == 1
    assert page.rows == [{"n": 11, "sum(population)": 1537300, "avg(prix)": pytest.approx(
        49.3 / 9), "min(date)": "2019-01-01", "max(nom)": "Èze",
        "count(distinct departement)": 5}]


def test_group_by(cur, communes):
    page = run(cur, communes, group_by="departement",
               select="departement, count(*) as n, avg(population) as moyenne",
               order_by="n desc")
    assert page.total == 6
    assert page.rows[:3] == [{"departement": "06", "n": 3, "moyenne": pytest.approx(115266.67,
                                                                                    rel=1e-6)},
                             {"departement": "13", "n": 3, "moyenne": 508500.0},
                             {"departement": "04", "n": 2, "moyenne": 11750.0}]
    assert [r["departement"] for r in page.rows[3:]] == ["84", "05", "83"]
    default = run(cur, communes, group_by="departement", limit=2, offset=1)
    assert default.columns == [{"name": "departement", "type": "VARCHAR"},
                               {"name": "count", "type": "BIGINT"}]
    assert default.rows == [{"departement": "05", "count": 1},
                            {"departement": "06", "count": 3}] and default.total == 6
    years = run(cur, communes, group_by="year(date) as annee, actif",
                select="annee, actif, sum(population) as habitants",
                where="date is not null", order_by="annee desc, habitants desc")
    assert years.rows[0] == {"annee": 2024, "actif": False, "habitants": 1450000}
    assert years.total == 7
    nulls = run(cur, communes, group_by="actif", order_by="count(*) desc")
    assert {r["actif"]: r["count"] for r in nulls.rows} == {True: 6, False: 4, None: 2}


def test_group_by_types_match_duckdb(cur, communes):
    request = RecordsRequest(group_by="departement",
                             select="departement, sum(population), sum(prix), sum(surface), "
                                    "avg(prix), min(date), count(nom), max(horodatage)")
    compiled = compile_records(communes, request)
    result = cur.execute(compiled.sql, compiled.params)
    assert [c["type"] for c in compiled.columns] == [str(d[1]) for d in result.description]


def test_facets(cur, communes):
    page = run(cur, communes, facets=["departement", "actif"], limit=0)
    assert page.facets["departement"] == [
        {"value": "06", "count": 3}, {"value": "13", "count": 3}, {"value": "04", "count": 2},
        {"value": "84", "count": 2}, {"value": "05", "count": 1}, {"value": "83", "count": 1}]
    assert page.facets["actif"] == [{"value": True, "count": 6}, {"value": False, "count": 4}]
    filtered = run(cur, communes, facets=["departement"], where="population > 10000",
                   q="e", refine=["actif:true"])
    assert filtered.facets == {"departement": [{"value": "04", "count": 1},
                                               {"value": "84", "count": 1}]}
    dates = run(cur, communes, facets=["date", "population", "prix"], refine=["date:2024"])
    assert dates.facets["date"][0] == {"value": "2024-01-01", "count": 1}
    assert len(dates.facets["population"]) == 5 and dates.facets["prix"][0]["value"] == 3.2


def test_facets_keep_the_top_20(cur, tmp_path):
    table = make_table(tmp_path, "SELECT 'v' || (i % 30)::VARCHAR AS v, i FROM range(1000) "
                                 "t(i) WHERE i % 30 >= i % 7")
    page = run(cur, table, facets=["v", "i"], limit=0)
    values = page.facets["v"]
    assert len(values) == 20 and len(page.facets["i"]) == 20
    counts = [v["count"] for v in values]
    assert counts == sorted(counts, reverse=True)
    expected = cur.execute(f"SELECT v, count(*) c FROM '{table.path}' GROUP BY v "
                           "ORDER BY c DESC, v LIMIT 20").fetchall()
    assert [(v["value"], v["count"]) for v in values] == expected


def test_filtered_select_for_exports(cur, communes):
    sql, params = compile_filtered_select(communes, RecordsRequest(
        select="nom, prix, date", where="prix > 2", order_by="prix desc", limit=1, offset=3))
    rows = cur.execute(sql, params).fetchall()
    assert len(rows) == 8 and rows[0][0] == "Saint-Tropez"
    assert str(rows[0][1]) == "25.00" and rows[0][2] is None  # DuckDB types, not JSON
    sql, params = compile_filtered_select(communes, RecordsRequest(group_by="departement"))
    assert len(cur.execute(sql, params).fetchall()) == 6
    sql, params = compile_filtered_select(communes, RecordsRequest(where="code <= 2"))
    result = cur.execute(sql, params)
    assert [d[0] for d in result.description][:2] == ["code", "nom"]  # no virtual _id
    assert len(result.fetchall()) == 2


def test_geometry_is_returned_as_wkt(cur, tmp_path):
    table = make_table(tmp_path, "SELECT 1 AS id, 'POINT(5.9 44.1)'::GEOMETRY AS geom")
    page = run(cur, table)
    assert page.rows == [{"_id": 1, "id": 1, "geom": "POINT (5.9 44.1)"}]
    with pytest.raises(QueryError, match="ne se compare pas"):
        run(cur, table, where="geom = 'x'")
    assert run(cur, table, where="geom is not null").total == 1


def test_counts_are_cached_per_file_version(cur, communes, monkeypatch):
    first = run(cur, communes, where="population > 2000", order_by="nom", limit=2, offset=2)
    calls = []
    original = cur.execute

    class Spy:
        def execute(self, sql, params=None):
            calls.append(sql)
            return original(sql, params)

    page = run_records(Spy(), communes, RecordsRequest(where="population > 2000",
                                                        order_by="nom", limit=2, offset=4))
    assert page.total == first.total == 10
    assert not any(sql.startswith("SELECT count(*) FROM") for sql in calls)
