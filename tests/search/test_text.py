"""How text becomes search terms: the same rules at index and query time."""
from datasud.search.backends.sqlite import match_expression
from datasud.search.text import Terms, parse_query, stem, unaccent, words


def test_unaccent_and_words():
    assert unaccent("Élévation À L'ŒIL") == "elevation a l'oeil"
    assert words("Pistes-cyclables (2024) : vélo_route!") == [
        "pistes", "cyclables", "2024", "velo", "route"]


def test_same_stem_for_singular_and_plural():
    assert stem("transports") == stem("transport") == "transport"
    assert stem("cyclables") == stem("cyclable")


def test_parse_query_drops_operators_and_stop_words():
    assert parse_query('"horaires" AND des -bus*') == Terms(("horaires", "and"), "bus")
    assert parse_query("les transports à la") == Terms(("transports",), "la")
    assert parse_query('" * : ( NEAR(') == Terms((), "near")
    assert not parse_query('" * : ( -')


def test_fts5_expression_quotes_every_word():
    expression = match_expression(parse_query("NEAR or transp"))
    assert expression == ('{title tags description organisation} : "near" AND '
                          '{title tags description organisation} : "or" AND '
                          '({title tags description organisation} : "transp" * '
                          'OR {words} : "transp" *)')
