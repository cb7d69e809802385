import pytest

from datasud.employment.engine import EngineError
from datasud.employment.engine.text import appellation_forms, fold, query_words


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Hôte / Hôtesse de CAISSE") == "hote hotesse de caisse"
    assert fold("Œnologue") == "oenologue"


def test_appellation_forms_gives_masculine_and_feminine_with_the_shared_tail():
    assert appellation_forms("Caissier / Caissière") == ["Caissier", "Caissière"]
    assert appellation_forms("Agent / Agente d'entretien") == ["Agent d'entretien",
                                                               "Agente d'entretien"]
    assert appellation_forms("Community manager") == ["Community manager"]


def test_abbreviations_are_expanded_and_conditions_dropped():
    assert query_words("Dev web") == ["developpeur", "web"]
    assert query_words("aide soignante de nuit") == ["aide", "soignante"]


@pytest.mark.parametrize("text,code", [
    ("caissière", "D1505"), ("caissiere", "D1505"), ("CAISSIER", "D1505"),
    ("dev web", "M1855"), ("aide soignante de nuit", "J1501"), ("boulanjer", "D1102"),
    ("chauffeur poids lourd", "N4101"), ("vendeuse boulangerie patisserie", "D1106"),
])
def test_free_text_finds_the_fiche_first(engine, text, code):
    result = engine.search(text)
    assert result["fiches"][0]["code_rome"] == code
    assert result["appellations"][0]["code_rome"] == code


def test_search_returns_one_entry_per_fiche_with_its_labels(engine):
    fiches = engine.search("vendeur", limit=5)["fiches"]
    codes = [f["code_rome"] for f in fiches]
    assert 3 <= len(codes) == len(set(codes)) <= 5
    assert all(f["libelle"] and f["meilleure_appellation"] for f in fiches)
    assert fiches == sorted(fiches, key=lambda f: -f["score"])


@pytest.mark.parametrize("text,code", [
    ("", "empty_text"), ("   ", "empty_text"), ("?!…", "empty_text"),
    ("x" * 201, "text_too_long"), ("zzzzzz", "no_match"), ("qwxk vbnm", "no_match"),
])
def test_empty_absurd_or_too_long_text_is_refused_clearly(engine, text, code):
    with pytest.raises(EngineError) as error:
        engine.search(text)
    assert error.value.code == code
    assert str(error.value)
