"""The query language's lexer and parser: shapes of the trees and messages of the errors."""
import pytest

from datasud.datastore.errors import QueryError
from datasud.datastore.query import parser as ast
from datasud.datastore.query.expressions import like_pattern
from datasud.datastore.query.lexer import tokenize


def kinds(text):
    return [(t.kind, t.value) for t in tokenize(text, parameter="where")][:-1]


def test_tokens_of_a_typical_where():
    assert kinds("population >= -1.5e3 and `code postal` <> 'l''eau'") == [
        ("ident", "population"), ("op", ">="), ("-", "-"), ("number", "1.5e3"),
        ("ident", "and"), ("ident", "code postal"), ("op", "<>"), ("string", "l'eau")]


@pytest.mark.parametrize("text, value", [
    ("'l''eau'", "l'eau"),
    ('"l\'eau"', "l'eau"),
    ("'l\\'eau'", "l'eau"),
    ('"dit ""oui"""', 'dit "oui"'),
    ("'a\\\\b'", "a\\b"),
    ("'c:\\dir'", "c:\\dir"),  # a backslash before an ordinary character stays
    ("'--'", "--"),
])
def test_string_escapes(text, value):
    assert tokenize(text, parameter="where")[0].value == value


@pytest.mark.parametrize("text, message", [
    ("nom = 'abc", r"Chaîne de caractères non terminée \(ouverte à la position 7"),
    ('nom = "abc', "non terminée"),
    ("`nom = 1", "non terminé"),
    ("nom = 'a'; DROP TABLE x", "Caractère inattendu « ; » à la position 10"),
    ("nom ~ 'a'", "Caractère inattendu « ~ »"),
    ("population > 12abc", "Nombre mal formé « 12abc »"),
    ("``= 1", "Nom de colonne vide"),
])
def test_lexer_errors(text, message):
    with pytest.raises(QueryError, match=message) as error:
        ast.parse_where(text)
    assert error.value.parameter == "where"


def test_precedence_and_shapes():
    tree = ast.parse_where("a = 1 or b = 2 and not c = 3")
    assert isinstance(tree, ast.Or)
    assert isinstance(tree.items[1], ast.And)
    assert isinstance(tree.items[1].items[1], ast.Not)
    tree = ast.parse_where("(a = 1 or b = 2) and c between 1 and 5 and d not in (1, 2)")
    assert isinstance(tree, ast.And) and isinstance(tree.items[0], ast.Or)
    between, not_in = tree.items[1], tree.items[2]
    assert isinstance(between, ast.Between) and between.low.value == "1"
    assert isinstance(not_in, ast.InList) and not_in.negated and len(not_in.values) == 2


def test_predicates():
    assert isinstance(ast.parse_where("x is not null"), ast.IsNull)
    like = ast.parse_where("nom not ilike 'saint%'")
    assert isinstance(like, ast.Like) and like.negated and like.insensitive
    assert ast.parse_where("d >= date'2024-01-01'").right == ast.Literal("2024-01-01", "date",
                                                                         6)
    assert ast.parse_where("actif") == ast.Truth(ast.Column("actif", 1), 1)
    assert ast.parse_where("year(date) = 2024").left == ast.Call(
        "year", (ast.Column("date", 6),), 1)
    assert ast.parse_where("x <> 1").op == "!="
    assert ast.parse_where("  ") is None


@pytest.mark.parametrize("text, message", [
    ("population", None),  # fine for the parser; the compiler checks the type
    ("population ==", "Nom de colonne ou valeur attendu"),
    ("population contains 'x'", "Opérateur inconnu « contains »"),
    ("population 5", "Opérateur inconnu « 5 »"),
    ("1=1) or (1=1", "Parenthèse fermante sans parenthèse ouvrante à la position 4"),
    ("(a = 1", "Parenthèse fermante attendue"),
    ("a = 1 b = 2", "Opérateur inconnu|and, or ou fin"),
    ("a in 1, 2", "Parenthèse ouvrante après in attendu"),
    ("a in (b)", "ne contient que des valeurs"),
    ("a between 1 or 2", "and attendu dans between"),
    ("a is 1", "null attendu après is"),
    ("a not = 1", "in, between, like ou ilike attendu après not"),
    ("and = 1", "mot réservé"),
    ("a = ", "la fin du texte"),
])
def test_parse_errors(text, message):
    if message is None:
        ast.parse_where(text)
        return
    with pytest.raises(QueryError, match=message):
        ast.parse_where(text)


def test_limits():
    with pytest.raises(QueryError, match="dépasse 4000 caractères"):
        ast.parse_where("a = '" + "x" * 4000 + "'")
    ast.parse_where("(" * 29 + "a = 1" + ")" * 29)
    with pytest.raises(QueryError, match="trop imbriquée"):
        ast.parse_where("(" * 31 + "a = 1" + ")" * 31)
    with pytest.raises(QueryError, match="trop imbriquée"):
        ast.parse_where("not " * 31 + "a")
    ast.parse_where("a in (" + ", ".join(["1"] * 1000) + ")")
    with pytest.raises(QueryError, match="au plus 1000 valeurs"):
        ast.parse_where("a in (" + ", ".join(["1"] * 1001) + ")")


def test_select_group_and_order_items():
    items = ast.parse_items("departement, count(*) as n, avg(`prix m2`)", "select")
    assert [i.alias for i in items] == [None, "n", None]
    assert items[1].expr == ast.Call("count", (), 14, star=True)
    assert items[2].expr.args[0].name == "prix m2"
    assert ast.parse_items("count(distinct nom)", "select")[0].expr.distinct
    assert isinstance(ast.parse_items("*", "select")[0].expr, ast.Star)
    order = ast.parse_order_by("population desc, nom, `x y` ASC")
    assert [(o.expr.name, o.descending) for o in order] == [
        ("population", True), ("nom", False), ("x y", False)]
    assert ast.parse_items("", "select") == [] and ast.parse_order_by(" ") == []


@pytest.mark.parametrize("text, parameter, message", [
    ("nom from x --", "select", "Virgule ou fin attendue"),
    ("nom as", "select", "Nom attendu après as"),
    ("nom; drop table x", "select", "Caractère inattendu « ; »"),
    ("count(*", "select", "Parenthèse fermante attendue après \\*"),
    ("`nom`(x)", "select", "n'est pas une fonction"),
])
def test_item_errors(text, parameter, message):
    with pytest.raises(QueryError, match=message) as error:
        ast.parse_items(text, parameter)
    assert error.value.parameter == parameter


def test_order_by_errors():
    with pytest.raises(QueryError, match="Virgule ou fin attendue"):
        ast.parse_order_by("nom descending")
    with pytest.raises(QueryError, match="Caractère inattendu"):
        ast.parse_order_by("nom; DROP TABLE x")


@pytest.mark.parametrize("pattern, expected", [
    ("Saint*", "Saint%"), ("Saint%", "Saint%"), ("a_c", "a_c"), ("a\\*b", "a*b"),
    ("50\\%", "50\\%"), ("a\\_b", "a\\_b"), ("a\\\\b", "a\\\\b"), ("c:\\dir", "c:\\\\dir"),
    ("end\\", "end\\\\"),
])
def test_like_patterns(pattern, expected):
    assert like_pattern(pattern) == expected
