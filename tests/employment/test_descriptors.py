"""Sectors, RIASEC profile and centres of interest of a fiche, from the ROME 4.0 tables."""
from datasud.employment.engine import Engine


def test_profile_names_the_sectors_riasec_and_interests(engine):
    profile = engine.profile("M1805")  # Études et développement informatique
    sectors = [s["libelle"] for s in profile["secteurs"]]
    assert "Informatique" in sectors
    assert profile["secteurs"][0]["secteur"] == "Informatique et télécommunication"
    assert profile["riasec"] == {"majeur": "Investigateur", "mineur": "Conventionnel",
                                 "code": "IC"}
    assert profile["centres_interet"] and all(i["libelle"] for i in profile["centres_interet"])
    cashier = engine.profile("D1505")
    assert cashier["riasec"]["majeur"] == "Conventionnel"
    assert cashier["secteurs"][0]["libelle"] == "Commerce et distribution"  # principal first


def test_an_older_referential_without_these_tables_gives_empty_descriptors(extract_tables):
    older = {k: v for k, v in extract_tables.items()
             if k not in ("sectors", "riasec", "interests")}
    profile = Engine(older).profile("M1805")
    assert profile["secteurs"] == [] and profile["centres_interet"] == []
    assert profile["riasec"] == {"majeur": "", "mineur": "", "code": ""}
