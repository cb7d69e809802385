"""The LHEO and MonCompteFormation readers, on files written in their exact formats, and
on hostile or broken files."""
import io
from decimal import Decimal

import pytest

from datasud.trainings.importers import lheo, moncompteformation
from datasud.trainings.importers.base import TrainingImportError, next_session

from .conftest import LHEO_SAMPLE, MCF_SAMPLE


def _lheo(text: str):
    return lheo.parse(io.BytesIO(text.encode()))


def test_lheo_offers_one_per_action_with_their_fields():
    result = lheo.parse(LHEO_SAMPLE.open("rb"))
    offers = {r.source_id: r for r in result.records}
    assert set(offers) == {"F-TEST-1/A-MRS", "F-TEST-1/A-NCE", "F-TEST-2/A-AVI"}
    marseille = offers["F-TEST-1/A-MRS"]
    assert marseille.title == "Vendeur conseil en alimentation (formation de test)"
    assert marseille.provider_name == "Organisme de test Sud (SARL)"
    assert marseille.provider_siret == "12345678900011"
    assert (marseille.commune_insee, marseille.place_name, marseille.departement) == (
        "13055", "Marseille", "13")
    assert (marseille.latitude, marseille.longitude) == (43.2965, 5.3698)
    assert marseille.duration_hours == 560  # centre 420 + entreprise 140
    assert marseille.cost_euros == Decimal("4200.5")  # "4200,50"
    assert (marseille.certification_kind, marseille.certification_code) == ("RNCP",
                                                                             "RNCP99901")
    assert marseille.certifinfo == "99902"
    assert marseille.formacodes == ["34566", "34502"] and marseille.romes == ["D1106"]
    assert marseille.url.endswith("/marseille") and not marseille.remote
    assert [s["debut"] for s in marseille.sessions] == ["2025-01-06", "2027-01-11"]
    # Contact persons of the file are not read.
    assert "Personne" not in repr(result.records)
    assert result.warnings == ["Formation F-TEST-3 ignorée : intitulé ou action manquant."]


def test_lheo_absurd_values_become_unknown_not_errors():
    offers = {r.source_id: r for r in lheo.parse(LHEO_SAMPLE.open("rb")).records}
    avignon = offers["F-TEST-2/A-AVI"]
    assert avignon.duration_hours is None and avignon.cost_euros is None  # -12 h, "beaucoup"
    assert avignon.latitude is None and avignon.longitude is None  # latitude 943.9
    assert avignon.provider_siret == "" and avignon.provider_name == "Fournil de test"
    assert avignon.departement == "84"
    nice = offers["F-TEST-1/A-NCE"]
    assert nice.sessions == [{"debut": None, "fin": None}]  # 99999999: permanent entry
    assert nice.url.endswith("/vendeur-conseil")  # the formation's address


def test_next_session_is_the_first_not_started():
    sessions = [{"debut": "2025-01-06", "fin": None}, {"debut": "2027-01-11", "fin": None}]
    from datetime import date

    assert next_session(sessions, date(2026, 11, 29))["debut"] == "2027-01-11"
    assert next_session(sessions, date(2028, 1, 1))["debut"] == "2027-01-11"
    assert next_session([{"debut": None, "fin": None}]) == {}


@pytest.mark.parametrize("content, words", [
    # XXE: an external entity reading a local file.
    ('<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     "<lheo><offres>&x;</offres></lheo>", "DTD"),
    # Billion laughs: nested entity expansion.
    ('<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaaaaaaaa">'
     '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
     "]><lheo><offres>&c;</offres></lheo>", "DTD"),
    ("<lheo><offres><formation><intitule-formation>A</intitule", "ligne 1"),
    ("code_rome;libelle\nD1505;caisse\n", "XML illisible"),
    ("<rss><channel/></rss>", "racine est « rss »"),
    ('<lheo xmlns="http://www.lheo.org/2.2"><offres/></lheo>', "Aucune offre"),
    ("", "XML illisible"),
])
def test_lheo_hostile_or_broken_files_are_refused(content, words):
    with pytest.raises(TrainingImportError, match=words):
        _lheo(content)


def test_lheo_truncated_real_sample_names_the_line():
    data = LHEO_SAMPLE.read_bytes()
    with pytest.raises(TrainingImportError, match=r"ligne \d+, colonne \d+"):
        lheo.parse(io.BytesIO(data[: len(data) // 2]))


def test_lheo_streams_many_formations():
    formation = ('<formation numero="F{n}"><domaine-formation><code-ROME>D1106</code-ROME>'
                 "</domaine-formation><intitule-formation>T{n}</intitule-formation>"
                 '<action numero="A"><session><periode><debut>20270101</debut>'
                 "<fin>20270201</fin></periode></session></action>"
                 "<organisme-formation-responsable><nom-organisme>O</nom-organisme>"
                 "</organisme-formation-responsable></formation>")
    body = "".join(formation.format(n=n) for n in range(3000))
    result = _lheo(f'<lheo xmlns="http://www.lheo.org/2.1"><offres>{body}</offres></lheo>')
    assert len(result.records) == 3000 and result.records[-1].source_id == "F2999/A"


def test_mcf_catalogue_lines_with_their_published_columns():
    result = moncompteformation.parse(MCF_SAMPLE.open("rb"))
    offers = {r.source_id: r for r in result.records}
    assert set(offers) == {"TEST-MCF-1", "TEST-MCF-2", "TEST-MCF-3"}
    caisse = offers["TEST-MCF-1"]
    assert caisse.title == "Hôte de caisse en grande distribution (test)"
    assert caisse.provider_name == "ORGANISME DE TEST CAISSE"
    assert (caisse.certification_kind, caisse.certification_code) == ("RNCP", "RNCP99911")
    assert caisse.certification_title == "Hôte de caisse"
    assert caisse.duration_hours == 350.5 and caisse.cost_euros == Decimal("1990")
    assert (caisse.departement, caisse.place_name) == ("13", "Bouches-du-Rhône")
    assert caisse.romes == [] and caisse.commune_insee == "" and caisse.latitude is None
    web = offers["TEST-MCF-2"]
    assert (web.certification_kind, web.certification_code) == ("RS", "RS5063")
    assert web.formacodes == ["31054", "31094"] and web.remote
    assert result.warnings == ["Ligne 5 ignorée : intitulé ou organisme vide."]


def test_mcf_region_filter_and_other_encodings_and_separators():
    only_paca = moncompteformation.parse(MCF_SAMPLE.open("rb"), region="93").records
    assert {r.source_id for r in only_paca} == {"TEST-MCF-1", "TEST-MCF-2"}
    text = MCF_SAMPLE.read_text(encoding="utf-8")
    latin = moncompteformation.parse(io.BytesIO(text.encode("cp1252")), region="93")
    assert latin.records[0].place_name == "Bouches-du-Rhône"
    header = "nom_of,intitule_formation,code_rncp\n"
    comma = moncompteformation.parse(io.BytesIO((header + "OF,Titre,12\n").encode()))
    assert comma.records[0].certification_code == "RNCP12"


@pytest.mark.parametrize("content, words", [
    (b"", "Fichier vide"),
    (b"code_rome;libelle\nD1505;caisse\n", "colonnes absentes intitule_formation, nom_of"),
    (LHEO_SAMPLE.read_bytes(), "colonnes absentes"),
    (b"\x00\x01\x02PK\x03\x04" * 50, "pas un CSV"),
    (b"nom_of;intitule_formation\n", "Aucune offre"),
    (b'nom_of;intitule_formation\nOF;"titre ' + b"x" * 200_000 + b'"\n', "CSV mal form"),
])
def test_mcf_broken_files_are_refused(content, words):
    with pytest.raises(TrainingImportError, match=words):
        moncompteformation.parse(io.BytesIO(content))


def test_text_is_cleaned_of_control_and_invisible_characters():
    from datasud.trainings.importers.base import clean

    dirty = "  Vendeur\x00 \u200bconseil\n\t en\u202e magasin "
    assert clean(dirty) == "Vendeur conseil en magasin"
    assert clean("x" * 600) == "x" * 500 and clean(None) == ""
