"""Territories found in text and columns: accents, case, hyphens, longest match, ordinary
words that are also commune names, codes, coordinates."""
from datasud.intelligence.services import Column, detect_territories


def keys(title, description="", columns=None):
    return [t["key"] for t in detect_territories(title, description, columns)]


def test_commune_name_and_insee_code(territories):
    assert keys("Liste des écoles de Marseille 13055")[0] == "commune:13055"
    assert "commune:04070" in keys("Évènements sportifs à DIGNE LES BAINS")


def test_longest_match_wins(territories):
    found = keys("Arrêts de bus de Saint-Martin-de-Crau")
    assert found == ["commune:13097"]


def test_ordinary_words_need_a_capital(territories):
    assert keys("Jus d'orange et cassis : ventes") == []
    assert keys("La garde des enfants le mercredi") == []
    assert "commune:84087" in keys("Antennes relais à Orange")
    # A capitalised common word opening the title is not enough on its own.
    assert "commune:84087" not in keys("Orange : couverture mobile 4G")


def test_departement_epci_and_region(territories):
    found = keys("Routes des Bouches-du-Rhône", "Données de la Région Provence-Alpes-Côte "
                 "d'Azur et du Grand Avignon")
    assert "departement:13" in found
    assert "region:93" in found
    assert "epci:248400251" in found


def test_codes_in_columns(territories):
    columns = [Column("code_insee", ["83137", "83137", "99999"]),
               Column("code_postal", ["13310", "04000"])]
    found = keys("Effectifs scolaires", columns=columns)
    assert "commune:83137" in found  # Toulon
    assert "commune:13097" in found  # 13310: Saint-Martin-de-Crau's postal code
    # 04000 is shared by Digne-les-Bains and 3 villages around: it says too little.
    assert "commune:04070" not in found


def test_coordinates_columns_locate_the_communes(territories):
    columns = [Column("latitude", ["43.2965", "43.2951", "not a number", "48.85"]),
               Column("longitude", ["5.3698", "5.3750", "5.37", "2.35"])]
    found = detect_territories("Bancs publics", columns=columns)
    assert found[0]["code"].startswith("132") or found[0]["code"] == "13055"
    assert found[0]["source"] == "coordonnées"


def test_nothing_without_territories(db):
    from datasud.intelligence import places
    places.reset_gazetteer()
    assert keys("Liste des écoles de Marseille 13055") == []
    places.reset_gazetteer()
