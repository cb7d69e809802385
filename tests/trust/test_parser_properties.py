"""Property-based tests (hypothesis) of the parsers that read what anybody may type: the
datastore query language, the CKAN Solr subset, the CKAN parameter readers, the search text
normaliser and the RDF content negotiation.

The properties: arbitrary text never raises anything but the parser's own documented error
(a 4xx at the edge, never a 500); what compiles to SQL carries user values only as bound
parameters and user names only as quoted identifiers of real columns; the SQL runs.
"""
import datetime as dt
import re
from decimal import Decimal

import duckdb
import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from datasud.ckan import params as ckan_params
from datasud.ckan import solr_query
from datasud.ckan.errors import SearchQueryError, ValidationError
from datasud.datastore.duck import parquet_source, quote_identifier
from datasud.datastore.errors import QueryError
from datasud.datastore.query import RecordsRequest, TableRef, compile_records, run_records
from datasud.datastore.query.expressions import ROW_NUMBER
from datasud.dcat.negotiation import UnknownFormat, negotiate_page, negotiate_rdf, parse_accept
from datasud.search.text import MAX_QUERY_WORDS, parse_query, stem, unaccent, words

# Bounded: the whole of tests/trust stays within its time budget on both databases.
QUICK = settings(max_examples=120, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOWER = settings(max_examples=60, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])

# --- The datastore query language ------------------------------------------------------------

COLUMNS = [("nom", "VARCHAR"), ("population", "BIGINT"), ("superficie", "DOUBLE"),
           ("code postal", "VARCHAR"), ("date_maj", "DATE"), ("actif", "BOOLEAN"),
           ('x") OR ("1"="1', "VARCHAR"), ("it's", "VARCHAR"), ("a`b", "VARCHAR")]
BACKTICKED = ["`" + name.replace("`", "``") + "`" for name, _ in COLUMNS]
LEXICON = [
    "and", "or", "not", "in", "between", "like", "ilike", "is", "null", "true", "false", "as",
    "asc", "desc", "distinct", "date", "timestamp", "count", "sum", "avg", "min", "max", "year",
    "month", "day", "lower", "upper", "length", "read_parquet", "getenv", "select", "from",
    "=", "!=", "<>", "<", "<=", ">", ">=", "(", ")", ",", "*", "-", ";", "--", "/*", "*/",
    "'", '"', "`", "\\", "1", "-1.5e3", "1e309", "99999999999999999999999", ".5", "0x1F",
    "'2024-02-30'", "'2024-01-01'", "'2024-01-01 12:00:00'", "'%'", "'*Gap*'", "'l''eau'",
    "nom", "population", "superficie", "date_maj", "actif", "_id", "inconnue",
]
soup = st.lists(st.one_of(st.sampled_from(LEXICON), st.sampled_from(BACKTICKED),
                          st.text(max_size=4)), max_size=14).map(" ".join)
clause = st.one_of(soup, st.text(max_size=40))
PARAMETERS = {"select", "where", "q", "refine", "group_by", "order_by", "facets", "limit",
              "offset", "cursor"}

# What the compiler may write around the quoted names, placeholders and the file it reads:
# its own keywords and the whitelisted functions, never a word of the user's.
SQL_WORDS = {
    "select", "from", "where", "and", "or", "not", "in", "between", "like", "ilike", "escape",
    "is", "null", "order", "by", "asc", "desc", "nulls", "last", "first", "limit", "offset",
    "group", "as", "distinct", "count", "sum", "avg", "min", "max", "year", "month", "day",
    "lower", "upper", "length", "contains", "strip_accents", "st_astext", "cast", "varchar",
    "over", "partition", "row_number", "case", "when", "then", "else", "end", "true", "false",
    "having", "n", "g", "grouping", "sets", "qualify",
}
_ALIAS = re.compile(r"c\d+")  # the facet query's own column aliases
_PLACEHOLDER = re.compile(r"\$\d+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> TableRef:
    """A real Parquet file with awkward column names, as the datastore writes them."""
    path = tmp_path_factory.mktemp("props") / "table.parquet"
    select = ", ".join(f"{expr} AS {quote_identifier(name)}" for (name, _), expr in zip(
        COLUMNS, ["'Gap ' || i", "i * 1000", "i / 3.0", "'0' || i",
                  "DATE '2024-01-01' + i::INTEGER", "i % 2 = 0", "'x' || i", "'y' || i",
                  "'z' || i"], strict=True))
    con = duckdb.connect()
    con.execute(f"COPY (SELECT {select} FROM range(30) t(i)) TO '{path}' (FORMAT parquet)")
    described = con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    con.close()
    return TableRef(path=path, columns=[(row[0], row[1]) for row in described])


@pytest.fixture(scope="module")
def cursor():
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False, "threads": 1})
    yield con.cursor()
    con.close()


def _sql_texts(compiled) -> list[str]:
    return [t for t in (compiled.sql, compiled.count_sql, compiled.page_sql,
                        compiled.stream_sql, compiled.facets_sql) if t]


def assert_only_compiler_words(table: TableRef, sql: str) -> None:
    """Take out the file read, the quoted names of real columns and the placeholders:
    what is left must be the compiler's own words and punctuation, no quote of any kind."""
    rest = sql.replace(parquet_source(table.path), " ").replace(ROW_NUMBER, " ")
    for name, _type in sorted(table.columns, key=lambda c: -len(c[0])):
        rest = rest.replace(quote_identifier(name), " ")
    rest = rest.replace("ESCAPE '\\'", " ")
    rest = _PLACEHOLDER.sub(" ", rest)
    for bad in ("'", '"', "`", ";", "--", "/*", "\\"):
        assert bad not in rest, (bad, sql)
    unknown = {w for w in _WORD.findall(rest)
               if w.lower() not in SQL_WORDS and not _ALIAS.fullmatch(w)}
    assert not unknown, (unknown, sql)
    assert re.fullmatch(r"[\sA-Za-z_0-9(),.*=<>!+\-/%|:]*", rest), sql


def quoted(text: str) -> str:
    """A string literal of the query language (its lexer reads \\\\ and '' as \\ and ')."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


# Well-formed clauses with hostile names and values, so that most of them reach the
# compiler and DuckDB, not only the lexer.
names = st.sampled_from(BACKTICKED + ["nom", "population", "superficie", "date_maj", "actif",
                                      "_id"])
literals = st.one_of(
    st.text(max_size=12).map(quoted),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "false", "DATE '2024-01-05'", "TIMESTAMP '2024-01-05 10:00:00'",
                     "'2024-01-05'", "'12'", "-3", "1e309"]))
operators = st.sampled_from(["=", "!=", "<>", "<", "<=", ">", ">="])
functions = st.sampled_from(["year", "month", "day", "lower", "upper", "length"])
predicates = st.one_of(
    st.tuples(names, operators, literals).map(" ".join),
    st.tuples(literals, operators, names).map(" ".join),
    st.tuples(functions, names, operators, literals).map(lambda t: f"{t[0]}({t[1]}) "
                                                                   f"{t[2]} {t[3]}"),
    st.tuples(names, st.lists(literals, min_size=1, max_size=4)).map(
        lambda t: f"{t[0]} in ({', '.join(t[1])})"),
    st.tuples(names, literals, literals).map(lambda t: f"{t[0]} between {t[1]} and {t[2]}"),
    st.tuples(names, st.sampled_from(["like", "ilike", "not like"]),
              st.text(max_size=8).map(quoted)).map(" ".join),
    names.map(lambda n: f"{n} is null"), names.map(lambda n: f"{n} is not null"),
    st.just("actif"), st.tuples(names, operators, names).map(" ".join))
wheres = st.recursive(predicates, lambda inner: st.one_of(
    st.tuples(inner, inner).map(lambda t: f"({t[0]}) and ({t[1]})"),
    st.tuples(inner, inner).map(lambda t: f"{t[0]} or {t[1]}"),
    inner.map(lambda t: f"not ({t})")), max_leaves=6)
items = st.one_of(names, st.tuples(st.sampled_from(["count", "sum", "avg", "min", "max"]),
                                   names).map(lambda t: f"{t[0]}({t[1]})"),
                  st.just("count(*)"), st.tuples(functions, names).map(
                      lambda t: f"{t[0]}({t[1]})"))
aliases = st.one_of(st.just(""), st.just(""), st.text(min_size=1, max_size=6).map(
    lambda n: " as `" + n.replace("`", "``") + "`"))
item_lists = st.lists(st.tuples(items, aliases).map("".join), max_size=3).map(", ".join)
order_lists = st.lists(st.tuples(items, st.sampled_from(["", " asc", " desc"])).map("".join),
                       max_size=3).map(", ".join)
structured = st.builds(
    RecordsRequest, select=item_lists, where=st.one_of(st.just(""), wheres),
    q=st.one_of(st.just(""), st.text(max_size=12)),
    group_by=st.one_of(st.just(""), st.just(""), names),
    order_by=order_lists,
    refine=st.lists(st.tuples(st.sampled_from([n for n, _ in COLUMNS]), st.text(max_size=8))
                    .map(":".join), max_size=2),
    limit=st.integers(0, 50), offset=st.integers(0, 50),
    facets=st.lists(st.sampled_from([n for n, _ in COLUMNS]), max_size=2))
# Mostly well-formed (a uniform choice among the branches), the rest anything at all.
requests = st.one_of(structured, structured, structured, st.builds(
    RecordsRequest, select=clause, where=clause, q=st.text(max_size=30), group_by=clause,
    order_by=clause, refine=st.lists(st.one_of(soup, st.text(max_size=20)), max_size=3),
    limit=st.one_of(st.integers(-5, 2000), st.text(max_size=4)),
    offset=st.one_of(st.integers(-5, 20_000), st.text(max_size=4)),
    cursor=st.one_of(st.just(""), st.text(max_size=30)),
    facets=st.lists(st.one_of(st.sampled_from(BACKTICKED), soup), max_size=2)))


@QUICK
@given(request=requests)
@example(request=RecordsRequest(where="nom = 'a'; DROP TABLE x"))
@example(request=RecordsRequest(where="`x\") OR (\"1\"=\"1` = 'x' or 1=1"))
@example(request=RecordsRequest(select="count(*), sum(population)", group_by="year(date_maj)",
                                order_by="count(*) desc", where="actif and population > 3"))
def test_datastore_query_compiles_to_bound_sql_or_says_why(table, request):
    try:
        compiled = compile_records(table, request)
    except QueryError as error:
        assert error.message and error.parameter in PARAMETERS | {None}
        return
    for sql in _sql_texts(compiled):
        assert_only_compiler_words(table, sql)
    for value in [*compiled.params, *compiled.count_params, *compiled.stream_params]:
        assert isinstance(value, str | int | float | bool | Decimal | dt.date | dt.datetime)


@SLOWER
@given(request=requests)
@example(request=RecordsRequest(where="population > 99999999999999999999999"))
@example(request=RecordsRequest(where="date_maj = '2024-02-30'"))
@example(request=RecordsRequest(select="sum(population)", where="population > 1e309"))
def test_datastore_query_runs_or_says_why(table, cursor, request):
    """What compiles also runs: DuckDB never meets SQL it rejects (a 500 at the edge)."""
    try:
        page = run_records(cursor, table, request)
    except QueryError as error:
        assert error.message
        return
    assert page.total >= 0 and isinstance(page.rows, list)


@QUICK
@given(value=st.text())
@example(value="'; DROP TABLE x; --")
@example(value="\\'")
def test_string_literals_round_trip_as_bound_values(table, value):
    """Any text, quoted by the language's rules, reaches DuckDB as one bound value, and the
    SQL text does not depend on it."""
    compiled = compile_records(table, RecordsRequest(where=f"nom = {quoted(value)}"))
    reference = compile_records(table, RecordsRequest(where="nom = 'x'"))
    assert compiled.count_params == [value]
    assert compiled.count_sql == reference.count_sql
    assert compiled.sql == reference.sql


@QUICK
@given(name=st.text(min_size=1, max_size=40).filter(
    lambda n: n.strip() and "\x00" not in n and n != "autre"))
def test_column_names_round_trip_as_quoted_identifiers(tmp_path_factory, name):
    """A column may be called anything: in backticks it is found, and it reaches SQL only
    as its quoted identifier."""
    table = TableRef(path=tmp_path_factory.getbasetemp() / "none.parquet",
                     columns=[(name, "VARCHAR"), ("autre", "BIGINT")])
    backticked = "`" + name.replace("`", "``") + "`"
    compiled = compile_records(table, RecordsRequest(
        select=backticked, where=f"{backticked} = 'a'", order_by=f"{backticked} desc"))
    assert [c["name"] for c in compiled.columns] == [name]
    for sql in _sql_texts(compiled):
        assert_only_compiler_words(table, sql)


# --- The CKAN Solr subset and parameters ----------------------------------------------------

SOLR_WORDS = ["tags:", "groups:", "organization:", "owner_org:", "res_format:", "license_id:",
              "dataset_type:", "text:", "title:", "notes:", "name:", "metadata_modified:",
              "AND", "OR", "NOT", "&&", "||", "+", "-", "!", "(", ")", '"', "*:*", "*", "?",
              "[a TO b]", "{", "\\", "vélo", "bus", '"mobilité douce"', ":"]
solr = st.one_of(
    st.lists(st.one_of(st.sampled_from(SOLR_WORDS), st.text(max_size=5)), max_size=16)
    .map(lambda parts: "".join(p if p.endswith(":") else p + " " for p in parts)),
    st.text(max_size=80))


@QUICK
@given(text=solr, parameter=st.sampled_from(["q", "fq", "fq_list"]), allow_text=st.booleans())
@example(text="(" * 30 + "tags:a" + ")" * 30, parameter="fq", allow_text=False)
@example(text="tags:a" + " OR tags:b" * 1000, parameter="fq", allow_text=False)
def test_solr_translation_never_raises_anything_but_search_query_error(text, parameter,
                                                                       allow_text):
    try:
        translated = solr_query.translate(text, parameter, allow_text=allow_text)
    except SearchQueryError as error:
        assert error.as_dict()["__type"] == "Search Query Error" and error.message
    else:
        assert set(translated.filters) <= set(solr_query.FILTER_FIELDS.values())
        assert allow_text or not translated.text
    assert isinstance(solr_query.has_fields(text), bool)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8)


@QUICK
@given(value=json_like | st.text(max_size=30))
def test_ckan_parameter_readers_raise_only_validation_errors(value):
    data = {"key": value}
    for reader in (ckan_params.required_str, ckan_params.optional_str, ckan_params.as_bool,
                   ckan_params.json_list, ckan_params.names_list, ckan_params.json_dict,
                   lambda d, k: ckan_params.as_int(d, k, 0)):
        try:
            reader(data, "key")
        except ValidationError as error:
            assert list(error.errors) == ["key"]


# --- The search text normaliser ----------------------------------------------------------

@QUICK
@given(text=st.text())
@example(text="Élévation des vélos ŒUVRES ǅ ﬁ ß İ ℌ ⅷ ①")
def test_search_text_normaliser_is_total(text):
    unaccented = unaccent(text)
    assert isinstance(unaccented, str)
    found = words(text)
    for word in found:
        assert word and word.isalnum(), word  # nothing but plain words reaches a backend
        assert isinstance(stem(word), str)
    terms = parse_query(text)
    assert terms.word_count <= MAX_QUERY_WORDS
    for word in [*terms.required, terms.prefix]:
        assert word == "" or word.isalnum()


@QUICK
@given(text=st.text())
def test_search_words_are_stable(text):
    """Indexed text and a query made of the indexed words meet: normalising twice changes
    nothing (the backends re-read the words the index was built from)."""
    once = words(text)
    assert words(" ".join(once)) == once


# --- RDF content negotiation -----------------------------------------------------------------

@QUICK
@given(accept=st.text(max_size=60), fmt=st.one_of(st.none(), st.text(max_size=10)))
@example(accept="text/turtle;q=abc, */*;q=nan", fmt=None)
@example(accept="", fmt="TTL")
def test_content_negotiation_raises_only_unknown_format(accept, fmt):
    assert isinstance(parse_accept(accept), list)
    query = {} if fmt is None else {"format": fmt}
    request = RequestFactory().get("/jeux-de-donnees/x/", query, headers={"Accept": accept})
    for negotiate in (negotiate_page, negotiate_rdf):
        try:
            negotiate(request)
        except UnknownFormat as error:
            assert str(error)
