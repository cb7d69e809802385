"""French full text: accents, stems, prefixes, weights, AND then OR, hostile input."""
import pytest

from .helpers import names, titles


def test_accents_are_ignored_both_ways(catalogue, search):
    assert names(search("velo"), catalogue) == {"velo"}
    assert names(search("VÉLO"), catalogue) == {"velo"}
    assert names(search("qualite eaux"), catalogue) == {"eau"}


def test_stems_match_singular_and_plural(make_indexed, search):
    transport = make_indexed("Réseau de transport régional")
    cyclables = make_indexed("Aménagements cyclables")
    assert titles(search("transports régionaux")) == [transport.title]
    assert titles(search("transports")) == [transport.title]
    assert titles(search("cyclable aménagement")) == [cyclables.title]


def test_prefix_on_the_last_word(catalogue, search):
    assert names(search("transp"), catalogue) >= {"bus"}
    assert names(search("pistes cycl"), catalogue) == {"velo"}
    assert names(search("baign"), catalogue) == {"eau"}
    # Only the last word is a prefix: "cycl" as a first word is a whole word, so only
    # the fallback to any word finds the dataset (through "pistes").
    assert search("cycl pistes").relaxed is True


def test_prefix_longer_than_the_stem(make_indexed, search):
    # "données" stems to "don"; the typed "donnée" must still find it (unstemmed words).
    dataset = make_indexed("Données ouvertes")
    assert titles(search("donnée")) == [dataset.title]
    assert titles(search("ouvertes donn")) == [dataset.title]


def test_all_words_are_required(catalogue, search):
    assert names(search("qualité air"), catalogue) == {"air"}
    assert names(search("qualité"), catalogue) == {"air", "eau"}
    assert search("qualité air").relaxed is False


def test_no_dataset_with_all_words_falls_back_to_any(catalogue, search):
    result = search("baignade polluants")
    assert result.relaxed is True
    assert names(result, catalogue) == {"air", "eau"}


def test_stop_words_do_not_restrict(catalogue, search):
    assert names(search("horaires de transports"), catalogue) == {"bus"}
    result = search("les horaires")
    assert names(result, catalogue) == {"bus"} and result.relaxed is False


def test_title_ranks_above_description(make_indexed, search):
    in_description = make_indexed("Réseau urbain", description="Les arrêts de tramway.")
    in_title = make_indexed("Tramway", description="Le réseau urbain.")
    in_tags = make_indexed("Réseau interurbain", tags=["tramway"])
    result = search("tramway")
    assert titles(result) == [in_title.title, in_tags.title, in_description.title]
    assert result.sort == "relevance"


def test_organisation_name_is_searched_with_a_low_weight(catalogue, search):
    result = search("metropole")
    assert names(result, catalogue) == {"velo", "bus"}


def test_relevance_without_words_sorts_by_modification(catalogue, search):
    result = search("", sort="relevance")
    assert result.sort == "-modified"
    assert result.total == 5


@pytest.mark.parametrize("q", [
    '"', '""', "*", "**", "^", "NEAR(", "NEAR(a b", "AND", "OR", "NOT", "a AND", "- -", ":",
    "title:", "{title}: x", "'", "\\", "%", "%s", "%%", "?", "a OR b NOT c", "(", ")", "&",
    "|", "!", "<->", "a:*", "vélo:*B", "' OR 1=1 --", "'; DROP TABLE catalog_dataset; --",
    "\x00", "é", "ﬁ", "𝔳𝔢𝔩𝔬", "数据", "🚲", "_", "_ _", "a" * 5000, "velo " * 200,
])
def test_hostile_queries_never_fail(catalogue, search, q):
    result = search(q)
    assert result.total >= 0
    search(q, sort="-modified")
    search(q, sort="title", page=2)


def test_punctuation_only_is_no_query(catalogue, search):
    assert search('" * : ( -').total == search("").total == 5


def test_words_that_are_operators_are_plain_words(make_indexed, search):
    dataset = make_indexed("Near and far: or not")
    assert titles(search("NEAR")) == [dataset.title]
    assert titles(search("and far")) == [dataset.title]
