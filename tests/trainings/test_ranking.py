"""Offers ranked by the share of the skills gap they close, then by distance."""
import pytest
from django.core.management import call_command

from datasud.employment.services import trainings_for
from datasud.trainings.importers import moncompteformation
from datasud.trainings.models import TargetedRome, TrainingOffer
from datasud.trainings.services import haversine_km, infer_romes

from .conftest import LHEO_SAMPLE, MCF_SAMPLE


def _import(path, fmt="lheo", **options):
    call_command("import_trainings", str(path), format=fmt, verbosity=0,
                 no_rome_inference=True, **options)


def test_haversine_known_distance():
    marseille, nice = (43.2965, 5.3698), (43.7102, 7.2620)
    assert haversine_km(marseille, nice) == pytest.approx(158, abs=2)
    assert haversine_km(marseille, marseille) == 0


def test_without_offers_the_block_says_so(db, engine):
    block = trainings_for(engine, engine.gap("D1505", "D1106"), "13055")
    assert block["offres"] == [] and block["demonstration"] is False
    assert "Aucune offre de formation n'est encore importée" in block["message"]


def test_offers_ranked_by_gap_closed_then_distance(db, engine, territories):
    _import(LHEO_SAMPLE)
    gap = engine.gap("D1505", "D1106")
    block = trainings_for(engine, gap, "13055")
    offers = block["offres"]
    # Both actions of the D1106 formation close the whole gap; Marseille is nearer.
    assert [o["commune"] for o in offers[:2]] == ["Marseille", "Nice"]
    assert offers[0]["couverture_pct"] == offers[1]["couverture_pct"] == 100
    assert offers[0]["distance_km"] == pytest.approx(0.0, abs=5)
    # Nice has no coordinates in the file: its commune's centre is used.
    assert offers[1]["distance_km"] == pytest.approx(158, abs=10)
    # The bakery offer (D1102) shares 6 of the 61 skills to acquire: it comes after.
    assert offers[2]["commune"] == "Avignon" and offers[2]["couverture_pct"] == 10
    assert len(offers) == 3
    first = offers[0]
    assert first["certification"] == {"type": "RNCP", "code": "RNCP99901", "intitule": ""}
    assert first["rome"] == ["D1106"] and not first["rome_deduit"]
    assert first["duree_heures"] == 560 and first["cout_euros"] == 4200.5
    assert first["debut"] == "2027-01-11" and first["url"].startswith("https://")
    assert not first["demonstration"] and block["demonstration"] is False
    assert "LHEO" in block["source"] and block["methode"]
    # Without a commune: same order by coverage, no distance, and a hint.
    plain = trainings_for(engine, gap, None)
    assert all(o["distance_km"] is None for o in plain["offres"])
    assert "commune" in plain["message"]


def test_nothing_to_acquire_means_no_offer(db, engine):
    _import(LHEO_SAMPLE)
    gap = engine.gap("D1505", "D1106")
    held = [s["code_ogr"] for s in gap["competences_a_acquerir"] + gap["savoirs_a_acquerir"]]
    block = trainings_for(engine, engine.gap("D1505", "D1106", held), None)
    assert block["offres"] == [] and "déjà toutes les compétences" in block["message"]


def test_unrelated_target_gets_no_offer(db, engine):
    _import(LHEO_SAMPLE)
    block = trainings_for(engine, engine.gap("D1505", "N4101"), None)
    assert block["offres"] == [] and "Aucune offre importée" in block["message"]


def test_demo_offers_are_labelled(db, engine, territories):
    _import(LHEO_SAMPLE, demo=True)
    block = trainings_for(engine, engine.gap("D1505", "D1106"), "13055")
    assert block["demonstration"] is True
    assert all(o["demonstration"] for o in block["offres"])
    assert "Exemple de démonstration" in block["message"]


def test_rome_inferred_from_certification_title(engine):
    records = moncompteformation.parse(MCF_SAMPLE.open("rb"), region="93").records
    assert infer_romes(records, engine.search) == 2
    caisse = next(r for r in records if r.source_id == "TEST-MCF-1")
    assert caisse.romes == ["D1505"] and caisse.romes_inferred
    web = next(r for r in records if r.source_id == "TEST-MCF-2")
    assert web.romes and web.romes[0].startswith("M18")


def test_mcf_offers_rank_without_distance(db, engine, territories):
    call_command("import_trainings", str(MCF_SAMPLE), format="mcf", region="93",
                 verbosity=0)  # the engine of the datastore is absent: no inference
    assert not TargetedRome.objects.exists()
    offer = TrainingOffer.objects.get(source_id="TEST-MCF-1")
    TargetedRome.objects.create(offer=offer, code="D1505", inferred=True)
    block = trainings_for(engine, engine.gap("D1106", "D1505"), "13055")
    assert [o["titre"] for o in block["offres"]] == [offer.title]
    found = block["offres"][0]
    assert found["distance_km"] is None and found["rome_deduit"]
    assert found["departement"] == "13" and "département" in block["message"]
