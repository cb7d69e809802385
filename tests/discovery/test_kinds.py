"""Recognising what a column holds from its name and a sample of its values."""

import pytest

from datasud.discovery.kinds import Referential, detect_kind, kinds_of_query, normalise

REFERENTIAL = Referential(
    communes={"04070", "05061", "06088", "13055", "83137", "84007", "13001", "06029"},
    postcodes={
        "04000",
        "05000",
        "06000",
        "06100",
        "13001",
        "13002",
        "83000",
        "84000",
        "06400",
        "13100",
    },
    departements={"04", "05", "06", "13", "83", "84"},
)
INSEE = ["04070", "05061", "06088", "13055", "83137", "84007"]
POSTCODES = ["04000", "05000", "06000", "06100", "83000", "84000"]
# Real SIRET/SIREN (Luhn keys valid): DINUM, Région Sud, INSEE...
SIRET = ["13002526500013", "23130002100012", "12002701600563", "21130055300016", "13001045700013"]
SIREN = [s[:9] for s in SIRET]


def kind(name, values, field_type="string", **kwargs):
    return detect_kind(name, field_type, values, REFERENTIAL, **kwargs)


@pytest.mark.parametrize("name", ["codgeo", "com", "depcom", "code_commune", "insee", "x"])
def test_codes_insee_are_recognised_from_their_values_whatever_the_name(name):
    assert kind(name, INSEE) == "code_insee"


def test_a_column_named_com_that_holds_comments_is_no_code_insee():
    assert kind("com", ["Très bien", "À revoir", "RAS", "Fermé le lundi", "ok"]) == ""


def test_codes_insee_outside_the_region_need_their_name():
    national = ["75056", "69123", "31555", "33063", "59350"]
    assert kind("codgeo", national) == "code_insee"
    assert kind("valeur", national) == ""


def test_postcodes_by_their_values_or_their_name():
    assert kind("code", POSTCODES) == "code_postal"
    # 13001 is both Aix-en-Provence's code INSEE and Marseille 1er's postcode: the name says.
    assert kind("CP", ["13001", "13002"]) == "code_postal"
    assert kind("Code postal", ["75001", "69002", "31000"]) == "code_postal"


def test_integer_columns_get_their_leading_zero_back():
    assert kind("insee", ["4070", "5061", "6088", "13055"], "integer") == "code_insee"


def test_siret_and_siren_by_their_luhn_key():
    assert kind("identifiant", SIRET) == "siret"
    assert kind("identifiant", [s[:13] + str((int(s[13]) + 1) % 10) for s in SIRET]) == ""
    assert kind("numero", SIREN) == "siren"
    assert kind("siret", ["130 025 265 00013"]) == "siret"  # spaces, one value, named
    assert kind("numero", SIRET[:2]) == ""  # two valid keys by chance prove little


def test_other_kinds():
    assert kind("contact", ["a@example.org", "b.c@mairie-nice.fr"]) == "email"
    assert kind("site", ["https://www.datasud.fr", "http://example.org/x"]) == "url"
    assert kind("tel", ["04 91 00 00 00", "06.12.34.56.78", "+33491000000"]) == "telephone"
    assert kind("maj", ["31/12/2023", "01/01/2024"]) == "date"
    assert kind("debut", [], "date") == "date"
    assert kind("forme", [], "geojson") == "geometrie"
    assert kind("lat", [], "number", minimum=43.1, maximum=44.9) == "latitude"
    assert kind("Longitude", [], "number", minimum=5.1, maximum=7.5) == "longitude"
    assert kind("x", [], "number", minimum=800000, maximum=1000000) == ""  # Lambert 93
    assert kind("dep", ["4", "13", "6"], "integer") == "code_departement"
    assert kind("zone", ["04", "13", "06"]) == "code_departement"
    assert kind("note", ["4", "13", "6"], "integer") == ""


def test_queries_name_kinds():
    assert kinds_of_query("code INSEE") == ["code_insee"]
    assert kinds_of_query("Code_Commune") == ["code_insee"]
    assert kinds_of_query("SIRET") == ["siret"]
    assert kinds_of_query("courriel") == ["email"]
    assert kinds_of_query("population") == []
    assert normalise("  Code  INSEE (commune) ") == "code_insee_commune"
