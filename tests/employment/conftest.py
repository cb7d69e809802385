"""A small real extract of the shipped referentials: a few families of fiches (retail,
care, IT, transport, bakery) with all their rows, so that engine tests run in a second."""
import pytest

from datasud.employment.engine import Engine
from datasud.employment.engine.tables import read_from_files

DOMAINS = ("D11", "D12", "D15", "J15", "M18", "N41")
# Fiches the tests name, whatever their domain.
EXTRA = {"K2110"}


def _keep(code: str) -> bool:
    return bool(code) and (code[:3] in DOMAINS or code in EXTRA)


@pytest.fixture(scope="session")
def extract_tables():
    tables = read_from_files()
    fiches = [r for r in tables["fiches"] if _keep(r["code_rome"])]
    codes = {r["code_rome"] for r in fiches}
    parents = {r["code_rome_parent"] for r in fiches}
    appellations = [r for r in tables["appellations"] if r["code_rome"] in codes]
    ogr = {r["code_ogr"] for r in appellations}
    fiche_items = [r for r in tables["fiche_items"] if r["code_rome"] in codes]
    items = {r["code_ogr"] for r in fiche_items}
    esco = [r for r in tables["rome_esco"] if r["code_ogr"] in ogr]
    uris = {r["esco_uri"] for r in esco}
    return {
        "fiches": fiches, "appellations": appellations, "fiche_items": fiche_items,
        "items": [r for r in tables["items"] if r["code_ogr"] in items],
        "mobilities": [r for r in tables["mobilities"]
                       if r["code_rome"] in codes and r["code_rome_cible"] in codes],
        "domains": tables["domains"],
        "rome_esco": esco,
        "esco_occupations": [r for r in tables["esco_occupations"] if r["esco_uri"] in uris],
        "related_romes": [r for r in tables["related_romes"]
                          if r["rome"] in parents and r["rome_connexe"] in parents],
        "fap_rome": [r for r in tables["fap_rome"] if r["Rome"] in parents],
        "salary_median": tables["salary_median"], "salary_bands": tables["salary_bands"],
        "tensions": tables["tensions"],
        # Small tables, kept whole: every PACA bassin, every ROME → NAF row.
        "area_communes": tables["area_communes"], "rome_naf": tables["rome_naf"],
        "naf_labels": tables["naf_labels"],
        "related_romes_all": tables["related_romes"],
        "sectors": [r for r in tables["sectors"] if r["code_rome"] in codes],
        "riasec": [r for r in tables["riasec"] if r["code_rome"] in codes],
        "interests": [r for r in tables["interests"] if r["code_rome"] in codes],
    }


@pytest.fixture(scope="session")
def engine(extract_tables):
    return Engine(extract_tables)


@pytest.fixture(scope="session")
def shipped_engine():
    """The engine built from the shipped referential files (the tables `load_employment`
    publishes), without the datastore."""
    return Engine.from_files()


@pytest.fixture
def wizard(db, shipped_engine, monkeypatch):
    """A client of the wizard's pages, which read `shipped_engine`."""
    from django.core.cache import cache
    from django.test import Client

    from datasud.employment import services

    monkeypatch.setattr(services, "current_engine", lambda: shipped_engine)
    cache.clear()  # the save throttle counts in the cache
    return Client()
