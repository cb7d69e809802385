"""Employment areas (bassins d'emploi) and hiring sectors of a target, from the shipped
La Bonne Boîte extracts: known answers on the real tables."""
import pytest

from datasud.employment.engine import Engine, EngineError
from datasud.employment.engine.areas import EmploymentAreas

PACA_BASSINS = {"9301", "9302", "9304", "9305", "9306", "9307", "9308", "9311", "9313",
                "9314", "9315", "9316", "9326", "9329", "9331", "9332", "9333"}


@pytest.fixture(scope="module")
def areas(extract_tables):
    return EmploymentAreas(extract_tables["area_communes"],
                           extract_tables["related_romes_all"],
                           extract_tables["rome_naf"], extract_tables["naf_labels"])


def test_every_paca_commune_in_one_named_bassin(areas):
    assert set(areas.areas) == PACA_BASSINS
    communes = [c for area in areas.areas.values() for c in area["communes"]]
    assert len(communes) == len(set(communes)) == 1032
    marseille = areas.area_of_commune("13055")
    assert marseille["code"] == "9306" and marseille["libelle"].startswith("Marseille")
    assert marseille["departement"] == "13" and marseille["population"] > 800_000
    assert areas.area_of_commune("05061")["libelle"].startswith("Gap")
    assert areas.area_of_commune("75056") is None


def test_sectors_hiring_for_a_target_are_labelled_and_ordered(areas):
    sectors = areas.sectors("D1102")  # bakers
    assert sectors[0] == {"naf": "1071C", "libelle": "Boulangerie et boulangerie-pâtisserie",
                          "embauches": sectors[0]["embauches"]}
    counts = [s["embauches"] for s in sectors]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0 and len(sectors) <= 10
    assert areas.sectors("Z9999") == []


def test_zones_say_what_la_bonne_boite_observes(areas):
    zones = areas.zones("D1106", current_parent="K1103")
    assert {z["code"] for z in zones} == PACA_BASSINS
    first = zones[0]
    assert first["indicateur"]["metier_observe"] and first["indicateur"]["score_max"] > 0
    assert "La Bonne Boîte" in first["indicateur"]["texte"]
    # 9301 observes K1103 → D1106 (score 0.974 in the file).
    manosque = next(z for z in zones if z["code"] == "9301")
    assert manosque["indicateur"]["passage_depuis_metier_actuel"] == pytest.approx(0.974)
    quiet = [z for z in zones if not z["indicateur"]["metier_observe"]]
    assert all("pas de donnée" in z["indicateur"]["texte"] for z in quiet)
    assert all(z["indicateur"]["score_max"] is None for z in quiet)


def test_the_persons_bassin_comes_first(areas):
    zones = areas.zones("D1106", commune="13055")
    assert zones[0]["code"] == "9306" and zones[0]["commune_de_la_personne"]
    assert not any(z["commune_de_la_personne"] for z in zones[1:])


def test_diagnostic_has_the_market_block(engine):
    result = engine.diagnostic("D1505", "D1106", commune="13055")
    market = result["marche"]
    assert market["tension"] == result["tension"]  # the old key is kept as it was
    assert {"secteurs", "zones_emploi", "sources", "complet", "messages"} <= set(market)
    assert market["secteurs"] and {"naf", "libelle", "embauches"} <= set(market["secteurs"][0])
    zone = market["zones_emploi"][0]
    assert {"code", "libelle", "departement", "communes", "indicateur"} <= set(zone)
    assert zone["commune_de_la_personne"]
    # The département's 2019 tension, from DARES, next to the bassin.
    assert zone["tension_departement"][0]["fap"]
    assert {s["partie"] for s in market["sources"]} == {"tension", "secteurs", "zones_emploi"}
    assert all(s["source"] and s["date"] for s in market["sources"])


@pytest.mark.parametrize("commune, code", [("Marseille", "invalid_commune"),
                                           ("75056", "unknown_commune"),
                                           ("1" * 300, "invalid_commune")])
def test_a_bad_commune_is_refused_clearly(engine, commune, code):
    with pytest.raises(EngineError) as error:
        engine.diagnostic("D1505", "D1106", commune=commune)
    assert error.value.code == code and str(error.value)


def test_a_target_without_data_is_labelled_partial(extract_tables):
    bare = Engine(dict(extract_tables, rome_naf=[], fap_rome=[]))
    market = bare.market("D1106", "D1505")
    assert market["complet"] is False and market["secteurs"] == []
    assert any("secteurs" in m for m in market["messages"])
    assert any("tension" in m for m in market["messages"])
    assert market["zones_emploi"] and market["sources"]
