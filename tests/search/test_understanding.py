"""Search that understands: synonyms both ways, typo correction and "did you mean", the
`ranking` option (hybride / texte), on pages and API alike, whatever is typed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datasud.search import indexing, spelling
from datasud.search.backends.postgres import tsquery
from datasud.search.backends.sqlite import match_expression
from datasud.search.models import Term
from datasud.search.synonyms import SynonymTable, expand, table
from datasud.search.text import parse_query

from .helpers import titles


@pytest.fixture
def understood(make_indexed):
    """Datasets naming the same things differently; indexed (vocabulary included)."""
    made = {
        "velo": make_indexed("Location de vélos", description="Vélos en libre-service."),
        "cyclable": make_indexed("Pistes cyclables", description="Aménagements."),
        "plu": make_indexed("PLU de Digne-les-Bains", description="Zonage opposable."),
        "urbanisme": make_indexed("Plan local d'urbanisme de Manosque"),
        "irve": make_indexed("Bornes de recharge pour véhicules électriques"),
        "parking": make_indexed("Stationnement payant", description="Horodateurs."),
        "budget": make_indexed("Budget primitif"),
    }
    return made


def test_the_table_is_big_enough_and_read_once():
    assert table().groups >= 150
    assert table() is table()


def test_a_word_finds_its_synonyms_both_ways_typed_word_first(understood, search):
    assert titles(search("vélo")) == ["Location de vélos", "Pistes cyclables"]
    assert titles(search("cyclable")) == ["Pistes cyclables", "Location de vélos"]


def test_acronyms_and_their_expressions(understood, search):
    assert titles(search("PLU")) == ["PLU de Digne-les-Bains", "Plan local d'urbanisme de Manosque"]
    found = titles(search("plan local d'urbanisme"))
    assert found[0] == "Plan local d'urbanisme de Manosque"
    assert "PLU de Digne-les-Bains" in found
    assert titles(search("IRVE")) == ["Bornes de recharge pour véhicules électriques"]


def test_ranking_texte_is_plain_full_text(understood, search):
    assert titles(search("vélo", ranking="texte")) == ["Location de vélos"]
    assert search("IRVE", ranking="texte").total == 0
    # An unknown ranking is the default one.
    assert search("IRVE", ranking="n'importe quoi").total == 1


def test_synonyms_keep_the_other_words_required(understood, make_indexed, search):
    make_indexed("Pistes cyclables de Marseille")
    assert titles(search("vélo marseille")) == ["Pistes cyclables de Marseille"]


def test_a_misspelt_word_is_corrected_when_nothing_matches(understood, search):
    result = search("budjet")
    assert result.corrected is True
    assert result.suggestion == "budget"
    assert titles(result) == ["Budget primitif"]
    # Other words are kept as typed; accents come back from the indexed spelling.
    result = search("Budget primitf")
    assert result.corrected and result.suggestion == "Budget primitif"
    assert search("locaton de velos").suggestion == "location de velos"
    # A misspelt word only written in a single stemmed form is found by its stem.
    assert titles(search("stationement")) == ["Stationnement payant"]


def test_no_correction_when_asked_or_in_plain_text(understood, search):
    for result in (search("budjet", correct=False), search("budjet", ranking="texte")):
        assert result.total == 0 and result.corrected is False
        assert result.suggestion == "budget"  # offered as "did you mean"


def test_known_words_prefixes_and_codes_are_left_alone(understood, search):
    for q in ("stationnement", "stationnements", "station", "horodat", "PLU", "2024", "zzzzzzzzz"):
        assert search(q).suggestion == "", q


def test_the_vocabulary_follows_the_index(understood, make_indexed, search):
    assert Term.objects.filter(word="velos", label="vélos").exists()
    make_indexed("Défibrillateurs automatisés")
    assert search("defibrilateurs").suggestion == "défibrillateurs"
    assert indexing.rebuild() == len(understood) + 1
    assert Term.objects.get(word="pistes").documents == 1
    assert search("defibrilateurs").suggestion == "défibrillateurs"


def test_edit_distance():
    assert spelling.distance("velo", "vleo", 2) == 1  # swapped letters: one edit
    assert spelling.distance("stationement", "stationnement", 2) == 1
    assert spelling.distance("abc", "xyzabc", 2) == 3  # beyond the limit


def test_bad_lines_of_the_table_are_refused():
    with pytest.raises(ValueError, match="ligne 1"):
        SynonymTable(["de, la"])
    expanded = SynonymTable(["a1 => b1"]).expand(parse_query("a1 c2"))
    assert expanded.synonyms[0].alternatives == (("b1",),)
    assert SynonymTable(["a1 => b1"]).expand(parse_query("b1")).synonyms == ()


def test_page_says_results_for_the_correction(client, understood):
    html = client.get("/jeux-de-donnees/?q=budjet").content.decode()
    assert "Résultats pour « <strong>budget</strong> »" in html
    assert 'href="/jeux-de-donnees/?q=budjet&amp;correct=0"' in html
    assert "Budget primitif" in html
    html = client.get("/jeux-de-donnees/?q=budjet&correct=0").content.decode()
    assert "Vouliez-vous dire" in html
    assert 'href="/jeux-de-donnees/?q=budget"' in html
    html = client.get("/jeux-de-donnees/?q=v%C3%A9lo&ranking=texte").content.decode()
    assert '<option value="texte" selected>' in html
    assert "Pistes cyclables" not in html


def test_api_returns_the_suggestion(client, understood):
    body = client.get("/api/1/datasets/?q=budjet").json()
    assert body["suggestion"] == "budget" and body["corrected"] is True
    assert [d["title"] for d in body["data"]] == ["Budget primitif"]
    body = client.get("/api/1/datasets/?q=budjet&correct=false").json()
    assert body["total"] == 0 and body["corrected"] is False
    body = client.get("/api/1/datasets/?q=vélo&ranking=texte").json()
    assert body["suggestion"] is None and body["total"] == 1
    assert client.get("/api/1/datasets/?q=vélo&ranking=semantique").status_code == 422
    schema = client.get("/api/1/openapi.json").json()["components"]["schemas"]
    assert "suggestion" in schema["DatasetSearchPage"]["properties"]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "AND OR NOT NEAR",
        "vélo OR *",
        "a" * 300,
        "plan local d'urbanisme " * 20,
        "é" * 45,
        "🚲 vélo",
        "stationement " * 16,
        "'; DROP TABLE search_term; --",
    ],
)
def test_weird_queries_never_fail(client, understood, q):
    for ranking in ("hybride", "texte"):
        assert client.get("/jeux-de-donnees/", {"q": q, "ranking": ranking}).status_code == 200
        assert client.get("/api/1/datasets/", {"q": q, "ranking": ranking}).status_code == 200
    assert (
        client.get("/jeux-de-donnees/", {"q": q, "ranking": "x", "correct": "x"}).status_code == 200
    )


def test_words_of_drafts_and_private_datasets_are_never_suggested(make_indexed, search, editor):
    from datasud.catalog.models import Dataset

    make_indexed("Projet confidentiel Hirondelle", private=True)
    make_indexed("Hirondelles du Verdon", status=Dataset.Status.DRAFT)
    make_indexed("Budget primitif")
    assert not Term.objects.filter(word__startswith="hirondelle").exists()
    assert search("hirondlles").suggestion == ""
    assert search("hirondlles", user=editor).suggestion == ""
    # Made public, its words come in; made private again, they are not offered anymore.
    public = make_indexed("Hirondelles de Sisteron")
    assert search("hirondlles").suggestion == "hirondelles"
    public.private = True
    public.save()
    indexing.reindex([public.pk])
    assert search("hirondlles").suggestion == ""


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.booleans())
def test_expanded_match_expressions_are_total(text, any_word):
    terms = expand(parse_query(text))
    assert isinstance(match_expression(terms, any_word), str)
    sql, params = tsquery(terms, any_word)
    assert sql.count("%s") == len(params)


@settings(max_examples=150, deadline=None)
@given(st.text("abcdeé", max_size=8), st.text("abcdeé", max_size=8))
def test_edit_distance_is_symmetric_and_bounded(a, b):
    assert spelling.distance(a, b, 2) == spelling.distance(b, a, 2)
    assert spelling.distance(a, b, 2) <= 3
