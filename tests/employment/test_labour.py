from datasud.employment.engine import Engine
from datasud.employment.engine.labour import PACA_DEPARTEMENTS


def test_salary_of_a_fiche_through_its_fap_family_is_dated_and_sourced(engine):
    salary = engine.salary("D1505")
    assert salary["complet"] and "DARES" in salary["source"]
    family = salary["familles"][0]
    # DARES: cashiers (FAP R0Z61), 2017-2019 median net monthly salary.
    assert family["fap"] == "R0Z61"
    assert family["periode"] == "2017-2019" and family["salaire_median_net"] == 1300.0
    assert round(sum(b["part_pct"] for b in family["tranches"])) == 100


def test_tension_for_paca_and_each_departement(engine):
    tension = engine.tension("D1505")
    places = tension["familles"][0]["territoires"]
    assert {"France", "93", *PACA_DEPARTEMENTS} <= set(places)
    assert tension["annee"] == 2019
    assert set(places["93"]["indicateurs"]) >= {"Intensité d'embauches",
                                                 "Manque de main-d'œuvre disponible"}


def test_a_fiche_without_dares_family_is_labelled_incomplete(extract_tables):
    # Real case: ROME v3 codes the DARES table does not list (about one in ten).
    parent = "D1505"
    other = Engine(dict(extract_tables, fap_rome=[r for r in extract_tables["fap_rome"]
                                                  if r["Rome"] != parent]))
    salary, tension = other.salary("D1505"), other.tension("D1505")
    assert salary["complet"] is False and salary["familles"] == [] and salary["source"]
    assert tension["complet"] is False and tension["familles"] == []
