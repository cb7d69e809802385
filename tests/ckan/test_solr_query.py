"""The Solr subset of fq / q, translated into the platform search's filters."""
import pytest

from datasud.ckan.errors import SearchQueryError
from datasud.ckan.solr_query import has_fields, translate


@pytest.mark.parametrize("fq, filters", [
    ("tags:vélo", {"tags": {"vélo"}}),
    ('tags:"mobilité douce"', {"tags": {"mobilité douce"}}),
    ("organization:amp AND res_format:CSV", {"organisations": {"amp"}, "formats": {"CSV"}}),
    ("+organization:amp +groups:environnement",
     {"organisations": {"amp"}, "themes": {"environnement"}}),
    ("tags:(bus OR vélo) license_id:odbl", {"tags": {"bus", "vélo"}, "licences": {"odbl"}}),
    ("(tags:bus OR tags:vélo) AND groups:x", {"tags": {"bus", "vélo"}, "themes": {"x"}}),
    # One side implies the other: (bus or vélo) and bus = bus.
    ("tags:(bus OR vélo) AND tags:bus", {"tags": {"bus"}}),
    ("organization:(a OR b) AND organization:b", {"organisations": {"b"}}),
    (r"tags:mot\ composé", {"tags": {"mot composé"}}),
    ("*:*", {}),
    ("dataset_type:dataset", {}),
    ("", {}),
])
def test_translated(fq, filters):
    translated = translate(fq)
    assert translated.filters == filters
    assert not translated.matches_nothing and not translated.text


def test_single_valued_fields_can_match_nothing():
    assert translate("organization:a AND organization:b").matches_nothing
    assert translate("dataset_type:harvest").matches_nothing


@pytest.mark.parametrize("fq, mentioned", [
    ("-tags:vélo", "négation"),
    ("NOT tags:vélo", "négation"),
    ("tags:a AND tags:b", "tags"),
    ("tags:a OR groups:b", "OR"),
    ("author:jean", "author"),
    ("tags:vél*", "jokers"),
    ("metadata_modified:[2020 TO 2021]", "metadata_modified"),
    ('tags:"open', "guillemet"),
    ("(tags:a", "parenthèse"),
    ("tags:a)", ")"),
    ("tags:", "valeur manquante"),
    ("vélo", "champ"),
    ("(" * 30 + "tags:a" + ")" * 30, "imbriquées"),
    ("tags:" + "a" * 3000, "caractères"),
    ("+" * 1900 + "tags:a AND", "incomplète"),
])
def test_refused_with_a_message_naming_it(fq, mentioned):
    with pytest.raises(SearchQueryError) as raised:
        translate(fq)
    assert mentioned in raised.value.message


def test_q_keeps_free_text_and_known_fields():
    translated = translate("vélo tags:bus http://example.org", "q", allow_text=True)
    assert translated.text == ["vélo", "http://example.org"]
    assert translated.filters == {"tags": {"bus"}}
    assert has_fields("tags:bus vélo") and has_fields("*:*")
    assert not has_fields("12:30 à Marseille") and not has_fields('l"eau')
